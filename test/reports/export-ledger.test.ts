import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DURATION_KINDS } from "../../src/domain/metrics.ts";
import { exportLedger, PHOTO_FOLDER } from "../../src/reports/export-ledger.ts";
import { statsByUnit, type UnitStats } from "../../src/reports/stats.ts";
import { LEDGER_SHEET_NAMES } from "../../src/texts/ledger.ts";
import { DURATION_LABELS, formatHours, formatRate } from "../../src/texts/messages.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import {
  HOUR,
  type IssueSeed,
  insertIssuesFast,
  type Org,
  randomIssues,
  seededDb,
  seedOrg,
  sh,
} from "./stats-fixture.ts";

const TZ = "Asia/Shanghai";
const asOf = sh("2026-11-20 18:00");
const period = { from: sh("2026-11-01 00:00"), to: sh("2026-11-21 00:00") };

async function readBook(file: string): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(file);
  return book;
}

/** The rows of a sheet below its header, as arrays of cell values (column A first). */
function rows(book: ExcelJS.Workbook, name: string): ExcelJS.CellValue[][] {
  const sheet = book.getWorksheet(name);
  if (!sheet) throw new Error(`no sheet ${name}`);
  const out: ExcelJS.CellValue[][] = [];
  sheet.eachRow((row, n) => {
    if (n > 1) out.push((row.values as ExcelJS.CellValue[]).slice(1));
  });
  return out;
}

/**
 * Whether a ledger of `p` observed at `t` lists an issue, written out by hand: reported in the period, open at t
 * (reported by then, not closed by then, not rejected or a duplicate), or closed in the period.
 */
function listed(s: IssueSeed, p: { from: Date; to: Date }, t: Date): boolean {
  const within = (at: Date | null | undefined) => at != null && at >= p.from && at < p.to;
  const stillOpen = ["reported", "assigned", "accepted", "rectified"].includes(s.status);
  const closedLater = s.status === "closed" && s.closedAt != null && s.closedAt > t;
  return (
    within(s.reportedAt) ||
    (s.reportedAt <= t && (stillOpen || closedLater)) ||
    (s.status === "closed" && within(s.closedAt))
  );
}

describe("exportLedger", () => {
  let testDb: TestDb;
  let org: Org;
  const seeds = randomIssues(4242, 160, asOf, 30);

  beforeAll(async () => {
    testDb = await createTestDb();
    const db = testDb.db;
    org = await seedOrg(db);
    await insertIssuesFast(db, org, seeds);
    const issues = await db.issue.findMany({ orderBy: { number: "asc" } });
    // A filed event for every issue and the later steps it went through; photos before and after.
    await db.issueEvent.createMany({
      data: issues.flatMap((i) => [
        { issueId: i.id, type: "filed", actorId: i.reporterId, at: i.reportedAt, toStatus: "reported", data: {} },
        ...(i.rectifiedAt
          ? [
              {
                issueId: i.id,
                type: "rectify",
                actorId: org.people[1] as number,
                at: i.rectifiedAt,
                fromStatus: "accepted",
                toStatus: "rectified",
                reason: "已清理",
                data: {},
              },
            ]
          : []),
        // Stored out of time order on purpose: the ledger sorts each issue's history by time.
        ...(i.closedAt
          ? [{ issueId: i.id, type: "verify", at: i.closedAt, fromStatus: "rectified", toStatus: "closed", data: {} }]
          : []),
        {
          issueId: i.id,
          type: "assign",
          actorId: org.people[2] as number,
          at: new Date(i.reportedAt.getTime() + 60_000),
          fromStatus: "reported",
          toStatus: "assigned",
          data: {},
        },
      ]),
    });
    // The photo files: every tenth issue's after-photo is missing from the data folder.
    mkdirSync(join(testDb.dir, "photos"), { recursive: true });
    for (const i of issues) {
      writeFileSync(join(testDb.dir, "photos", `b${i.id}.jpg`), `before ${i.number}`);
      if (i.rectifiedAt && i.number % 10 !== 0)
        writeFileSync(join(testDb.dir, "photos", `a${i.id}.jpg`), `after ${i.number}`);
    }
    await db.photo.createMany({
      data: issues.flatMap((i) => [
        {
          issueId: i.id,
          stage: "before",
          sha256: `b${i.id}`,
          path: `photos/b${i.id}.jpg`,
          size: 1,
          mime: "image/jpeg",
        },
        ...(i.rectifiedAt
          ? [
              {
                issueId: i.id,
                stage: "after",
                sha256: `a${i.id}`,
                path: join(testDb.dir, "photos", `a${i.id}.jpg`),
                size: 1,
                mime: "image/jpeg",
              },
            ]
          : []),
      ]),
    });
  });
  afterAll(async () => {
    await testDb.close();
  });

  it("writes the issues, their history, and grid figures equal to the statistics module's", async () => {
    const file = join(testDb.dir, "c1.xlsx");
    const result = await exportLedger(testDb.db, {
      unitCode: "C1",
      ...period,
      timeZone: TZ,
      out: file,
      now: asOf,
      dataDir: testDb.dir,
      pageSize: 7,
    });
    const book = await readBook(file);
    expect(book.worksheets.map((w) => w.name)).toEqual(Object.values(LEDGER_SHEET_NAMES));

    // Issues: those of 东苑社区 (its grids and the microgrid) its figures count, by number.
    const mine = seeds
      .filter((s) => s.grid === "G11" || s.grid === "G12" || s.grid === "M111")
      .filter((s) => listed(s, period, asOf));
    const issueRows = rows(book, LEDGER_SHEET_NAMES.issues);
    expect(result.issues).toBe(mine.length);
    expect(issueRows.map((r) => r[0])).toEqual(mine.map((s) => s.number));
    expect(new Set(issueRows.map((r) => r[2]))).toEqual(new Set(["东苑社区"]));
    // 整改时限: each issue's limit in its unit, as the fixture's categories give them (behaviour §2.20).
    const limits: Record<string, string> = {
      堆物堆料: "1自然日",
      乱停车: "1自然日",
      宣传栏破损: "7自然日",
      文明实践站更新不到位: "3自然日",
    };
    for (const r of issueRows) expect(r[26] ?? "", `#${r[0]}`).toBe(limits[String(r[5] ?? "")] ?? "");

    // Photos: copied into 照片 beside the workbook, each cell a relative link to its copy.
    const closed = issueRows.find((r) => r[12] === "已销项" && (r[0] as number) % 10 !== 0);
    const number = closed?.[0] as number;
    expect(closed?.[20]).toEqual({ text: "整改前", hyperlink: `${PHOTO_FOLDER}/${number}-整改前.jpg` });
    expect(closed?.[21]).toEqual({ text: "整改后", hyperlink: `${PHOTO_FOLDER}/${number}-整改后.jpg` });
    expect(readFileSync(join(dirname(file), PHOTO_FOLDER, `${number}-整改后.jpg`), "utf8")).toBe(`after ${number}`);
    const links = issueRows.flatMap((r) => r.slice(20, 23)).filter((c) => typeof c === "object" && c !== null);
    expect(links.length).toBe(result.photos.copied);
    for (const link of links) {
      expect(existsSync(join(dirname(file), (link as ExcelJS.CellHyperlinkValue).hyperlink))).toBe(true);
    }
    const missing = mine.filter((s) => s.rectifiedAt && s.number % 10 === 0);
    expect(missing.length).toBeGreaterThan(0);
    expect(result.photos.missing).toBe(missing.length);
    const missingRow = issueRows.find((r) => r[0] === missing[0]?.number);
    expect(missingRow?.[21]).toBe("整改后（文件缺失）");

    // History: every event of those issues, grouped by issue and in time order within each.
    const eventRows = rows(book, LEDGER_SHEET_NAMES.events);
    expect(result.events).toBe(eventRows.length);
    const events = await testDb.db.issueEvent.count({
      where: { issue: { number: { in: mine.map((s) => s.number) } } },
    });
    expect(eventRows.length).toBe(events);
    const numbers = eventRows.map((r) => r[0] as number);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    const firstIssue = eventRows.filter((r) => r[0] === mine[0]?.number).map((r) => r[2]);
    expect(firstIssue[0]).toBe("上报");
    expect(firstIssue[1]).toBe("派单");
    const time = (r: ExcelJS.CellValue[] | undefined) => (r?.[1] as Date | undefined)?.getTime() ?? 0;
    const inOrder = eventRows.every(
      (r, i) => i === 0 || r[0] !== eventRows[i - 1]?.[0] || time(r) >= time(eventRows[i - 1]),
    );
    expect(inOrder).toBe(true);

    // 网格汇总 equals the statistics module for the same unit, period and moment.
    const stats = await statsByUnit(testDb.db, [org.units.C1 as number], period, asOf);
    const figures = (s: UnitStats) => [
      s.found,
      s.rectified,
      s.open,
      s.overdue,
      formatRate(s.rate.rate),
      formatHours(s.durations.rectification.averageHours),
    ];
    const gridRows = rows(book, LEDGER_SHEET_NAMES.grids);
    expect(gridRows).toEqual([
      ["东苑社区", "东苑一网格", ...figures(stats.get(org.units.G11 as number) as UnitStats)],
      ["东苑社区", "东苑二网格", ...figures(stats.get(org.units.G12 as number) as UnitStats)],
      ["合计", undefined, ...figures(stats.get(org.units.C1 as number) as UnitStats)],
    ]);
    expect(result.stats).toEqual(stats.get(org.units.C1 as number));

    // The cover shows the same figures.
    const cover = new Map(
      rows(book, LEDGER_SHEET_NAMES.cover)
        .filter((r) => r.length >= 2)
        .map((r) => [r[0], r[1]]),
    );
    const c1 = stats.get(org.units.C1 as number) as UnitStats;
    expect(cover.get("统计周期")).toBe("2026-11-01 至 2026-11-20");
    expect(cover.get("发现问题")).toBe(c1.found);
    expect(cover.get("已销项")).toBe(c1.closed);
    expect(cover.get("超期")).toBe(c1.overdue);
    expect(cover.get("反弹")).toBe(c1.rebound);
    expect(cover.get("整改率")).toBe(formatRate(c1.rate.rate));
    for (const kind of DURATION_KINDS) {
      expect(cover.get(`平均${DURATION_LABELS[kind]}`)).toBe(formatHours(c1.durations[kind].averageHours));
      expect(cover.get(`${DURATION_LABELS[kind]}中位数`)).toBe(formatHours(c1.durations[kind].medianHours));
    }
    expect(cover.get("统计时点")).toEqual(new Date(Date.UTC(2026, 10, 20, 18, 0)));
  });

  it("pages through the issues without changing what is written", async () => {
    const small = join(testDb.dir, "small.xlsx");
    const large = join(testDb.dir, "large.xlsx");
    const common = { unitCode: "S", ...period, timeZone: TZ, now: asOf, dataDir: testDb.dir };
    await exportLedger(testDb.db, { ...common, out: small, pageSize: 3 });
    await exportLedger(testDb.db, { ...common, out: large });
    const [a, b] = [await readBook(small), await readBook(large)];
    // The street's issues are those of its grids; the department's issues without a grid are not among them.
    const inPeriod = seeds.filter((s) => listed(s, period, asOf));
    expect(rows(a, LEDGER_SHEET_NAMES.issues).length).toBe(inPeriod.filter((s) => s.grid !== null).length);
    for (const name of Object.values(LEDGER_SHEET_NAMES)) expect(rows(a, name)).toEqual(rows(b, name));
  });

  it("writes a department's ledger to a stream, with the community of each issue and photo labels", async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (c: Buffer) => chunks.push(c));
    const result = await exportLedger(testDb.db, {
      unitId: org.units.DEP as number,
      from: period.from,
      to: period.to,
      out,
      now: asOf,
      dataDir: testDb.dir,
    });
    const file = join(testDb.dir, "dep.xlsx");
    writeFileSync(file, Buffer.concat(chunks));
    expect(readFileSync(file).subarray(0, 2).toString()).toBe("PK");
    const book = await readBook(file);
    const issueRows = rows(book, LEDGER_SHEET_NAMES.issues);
    const expected = seeds.filter((s) => s.department && listed(s, period, asOf));
    expect(result.issues).toBe(expected.length);
    for (const [i, row] of issueRows.entries()) {
      const grid = expected[i]?.grid ?? null;
      expect(row[2]).toBe(grid === null ? undefined : grid.startsWith("G2") ? "西苑社区" : "东苑社区");
    }
    // No folder to copy the photos into: the cells name them.
    expect(issueRows[0]?.[20]).toBe("整改前");
    expect(result.photos).toEqual({ copied: 0, missing: 0 });
    expect(rows(book, LEDGER_SHEET_NAMES.grids)[0]?.slice(0, 3)).toEqual([undefined, "城管中队", result.stats.found]);
  });

  it("refuses an empty period, a missing unit and an unknown time zone, and ends a stream it cannot fill", async () => {
    const out = join(testDb.dir, "never.xlsx");
    await expect(exportLedger(testDb.db, { unitCode: "C1", from: asOf, to: asOf, out, now: asOf })).rejects.toThrow(
      RangeError,
    );
    await expect(
      exportLedger(testDb.db, { unitCode: "NOPE", from: period.from, to: period.to, out, now: asOf }),
    ).rejects.toThrow(/Unknown unit/);
    await expect(
      exportLedger(testDb.db, { from: period.from, to: new Date(period.to.getTime() + HOUR), out }),
    ).rejects.toThrow(TypeError);
    await expect(
      exportLedger(testDb.db, { unitCode: "C1", ...period, timeZone: "Mars/Olympus", out, now: asOf }),
    ).rejects.toThrow(RangeError);
    const stream = new PassThrough();
    await expect(exportLedger(testDb.db, { unitCode: "NOPE", ...period, out: stream, now: asOf })).rejects.toThrow(
      /Unknown unit/,
    );
    expect(stream.destroyed).toBe(true);
  });
});

describe("a past period's ledger", () => {
  const november = { from: sh("2026-11-01 00:00"), to: sh("2026-12-01 00:00") };
  const december = sh("2026-12-10 09:00");
  // 东苑一网格, exported on 10 December for November. At the end of November:
  const seeds: IssueSeed[] = [
    // A: closed in November → closed, not open.
    {
      number: 1,
      grid: "G11",
      category: "DUI",
      status: "closed",
      reportedAt: sh("2026-11-05 09:00"),
      deadline: sh("2026-11-06 09:00"),
      rectifiedAt: sh("2026-11-06 12:00"),
      closedAt: sh("2026-11-07 09:00"),
    },
    // B: overdue since 21 November and still open → open, overdue.
    {
      number: 2,
      grid: "G11",
      category: "DUI",
      status: "accepted",
      reportedAt: sh("2026-11-20 09:00"),
      deadline: sh("2026-11-21 09:00"),
    },
    // C: fixed and closed in December, due in December → open, in hand, not overdue.
    {
      number: 3,
      grid: "G11",
      category: "XCL",
      status: "closed",
      reportedAt: sh("2026-11-28 09:00"),
      deadline: sh("2026-12-05 09:00"),
      rectifiedAt: sh("2026-12-03 09:00"),
      closedAt: sh("2026-12-04 09:00"),
    },
    // D: fixed in November, verified in December → open, awaiting verification, not overdue.
    {
      number: 4,
      grid: "G11",
      category: "DUI",
      status: "closed",
      reportedAt: sh("2026-11-25 09:00"),
      deadline: sh("2026-11-26 09:00"),
      rectifiedAt: sh("2026-11-29 09:00"),
      closedAt: sh("2026-12-02 09:00"),
    },
    // E: past due, fixed only in December → open, overdue.
    {
      number: 5,
      grid: "G11",
      category: "DUI",
      status: "closed",
      reportedAt: sh("2026-11-26 09:00"),
      deadline: sh("2026-11-27 09:00"),
      rectifiedAt: sh("2026-12-01 08:00"),
      closedAt: sh("2026-12-02 09:00"),
    },
    // F: reported in December → does not exist yet (though overdue now).
    {
      number: 6,
      grid: "G11",
      category: "DUI",
      status: "accepted",
      reportedAt: sh("2026-12-03 09:00"),
      deadline: sh("2026-12-04 09:00"),
    },
    // G: overdue since October, still open → open, overdue (a row: the cover counts it).
    {
      number: 7,
      grid: "G11",
      category: "DUI",
      status: "accepted",
      reportedAt: sh("2026-10-20 09:00"),
      deadline: sh("2026-10-21 09:00"),
    },
    // H: rejected in December → never open.
    {
      number: 8,
      grid: "G11",
      category: "DUI",
      status: "rejected",
      reportedAt: sh("2026-11-29 09:00"),
      deadline: sh("2026-11-30 09:00"),
    },
  ];

  const f = seededDb(seeds);

  it("counts open, overdue and the rate as they stood at the end of the period, on the cover, the summary and the rows", async () => {
    const file = join(f.dir, "november.xlsx");
    const result = await exportLedger(f.db, {
      unitCode: "G11",
      ...november,
      timeZone: TZ,
      out: file,
      now: december,
    });
    const s = result.stats;
    // Open at the end of November: B C D E G; overdue: B E G; awaiting verification: D.
    expect([s.open, s.overdue, s.awaitingVerification]).toEqual([5, 3, 1]);
    expect(s.openByStatus).toMatchObject({ reported: 0, assigned: 0, accepted: 4, rectified: 1 });
    // Found A B C D E; rectified in November A D; closed in November A.
    expect([s.found, s.rectified, s.closed]).toEqual([5, 2, 1]);
    // Rate: 1 ÷ (1 + overdue B E G + open and reported in November C D) = 1/6; cumulative the same.
    expect(s.rate).toEqual({ closed: 1, open: 5, rate: 1 / 6 });
    expect(s.cumulativeRate).toEqual({ closed: 1, open: 5, rate: 1 / 6 });

    const book = await readBook(file);
    const cover = new Map(rows(book, LEDGER_SHEET_NAMES.cover).map((r) => [r[0], r[1]]));
    expect([cover.get("未销项"), cover.get("超期"), cover.get("待验收"), cover.get("整改率")]).toEqual([
      5,
      3,
      1,
      "16.7%",
    ]);
    expect(rows(book, LEDGER_SHEET_NAMES.grids)[0]).toEqual([
      "东苑社区",
      "东苑一网格",
      5,
      2,
      5,
      3,
      "16.7%",
      formatHours(s.durations.rectification.averageHours),
    ]);
    // Rows: the issues reported in November and G, open since October; their status and 是否超期 at the end of
    // November, the overdue rows highlighted.
    const issueRows = rows(book, LEDGER_SHEET_NAMES.issues);
    expect(issueRows.map((r) => [r[0], r[12], r[18]])).toEqual([
      [1, "已销项", "否"],
      [2, "整改中", "是"],
      [3, "整改中", "否"],
      [4, "待验收", "否"],
      [5, "整改中", "是"],
      [7, "整改中", "是"],
      [8, "不予受理", "否"],
    ]);
    const sheet = book.getWorksheet(LEDGER_SHEET_NAMES.issues);
    const fill = (row: number) => (sheet?.getCell(row, 1).fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb;
    expect([2, 3, 4, 5, 6, 7, 8].map(fill)).toEqual([
      undefined,
      "FFFFC7CE",
      undefined,
      undefined,
      "FFFFC7CE",
      "FFFFC7CE",
      undefined,
    ]);

    // Exported again later, or asked at the time, the figures do not change.
    const atTheTime = await exportLedger(f.db, {
      unitCode: "G11",
      ...november,
      timeZone: TZ,
      out: join(f.dir, "at-the-time.xlsx"),
      now: sh("2026-11-30 23:59"),
    });
    const figures = (x: typeof s) => [x.open, x.overdue, x.awaitingVerification, x.rate, x.cumulativeRate];
    expect(figures(atTheTime.stats)).toEqual(figures(s));
  });
});
