import { describe, expect, it } from "vitest";
import { formatImportReport } from "../../src/org/format-import-report.ts";
import type { ImportReport } from "../../src/org/import-org.ts";

const zero = { created: 0, updated: 0, unchanged: 0, removed: 0 };

function report(overrides: Partial<ImportReport>): ImportReport {
  return {
    file: "org.yaml",
    ok: true,
    dryRun: false,
    changed: true,
    counts: { units: zero, points: zero, people: zero, duties: zero, categories: zero, chats: zero, patrols: zero },
    catalogue: { inserted: 0, linked: 0 },
    problems: [],
    handedOver: [],
    ...overrides,
  };
}

describe("formatImportReport", () => {
  it("lists what changed per entity, leaving out entities the file does not have", () => {
    const text = formatImportReport(
      report({
        counts: {
          units: { created: 2, updated: 1, unchanged: 3, removed: 0 },
          points: zero,
          people: { created: 0, updated: 1, unchanged: 0, removed: 0 },
          duties: { created: 1, updated: 0, unchanged: 4, removed: 2 },
          categories: zero,
          chats: zero,
          patrols: zero,
        },
        catalogue: { inserted: 25, linked: 0 },
      }),
    );
    expect(text).toBe(
      "导入完成：单位 新增 2、更新 1、无变化 3；人员 新增 0、更新 1、无变化 0；职责 新增 1、删除 2、无变化 4。\n另载入默认问题类别 25 个。",
    );
  });

  it("says 无变化 when the file matched the database, also in a dry run", () => {
    const counts = { ...report({}).counts, chats: { created: 0, updated: 0, unchanged: 6, removed: 0 } };
    expect(formatImportReport(report({ changed: false, counts }))).toBe(
      "导入完成：无变化（群绑定 6 条均与数据库一致）。",
    );
    expect(formatImportReport(report({ changed: false, dryRun: true, counts }))).toBe(
      "试运行（未写入任何数据）：无变化（群绑定 6 条均与数据库一致）。",
    );
  });

  it("lists every problem with file, sheet and row", () => {
    const text = formatImportReport(
      report({
        ok: false,
        changed: false,
        problems: [
          { loc: { file: "org.xlsx" }, message: "缺少列“角色”" },
          { loc: { file: "org.xlsx", section: "people", sheet: "人员", row: 7 }, message: "角色“网格王”无效" },
        ],
      }),
    );
    expect(text).toBe(
      "导入失败，共 2 处错误，未做任何修改：\n  org.xlsx：缺少列“角色”\n  org.xlsx › 人员 › 第 7 行：角色“网格王”无效",
    );
  });

  // behaviour §1.9
  it("lists the issues passed on because their owner lost their duty", () => {
    const text = formatImportReport(
      report({
        counts: {
          units: zero,
          points: zero,
          people: zero,
          duties: { created: 0, updated: 0, unchanged: 0, removed: 2 },
          categories: zero,
          chats: zero,
          patrols: zero,
        },
        handedOver: [
          { number: 1001, from: "郑晓红", to: "黄志明" },
          { number: 1002, from: "郑晓红", to: null },
        ],
      }),
    );
    expect(text).toBe(
      "导入完成：职责 新增 0、删除 2、无变化 0。\n有 2 个未办结问题的责任人已不再任职，已转交：\n" +
        "  #1001 郑晓红 → 黄志明\n  #1002 郑晓红 → 待派单（无人可接）",
    );
  });
});
