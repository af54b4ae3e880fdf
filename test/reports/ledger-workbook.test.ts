import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { displayWidth, rowHeight, safeHref, wrappedLines } from "../../src/reports/ledger-cells.js";
import { createWallClock } from "../../src/reports/ledger-time.js";
import {
  type LedgerEventRow,
  type LedgerInput,
  type LedgerIssueRow,
  type LedgerProgress,
  PRINT_MAX_ISSUES,
  writeLedgerWorkbook,
} from "../../src/reports/ledger-workbook.js";
import { LEDGER_SHEET_NAMES, timeZoneName } from "../../src/texts/ledger.ts";
import { INDICATOR_KEYS, INDICATOR_LABELS, type IndicatorKey } from "../../src/texts/stats.ts";

/** Shanghai wall clock as exceljs reads it back: a Date whose UTC fields are the local time. */
const wall = (y: number, mo: number, d: number, h: number, mi: number) => new Date(Date.UTC(y, mo - 1, d, h, mi));
/** An instant given as Shanghai local time (UTC+8). */
const shanghai = (y: number, mo: number, d: number, h: number, mi: number) =>
  new Date(Date.UTC(y, mo - 1, d, h - 8, mi));

const LONG_DESCRIPTION =
  "人民路与解放路交叉口东北角人行道上堆放大量建筑材料和废弃家具，占用盲道，影响行人通行，需尽快清运。".repeat(3);

const ISSUES: LedgerIssueRow[] = [
  {
    number: 1001,
    foundAt: shanghai(2026, 11, 3, 9, 30),
    community: "幸福社区",
    grid: "幸福社区第一网格",
    point: "人民路菜市场",
    category: "占道经营",
    kind: "动态指标",
    class: "执法",
    description: "菜市场门口流动摊贩占道经营",
    reporter: "张伟",
    assignee: "李娜",
    deadline: shanghai(2026, 11, 4, 9, 30),
    status: "已销项",
    rectifiedAt: shanghai(2026, 11, 3, 14, 45),
    closedAt: shanghai(2026, 11, 3, 16, 0),
    hours: { response: 0.5, rectification: 5.25, completion: 6 },
    overdue: false,
    rebound: false,
    extensions: 0,
    parked: "",
    limit: "12自然时",
    photos: [
      { stage: "before", label: "整改前", href: "https://img.example.com/p/1001-before.jpg" },
      { stage: "after", label: "整改后", href: "https://img.example.com/p/1001-after.jpg" },
    ],
  },
  {
    number: 1002,
    // 23:50 in Shanghai is still the 4th locally but already the 4th 15:50 in UTC: the wall clock must win.
    foundAt: shanghai(2026, 11, 4, 23, 50),
    community: "幸福社区",
    grid: "幸福社区第二网格",
    point: "",
    category: "飞线充电",
    kind: "动态指标",
    class: "整治",
    description: "3号楼一楼窗口飞线给电动车充电",
    reporter: "王芳",
    assignee: "赵强",
    deadline: shanghai(2026, 11, 5, 23, 50),
    status: "整改中",
    rectifiedAt: null,
    closedAt: null,
    hours: { response: null, rectification: null, completion: null },
    overdue: true,
    rebound: true,
    extensions: 2,
    parked: "挂账至 2027-03-01：列入明年道路改造计划",
    limit: "3工作日",
    photos: [{ stage: "before", label: "", href: "https://img.example.com/p/飞线 1.jpg" }],
  },
  {
    number: 1003,
    foundAt: shanghai(2026, 11, 6, 8, 5),
    community: "和平社区",
    grid: "和平社区第一网格",
    point: "解放路",
    category: "堆物堆料",
    kind: "静态指标",
    class: "整治",
    description: LONG_DESCRIPTION,
    reporter: "张伟",
    assignee: "物业公司",
    deadline: null,
    status: "待验收",
    rectifiedAt: shanghai(2026, 11, 6, 20, 17),
    closedAt: null,
    hours: { response: 1, rectification: 12.2, completion: null },
    overdue: false,
    rebound: false,
    extensions: 0,
    parked: "",
    limit: "",
    photos: [
      { stage: "before", label: "整改前", href: "https://img.example.com/p/1003-a.jpg" },
      { stage: "before", label: "整改前", href: "https://img.example.com/p/1003-b.jpg" },
      { stage: "after", label: "整改后", href: "javascript:alert(1)" },
      { stage: "after", label: "整改后", href: "https://img.example.com/p/1003-d.jpg" },
      { stage: "before", label: "", href: "https://img.example.com/p/1003-e.jpg" },
    ],
  },
];

const EVENTS: LedgerEventRow[] = [
  {
    issueNumber: 1001,
    at: shanghai(2026, 11, 3, 9, 30),
    type: "上报",
    actor: "张伟",
    from: "",
    to: "待接单",
    reason: "",
    changes: "",
  },
  {
    issueNumber: 1001,
    at: shanghai(2026, 11, 3, 14, 45),
    type: "整改",
    actor: "李娜",
    from: "整改中",
    to: "待验收",
    reason: "摊贩已劝离",
    changes: "",
  },
  {
    issueNumber: 1002,
    at: shanghai(2026, 11, 5, 0, 10),
    type: "驳回",
    actor: "陈书记",
    from: "待验收",
    to: "整改中",
    reason: "整改后照片看不到充电线是否拆除，请补拍",
    changes: "",
  },
];

function makeInput(overrides: Partial<LedgerInput> = {}): LedgerInput {
  return {
    unitName: "幸福街道",
    periodLabel: "2026-11-01 至 2026-11-30",
    generatedAt: shanghai(2026, 12, 1, 8, 0),
    observedAt: new Date(shanghai(2026, 12, 1, 0, 0).getTime() - 1),
    timeZone: "Asia/Shanghai",
    definitions: [
      "整改率 = 已销项 ÷（已销项 + 超期未销项 + 本期上报未销项）",
      "整改用时 = 整改时间 − 上报时间，平均值按本期已整改的问题计算",
    ],
    summary: {
      found: 3,
      rectified: 2,
      closed: 1,
      open: 2,
      overdue: 1,
      awaiting: 1,
      rebound: 1,
      rate: "33.3%",
      durations: {
        response: { average: "1.2 小时", median: "1 小时" },
        rectification: { average: "8.7 小时", median: "6 小时" },
        completion: { average: "9 小时", median: "9 小时" },
      },
    },
    printIssues: fromArray(ISSUES),
    issues: fromArray(ISSUES),
    events: fromArray(EVENTS),
    grids: [
      {
        community: "幸福社区",
        grid: "幸福社区第一网格",
        found: 1,
        rectified: 1,
        open: 0,
        overdue: 0,
        rate: "100.0%",
        avgRectification: "5.3 小时",
      },
      {
        community: "幸福社区",
        grid: "幸福社区第二网格",
        found: 1,
        rectified: 0,
        open: 1,
        overdue: 1,
        rate: "0.0%",
        avgRectification: "—",
      },
    ],
    indicators: [
      { unit: "幸福街道", values: indicatorValues(["55", "1", "2", "1", "1", "50%", "50%", "2", "1", "1", "50%"]) },
    ],
    ...overrides,
  };
}

/** The indicators' cells in INDICATOR_KEYS order; those not given are "0". */
function indicatorValues(given: string[]): Record<IndicatorKey, string> {
  return Object.fromEntries(INDICATOR_KEYS.map((key, i) => [key, given[i] ?? "0"])) as Record<IndicatorKey, string>;
}

async function* fromArray<T>(rows: T[], log?: string[], tag = "pull"): AsyncIterable<T> {
  for (const [i, row] of rows.entries()) {
    log?.push(`${tag} ${i + 1}`);
    yield row;
  }
}

let dir: string;
let book: ExcelJS.Workbook;
let result: { issues: number; events: number };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "riqing-ledger-"));
  const file = join(dir, "ledger.xlsx");
  result = await writeLedgerWorkbook(file, makeInput());
  book = new ExcelJS.Workbook();
  await book.xlsx.readFile(file);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sheet(name: string): ExcelJS.Worksheet {
  const ws = book.getWorksheet(name);
  if (!ws) throw new Error(`missing sheet ${name}`);
  return ws;
}

function rowValues(ws: ExcelJS.Worksheet, row: number): unknown[] {
  return (ws.getRow(row).values as unknown[]).slice(1);
}

const ISSUE_HEADERS = [
  "编号",
  "发现时间",
  "社区",
  "网格",
  "点位",
  "问题类别",
  "指标类型",
  "问题分类",
  "问题描述",
  "上报人",
  "责任人",
  "整改期限",
  "状态",
  "整改时间",
  "销项时间",
  "响应用时（小时）",
  "整改用时（小时）",
  "办结用时（小时）",
  "是否超期",
  "是否反弹",
  "照片1",
  "照片2",
  "照片3",
  "其余照片",
  "延期次数",
  "挂账、缓办",
  "整改时限",
];

describe("writeLedgerWorkbook", () => {
  it("returns the row counts", () => {
    expect(result).toEqual({ issues: 3, events: 3 });
  });

  it("writes the six sheets in order with Chinese names", () => {
    const names = ["封面", "打印版", "问题台账", "处置记录", "网格汇总", "考核指标"];
    expect(book.worksheets.map((ws) => ws.name)).toEqual(names);
    expect(Object.values(LEDGER_SHEET_NAMES)).toEqual(names);
  });

  it("writes the 考核指标 sheet: a unit per row, an indicator per column, as given", () => {
    const ws = sheet("考核指标");
    expect(rowValues(ws, 1)).toEqual(["单位", ...INDICATOR_KEYS.map((k) => INDICATOR_LABELS[k])]);
    expect(rowValues(ws, 1).slice(1, 4)).toEqual(["综合指标值", "立案数", "应处置数"]);
    expect(rowValues(ws, 2).slice(0, 8)).toEqual(["幸福街道", "55", "1", "2", "1", "1", "50%", "50%"]);
  });

  it("writes the headers, bold on a fill, frozen and filtered over the data", () => {
    const expected: Record<string, { headers: string[]; filter: string }> = {
      问题台账: { headers: ISSUE_HEADERS, filter: "A1:AA4" },
      处置记录: {
        headers: ["问题编号", "时间", "环节", "操作人", "原状态", "新状态", "原因/说明", "变更内容"],
        filter: "A1:H4",
      },
      网格汇总: {
        headers: ["社区", "网格", "发现", "整改", "未销项", "超期", "整改率", "平均整改用时"],
        filter: "A1:H3",
      },
    };
    for (const [name, { headers, filter }] of Object.entries(expected)) {
      const ws = sheet(name);
      expect(rowValues(ws, 1)).toEqual(headers);
      for (let c = 1; c <= headers.length; c++) {
        const cell = ws.getCell(1, c);
        expect(cell.font?.bold, `${name} header ${c}`).toBe(true);
        expect(cell.fill).toMatchObject({ type: "pattern", pattern: "solid", fgColor: { argb: "FFDDEBF7" } });
      }
      expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1, topLeftCell: "A2" });
      expect(ws.autoFilter).toBe(filter);
    }
  });

  it("sets column widths", () => {
    const ws = sheet("问题台账");
    expect(ws.getColumn(1).width).toBe(8);
    expect(ws.getColumn(2).width).toBe(17);
    expect(ws.getColumn(9).width).toBe(40);
    expect(sheet("处置记录").getColumn(7).width).toBe(48);
  });

  it("writes issue values with real types and formats", () => {
    const ws = sheet("问题台账");
    const first = ws.getRow(2);
    expect(first.getCell(1).value).toBe(1001);
    expect(first.getCell(2).value).toEqual(wall(2026, 11, 3, 9, 30));
    expect(first.getCell(2).numFmt).toBe("yyyy-mm-dd hh:mm");
    expect(rowValues(ws, 2).slice(2, 11)).toEqual([
      "幸福社区",
      "幸福社区第一网格",
      "人民路菜市场",
      "占道经营",
      "动态指标",
      "执法",
      "菜市场门口流动摊贩占道经营",
      "张伟",
      "李娜",
    ]);
    expect(first.getCell(12).value).toEqual(wall(2026, 11, 4, 9, 30));
    expect(first.getCell(13).value).toBe("已销项");
    expect(first.getCell(14).value).toEqual(wall(2026, 11, 3, 14, 45));
    expect(first.getCell(15).value).toEqual(wall(2026, 11, 3, 16, 0));
    for (const c of [12, 14, 15]) expect(first.getCell(c).numFmt).toBe("yyyy-mm-dd hh:mm");
    // 响应用时, 整改用时 and 办结用时; 5.25 h is stored rounded to the one decimal shown.
    expect([16, 17, 18].map((c) => first.getCell(c).value)).toEqual([0.5, 5.3, 6]);
    for (const c of [16, 17, 18]) expect(first.getCell(c).numFmt).toBe("0.0");
    expect(first.getCell(19).value).toBe("否");
    expect(first.getCell(20).value).toBe("否");
    expect(first.getCell(9).alignment).toMatchObject({ wrapText: true });

    const second = ws.getRow(3);
    // Late evening in Shanghai stays on the local day.
    expect(second.getCell(2).value).toEqual(wall(2026, 11, 4, 23, 50));
    expect(second.getCell(5).value).toBeNull();
    expect(second.getCell(14).value).toBeNull();
    expect(second.getCell(15).value).toBeNull();
    expect([16, 17, 18].map((c) => second.getCell(c).value)).toEqual([null, null, null]);
    expect(second.getCell(19).value).toBe("是");
    expect(second.getCell(20).value).toBe("是");

    const third = ws.getRow(4);
    expect(third.getCell(12).value).toBeNull();
    expect([16, 17, 18].map((c) => third.getCell(c).value)).toEqual([1, 12.2, null]);
  });

  it("writes the extensions and, for a parked issue, what it waits for (behaviour §9.8)", () => {
    const ws = sheet("问题台账");
    expect([ws.getCell("Y2").value, ws.getCell("Z2").value]).toEqual([0, null]);
    expect([ws.getCell("Y3").value, ws.getCell("Z3").value]).toEqual([2, "挂账至 2027-03-01：列入明年道路改造计划"]);
    // The time limit in its unit (behaviour §2.20); none for an issue without a category.
    expect([2, 3, 4].map((row) => ws.getCell(`AA${row}`).value)).toEqual(["12自然时", "3工作日", null]);
  });

  it("writes photos as hyperlink cells, listing any beyond the third", () => {
    const ws = sheet("问题台账");
    expect(ws.getCell("U2").value).toEqual({ text: "整改前", hyperlink: "https://img.example.com/p/1001-before.jpg" });
    expect(ws.getCell("V2").value).toEqual({ text: "整改后", hyperlink: "https://img.example.com/p/1001-after.jpg" });
    expect(ws.getCell("U2").font).toMatchObject({ underline: true, color: { argb: "FF0563C1" } });
    expect(ws.getCell("W2").value).toBeNull();
    expect(ws.getCell("X2").value).toBeNull();

    // No label: numbered; the URL is percent-encoded as Excel and WPS require.
    expect(ws.getCell("U3").value).toEqual({
      text: "照片1",
      hyperlink: "https://img.example.com/p/%E9%A3%9E%E7%BA%BF%201.jpg",
    });

    // A non-http link never becomes a hyperlink.
    expect(ws.getCell("W4").value).toBe("整改后：javascript:alert(1)");
    expect(ws.getCell("X4").value).toBe(
      "整改后：https://img.example.com/p/1003-d.jpg\n照片5：https://img.example.com/p/1003-e.jpg",
    );
  });

  it("highlights overdue rows across every column", () => {
    const ws = sheet("问题台账");
    for (let c = 1; c <= ISSUE_HEADERS.length; c++) {
      expect(ws.getCell(3, c).fill, `column ${c}`).toMatchObject({
        type: "pattern",
        pattern: "solid",
        fgColor: { argb: "FFFFC7CE" },
      });
      const plain = ws.getCell(2, c).fill;
      expect(plain === undefined || (plain.type === "pattern" && plain.pattern === "none")).toBe(true);
    }
  });

  it("gives rows with long wrapped text enough height", () => {
    const ws = sheet("问题台账");
    expect(ws.getRow(2).height ?? 15).toBeLessThanOrEqual(15);
    expect(ws.getRow(4).height).toBeGreaterThanOrEqual(60);
  });

  it("writes every history event", () => {
    const ws = sheet("处置记录");
    expect(rowValues(ws, 2)).toEqual([1001, wall(2026, 11, 3, 9, 30), "上报", "张伟", undefined, "待接单"]);
    expect(ws.getCell("B2").numFmt).toBe("yyyy-mm-dd hh:mm");
    expect(rowValues(ws, 4)).toEqual([
      1002,
      wall(2026, 11, 5, 0, 10),
      "驳回",
      "陈书记",
      "待验收",
      "整改中",
      "整改后照片看不到充电线是否拆除，请补拍",
    ]);
    expect(ws.getCell("G4").alignment).toMatchObject({ wrapText: true });
  });

  it("writes the grid summary with a unit total below the filter", () => {
    const ws = sheet("网格汇总");
    expect(rowValues(ws, 2)).toEqual(["幸福社区", "幸福社区第一网格", 1, 1, 0, 0, "100.0%", "5.3 小时"]);
    expect(rowValues(ws, 3)).toEqual(["幸福社区", "幸福社区第二网格", 1, 0, 1, 1, "0.0%", "—"]);
    expect(rowValues(ws, 4)).toEqual(["合计", undefined, 3, 2, 2, 1, "33.3%", "8.7 小时"]);
    expect(ws.getCell("A4").font?.bold).toBe(true);
    expect(typeof ws.getCell("C2").value).toBe("number");
  });

  it("writes the cover with the unit, period, time, figures and definitions", () => {
    const ws = sheet("封面");
    const pairs = new Map<string, unknown>();
    const lines: string[] = [];
    ws.eachRow((row) => {
      const label = row.getCell(1).value;
      const value = row.getCell(2).value;
      if (typeof label === "string" && value !== null && !row.getCell(2).isMerged) pairs.set(label, value);
      else if (typeof label === "string") lines.push(label);
    });
    expect(ws.getCell("A1").value).toBe("幸福街道问题台账");
    expect(ws.getCell("A1").isMerged).toBe(true);
    expect(pairs.get("单位")).toBe("幸福街道");
    expect(pairs.get("统计周期")).toBe("2026-11-01 至 2026-11-30");
    expect(pairs.get("生成时间")).toEqual(wall(2026, 12, 1, 8, 0));
    // The end of November (the format shows minutes).
    expect(pairs.get("统计时点")).toEqual(new Date(wall(2026, 11, 30, 23, 59).getTime() + 59_000));
    expect(pairs.get("时区")).toBe("表中时间均为北京时间");
    expect(pairs.get("发现问题")).toBe(3);
    expect(pairs.get("已整改")).toBe(2);
    expect(pairs.get("已销项")).toBe(1);
    expect(pairs.get("未销项")).toBe(2);
    expect(pairs.get("超期")).toBe(1);
    expect(pairs.get("反弹")).toBe(1);
    expect(pairs.get("整改率")).toBe("33.3%");
    expect(pairs.get("平均响应用时")).toBe("1.2 小时");
    expect(pairs.get("响应用时中位数")).toBe("1 小时");
    expect(pairs.get("平均整改用时")).toBe("8.7 小时");
    expect(pairs.get("整改用时中位数")).toBe("6 小时");
    expect(pairs.get("平均办结用时")).toBe("9 小时");
    expect(pairs.get("办结用时中位数")).toBe("9 小时");
    expect(pairs.get("待验收")).toBe(1);
    expect(lines).toContain("整改率 = 已销项 ÷（已销项 + 超期未销项 + 本期上报未销项）");
    expect(lines).toContain("整改用时 = 整改时间 − 上报时间，平均值按本期已整改的问题计算");
    let dateRow = 0;
    ws.eachRow((row, n) => {
      if (row.getCell(1).value === "生成时间") dateRow = n;
    });
    expect(ws.getCell(dateRow, 2).numFmt).toBe("yyyy-mm-dd hh:mm");
  });

  it("pulls each row only after the previous one is written: 打印版's issues, 问题台账's, then events", async () => {
    const log: string[] = [];
    const sink = new PassThrough();
    sink.resume();
    await writeLedgerWorkbook(
      sink,
      makeInput({
        printIssues: fromArray(ISSUES, log, "print issue"),
        issues: fromArray(ISSUES, log, "issue"),
        events: fromArray(EVENTS, log, "event"),
      }),
      { onProgress: (p: LedgerProgress) => log.push(`${p.sheet} row ${p.rows}`) },
    );
    expect(log).toEqual([
      "print issue 1",
      "print row 1",
      "print issue 2",
      "print row 2",
      "print issue 3",
      "print row 3",
      "issue 1",
      "issues row 1",
      "issue 2",
      "issues row 2",
      "issue 3",
      "issues row 3",
      "event 1",
      "events row 1",
      "event 2",
      "events row 2",
      "event 3",
      "events row 3",
    ]);
  });

  it("lists at most PRINT_MAX_ISSUES issues in 打印版, says where the rest are, and stops reading them", async () => {
    const many = Array.from({ length: PRINT_MAX_ISSUES + 5 }, (_, i) => ({
      ...(ISSUES[0] as LedgerIssueRow),
      number: i + 1,
    }));
    const log: string[] = [];
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on("data", (chunk: Buffer) => chunks.push(chunk));
    await writeLedgerWorkbook(sink, makeInput({ printIssues: fromArray(many, log, "print"), issues: fromArray(many) }));
    expect(log.filter((l) => l.startsWith("print"))).toHaveLength(PRINT_MAX_ISSUES + 1);
    const copy = new ExcelJS.Workbook();
    await copy.xlsx.load(Buffer.concat(chunks) as unknown as ExcelJS.Buffer);
    const print = copy.getWorksheet(LEDGER_SHEET_NAMES.print);
    expect(print?.getCell(PRINT_MAX_ISSUES + 1, 1).value).toBe(PRINT_MAX_ISSUES);
    expect(print?.getCell(PRINT_MAX_ISSUES + 2, 1).value).toBe(
      `打印版只列前 ${PRINT_MAX_ISSUES} 个问题，其余见“问题台账”，或缩短时间范围后再导出。`,
    );
    expect(copy.getWorksheet(LEDGER_SHEET_NAMES.issues)?.rowCount).toBe(PRINT_MAX_ISSUES + 6);
  });

  it("writes to a stream and ends it", async () => {
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on("data", (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise((resolve) => sink.on("end", resolve));
    const counts = await writeLedgerWorkbook(sink, makeInput());
    await ended;
    expect(counts).toEqual({ issues: 3, events: 3 });
    const copy = new ExcelJS.Workbook();
    await copy.xlsx.load(Buffer.concat(chunks) as unknown as ExcelJS.Buffer);
    expect(copy.getWorksheet("问题台账")?.getCell("A4").value).toBe(1003);
  });

  it("writes an empty ledger", async () => {
    const file = join(dir, "empty.xlsx");
    const counts = await writeLedgerWorkbook(
      file,
      makeInput({
        printIssues: fromArray([]),
        issues: fromArray([]),
        events: fromArray([]),
        grids: [],
        definitions: [],
      }),
    );
    expect(counts).toEqual({ issues: 0, events: 0 });
    const copy = new ExcelJS.Workbook();
    await copy.xlsx.readFile(file);
    const issues = copy.getWorksheet("问题台账");
    expect(issues?.autoFilter).toBe("A1:AA1");
    expect(issues?.rowCount).toBe(1);
    expect(copy.getWorksheet("网格汇总")?.getCell("A2").value).toBe("合计");
  });

  it("removes the file and rethrows when a source fails", async () => {
    const file = join(dir, "broken.xlsx");
    async function* failing(): AsyncIterable<LedgerIssueRow> {
      yield ISSUES[0] as LedgerIssueRow;
      throw new Error("数据库连接中断");
    }
    await expect(writeLedgerWorkbook(file, makeInput({ issues: failing() }))).rejects.toThrow("数据库连接中断");
    expect(existsSync(file)).toBe(false);
  });

  it("rejects an unknown time zone before creating anything", async () => {
    const file = join(dir, "zone.xlsx");
    await expect(writeLedgerWorkbook(file, makeInput({ timeZone: "Mars/Olympus" }))).rejects.toThrow(RangeError);
    expect(existsSync(file)).toBe(false);
  });

  it("rejects when the output cannot be opened", async () => {
    const file = join(dir, "no-such-dir", "ledger.xlsx");
    await expect(writeLedgerWorkbook(file, makeInput())).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("createWallClock", () => {
  it("shows Shanghai wall clock and drops milliseconds", () => {
    const toWall = createWallClock("Asia/Shanghai");
    expect(toWall(new Date("2026-11-04T15:50:30.789Z"))).toEqual(new Date("2026-11-04T23:50:30.000Z"));
    expect(toWall(new Date("2026-12-31T16:00:00Z"))).toEqual(new Date("2027-01-01T00:00:00Z"));
  });

  it("follows offset changes, including inside a cached hour", () => {
    const toWall = createWallClock("America/New_York");
    // DST ends 2026-11-01 at 06:00 UTC: 01:30 happens twice.
    expect(toWall(new Date("2026-11-01T05:30:00Z"))).toEqual(new Date("2026-11-01T01:30:00Z"));
    expect(toWall(new Date("2026-11-01T06:30:00Z"))).toEqual(new Date("2026-11-01T01:30:00Z"));
    const adelaide = createWallClock("Australia/Adelaide");
    // DST starts 2026-10-04 at 02:00 local (16:30 UTC the day before), in the middle of a UTC hour.
    expect(adelaide(new Date("2026-10-03T16:15:00Z"))).toEqual(new Date("2026-10-04T01:45:00Z"));
    expect(adelaide(new Date("2026-10-03T16:45:00Z"))).toEqual(new Date("2026-10-04T03:15:00Z"));
  });

  it("names the zone for users", () => {
    expect(timeZoneName("Asia/Shanghai")).toBe("北京时间");
    expect(timeZoneName("Asia/Urumqi")).toBe("Asia/Urumqi 时间");
  });
});

describe("ledger cells", () => {
  it("accepts absolute http(s) links and relative links below the workbook's folder only", () => {
    expect(safeHref(" https://a.example/x y ")).toBe("https://a.example/x%20y");
    expect(safeHref("照片/1024-整改前.jpg")).toBe("照片/1024-整改前.jpg");
    expect(safeHref("file:///etc/passwd")).toBeNull();
    expect(safeHref("/relative.jpg")).toBeNull();
    expect(safeHref("relative.jpg")).toBeNull();
    expect(safeHref("照片/../../etc/passwd")).toBeNull();
    expect(safeHref("照片/#1024.jpg")).toBeNull();
    expect(safeHref("C:/照片/1024.jpg")).toBeNull();
    expect(safeHref("照片\\1024.jpg")).toBeNull();
    expect(safeHref(`https://a.example/${"x".repeat(2100)}`)).toBeNull();
  });

  it("estimates wrapped lines with CJK counted double", () => {
    expect(displayWidth("ab")).toBe(2);
    expect(displayWidth("问题")).toBeCloseTo(4.4);
    expect(wrappedLines(null, 40)).toBe(1);
    expect(wrappedLines("短", 40)).toBe(1);
    expect(wrappedLines("一\n二\n三", 40)).toBe(3);
    expect(wrappedLines("问".repeat(100), 40)).toBe(6);
    expect(wrappedLines("问".repeat(10_000), 40)).toBe(10);
    expect(rowHeight(1)).toBeUndefined();
    expect(rowHeight(3)).toBe(47);
  });
});
