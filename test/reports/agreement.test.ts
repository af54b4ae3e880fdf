import { join } from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { FeatureDeps } from "../../src/commands/deps.ts";
import { statsCommand } from "../../src/features/stats-command.ts";
import type { InboundMessage } from "../../src/lark/envelope.ts";
import { silentLogger } from "../../src/log.ts";
import { buildDigest, digestFigures } from "../../src/reports/digest.ts";
import { exportLedger } from "../../src/reports/export-ledger.ts";
import { LEDGER_SHEET_NAMES } from "../../src/texts/ledger.ts";
import { type IssueSeed, seededDb, sh } from "./stats-fixture.ts";

const TZ = "Asia/Shanghai";
/** Friday 2026-11-20 at the 18:00 digest. */
const now = sh("2026-11-20 18:00");
const day = { from: sh("2026-11-20 00:00"), to: sh("2026-11-21 00:00") };

/** The figures every surface shows, as the reader sees them. */
interface Shown {
  found: string;
  rectified: string;
  open: string;
  overdue: string;
  rate: string;
  rectificationTime: string;
}

/** 东苑社区 on the 20th: a bit of everything, including an issue awaiting verification past its deadline. */
const SEEDS: IssueSeed[] = [
  {
    number: 1,
    grid: "G11",
    category: "DUI",
    status: "closed",
    reportedAt: sh("2026-11-20 08:00"),
    deadline: sh("2026-11-21 08:00"),
    rectifiedAt: sh("2026-11-20 10:00"),
    closedAt: sh("2026-11-20 11:00"),
  },
  {
    number: 2,
    grid: "G11",
    category: "XCL",
    status: "accepted",
    reportedAt: sh("2026-11-17 16:30"),
    deadline: sh("2026-11-18 16:30"),
  },
  {
    number: 3,
    grid: "G12",
    category: "TING",
    status: "rectified",
    reportedAt: sh("2026-11-19 08:00"),
    deadline: sh("2026-11-20 08:00"),
    rectifiedAt: sh("2026-11-20 14:00"),
  },
  {
    number: 4,
    grid: "G12",
    category: "DUI",
    status: "assigned",
    reportedAt: sh("2026-11-20 15:00"),
    deadline: sh("2026-11-21 15:00"),
  },
  { number: 5, grid: "G12", category: "DUI", status: "rejected", reportedAt: sh("2026-11-20 16:00") },
  {
    number: 6,
    grid: "M111",
    category: "DUI",
    status: "closed",
    reportedAt: sh("2026-11-20 09:00"),
    deadline: sh("2026-11-21 09:00"),
    rectifiedAt: sh("2026-11-20 13:00"),
    closedAt: sh("2026-11-20 13:30"),
  },
];

function match(text: string, pattern: RegExp): string {
  const found = pattern.exec(text);
  if (!found?.[1]) throw new Error(`${pattern} not found in: ${text}`);
  return found[1];
}

describe("统计, the digest and the ledger report the same figures", () => {
  const f = seededDb(SEEDS);

  async function fromStatsCommand(): Promise<Shown & { median: string }> {
    const deps = { db: f.db, log: silentLogger, now: () => now, timeZone: TZ } as FeatureDeps;
    const message = { messageId: "om_stats", chatId: "oc_work", chatType: "group" } as InboundMessage;
    await statsCommand(deps, message, "今日", { binding: null, unitIds: [f.org.units.C1 as number], isAdmin: false });
    const reply = await f.db.outboxMessage.findUniqueOrThrow({ where: { key: "answer:om_stats" } });
    const text = (JSON.parse(reply.content) as { text: string }).text;
    return {
      found: match(text, /发现 (\d+) 件/),
      rectified: match(text, /整改 (\d+)，/),
      open: match(text, /未销项 (\d+) 件/),
      overdue: match(text, /其中超期 (\d+)/),
      rate: match(text, /整改率 (\S+?)（累计/),
      rectificationTime: match(text, /平均整改用时 (.+?)（/),
      median: match(text, /平均整改用时 .+?（中位数 (.+?)）/),
    };
  }

  async function fromDigest(): Promise<Shown> {
    const data = await buildDigest(f.db, {
      unitId: f.org.units.C1 as number,
      date: "2026-11-20",
      now,
      timeZone: TZ,
      minRankedIssues: 3,
    });
    const figure = (label: string) => digestFigures(data).find((f) => f.label === label)?.value ?? "";
    return {
      found: match(figure("今日发现"), /^(\d+) 件/),
      rectified: match(figure("今日整改"), /^(\d+) 件/),
      open: match(figure("未销项"), /^(\d+) 件/),
      overdue: match(figure("未销项"), /超期 (\d+) 件/),
      rate: match(figure("今日整改率"), /^([^（]+)/),
      rectificationTime: match(figure("平均整改用时"), /^([^（]+)/),
    };
  }

  async function fromLedger(): Promise<{ cover: Shown & { median: string }; total: Shown }> {
    const out = join(f.dir, "c1.xlsx");
    await exportLedger(f.db, { unitCode: "C1", ...day, timeZone: TZ, out, now });
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    const pairs = new Map<string, string>();
    book.getWorksheet(LEDGER_SHEET_NAMES.cover)?.eachRow((row) => {
      pairs.set(String(row.getCell(1).value), String(row.getCell(2).value));
    });
    let total: string[] = [];
    book.getWorksheet(LEDGER_SHEET_NAMES.grids)?.eachRow((row) => {
      if (row.getCell(1).value === "合计") total = (row.values as ExcelJS.CellValue[]).slice(3).map(String);
    });
    const [found, rectified, open, overdue, rate, rectificationTime] = total as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    return {
      cover: {
        found: pairs.get("发现问题") ?? "",
        rectified: pairs.get("已整改") ?? "",
        open: pairs.get("未销项") ?? "",
        overdue: pairs.get("超期") ?? "",
        rate: pairs.get("整改率") ?? "",
        rectificationTime: pairs.get("平均整改用时") ?? "",
        median: pairs.get("整改用时中位数") ?? "",
      },
      total: { found, rectified, open, overdue, rate, rectificationTime },
    };
  }

  it("for one unit and day", async () => {
    // Found #1 #4 #6 (not the rejected #5); rectified today #1 #3 #6 (2, 30 and 4 hours → 12 h); open #2 #3 #4;
    // overdue #2 only (#3 awaits verification); rate: closed #1 #6 ÷ (2 + overdue #2 + new open #4) = 50%.
    const expected: Shown = {
      found: "3",
      rectified: "3",
      open: "3",
      overdue: "1",
      rate: "50%",
      rectificationTime: "12 小时",
    };
    const ledger = await fromLedger();
    // The median 整改用时 (of 2, 4 and 30 hours) is shown by 统计 and on the cover, next to the average.
    expect(await fromStatsCommand()).toEqual({ ...expected, median: "4 小时" });
    expect(await fromDigest()).toEqual(expected);
    expect(ledger.cover).toEqual({ ...expected, median: "4 小时" });
    expect(ledger.total).toEqual(expected);
  });
});
