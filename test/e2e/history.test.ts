// behaviour §2.14, §9.4
import { join } from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { exportLedger } from "../../src/reports/export-ledger.ts";
import { ORG, reportIssue, useBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

describe("history keeps every change's before and after", () => {
  const h = useBot({ mode: "webhook" });
  const p = (name: string) => h().people.get(name) ?? "";

  it("records category, deadline, owner, grid and point changes and the ledger's 处置记录 shows them", async () => {
    const filed = await reportIssue(h(), { from: "何小燕", text: "上报 幸福路菜市场门口堆物", images: [samplePng(1)] });
    const click = async (value: Record<string, unknown>, option: string) => {
      const answer = await h().emu.userClicks({
        messageId: filed.cardMessageId ?? "",
        from: p("李秀英"),
        value,
        option,
      });
      await h().settle();
      return answer?.toast?.type;
    };
    const board = await h().bot.db.category.findUniqueOrThrow({ where: { name: "宣传栏破损" } });
    const secondGrid = await h().bot.db.unit.findFirstOrThrow({ where: { name: "幸福里第二网格" } });
    expect(await click({ a: "set_category", i: filed.id }, String(board.id))).toBe("success");
    expect(await click({ a: "assign", i: filed.id }, p("黄志明"))).toBe("success");
    expect(await click({ a: "set_grid", i: filed.id }, String(secondGrid.id))).toBe("success");

    const issue = await h().bot.db.issue.findUniqueOrThrow({ where: { id: filed.id } });
    const events = await h().bot.db.issueEvent.findMany({ where: { issueId: filed.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.type)).toEqual(["filed", "edit", "assign", "edit"]);
    const [, category, assign, grid] = events.map((e) => (e.data as { changes?: unknown }).changes);
    expect(category).toEqual({
      category: { from: { id: filed.categoryId, name: "堆物堆料" }, to: { id: board.id, name: "宣传栏破损" } },
      deadline: { from: filed.deadline?.toISOString(), to: issue.deadline?.toISOString() },
    });
    expect(assign).toEqual({
      owner: {
        from: { type: "person", id: filed.assigneePersonId, name: "郑晓红" },
        to: { type: "person", id: issue.assigneePersonId, name: "黄志明" },
      },
    });
    expect(grid).toEqual({
      grid: { from: { id: filed.gridId, name: "幸福里第一网格" }, to: { id: secondGrid.id, name: "幸福里第二网格" } },
      point: { from: { id: filed.pointId, name: "幸福路菜市场" }, to: null },
    });

    // The card's history says it too.
    const card = JSON.stringify(
      h()
        .emu.messages(ORG.chats.xflWork)
        .find((m) => m.messageId === filed.cardMessageId)?.content,
    );
    expect(card).toContain("修改类别或网格（类别：堆物堆料 → 宣传栏破损；整改期限：11月24日 09:00 → 11月26日 09:00）");
    expect(card).toContain("派单（责任人：郑晓红 → 黄志明）");

    const file = join(h().dir, "ledger.xlsx");
    const now = h().clock.now();
    await exportLedger(h().bot.db, {
      unitCode: "xfl",
      from: new Date(now.getTime() - 3_600_000),
      to: new Date(now.getTime() + 3_600_000),
      now,
      out: file,
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const sheet = book.getWorksheet("处置记录");
    expect(sheet?.getRow(1).getCell(8).value).toBe("变更内容");
    expect([2, 3, 4, 5].map((r) => sheet?.getRow(r).getCell(8).value ?? "")).toEqual([
      "",
      "类别：堆物堆料 → 宣传栏破损；整改期限：11月24日 09:00 → 11月26日 09:00",
      "责任人：郑晓红 → 黄志明",
      "网格：幸福里第一网格 → 幸福里第二网格；点位：幸福路菜市场 → 无",
    ]);
  });
});
