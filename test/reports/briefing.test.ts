// behaviour §15
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { briefingNumber, peekBriefingNumber } from "../../src/db/briefing-numbers.ts";
import { lastEndedPeriod, previousPeriod, samePeriodLastYear } from "../../src/domain/briefing-period.ts";
import { PATROL_LEVELS } from "../../src/domain/types.ts";
import { type BriefingData, buildBriefing, RANKING_MEASURE } from "../../src/reports/briefing.ts";
import { briefingDocx } from "../../src/reports/briefing-docx.ts";
import { patrolReport } from "../../src/reports/patrol-coverage.ts";
import { type UnitStats, unitStats } from "../../src/reports/stats.ts";
import { samplePhoto } from "../../src/sandbox/sample-photos.ts";
import {
  BRIEFING_FIGURES,
  CATEGORY_HEADER,
  FIGURES_HEADER,
  FLAG_WORDS,
  MISSED_HEADER,
  OVERDUE_HEADER,
  PARKED_HEADER,
  PATROL_HEADER,
  rankingHeader,
  SECTION_TITLES,
  talkHeader,
} from "../../src/texts/briefing.ts";
import { type DocxContent, readDocx } from "../support/docx.ts";
import { haveOfficeTools, OFFICE } from "../support/office.ts";
import { type IssueSeed, seededDb, sh } from "./stats-fixture.ts";

/** LibreOffice renders the document to PDF; poppler's tools read the PDF (as for the ledger). */
const HAVE_TOOLS = haveOfficeTools("writer", "the briefing PDF rendering test");
/** RIQING_SCREENSHOTS=docs refreshes the rendered page README shows; otherwise it goes to test-results/. */
const SHOT_DIR = join(
  import.meta.dirname,
  "../..",
  process.env.RIQING_SCREENSHOTS === "docs" ? "docs" : "test-results",
);

const TZ = "Asia/Shanghai";
/** Monday morning after the week of 23–29 November 2026. */
const now = sh("2026-11-30 09:00");
const week = lastEndedPeriod("week", now, TZ);

const closed = (number: number, grid: string, category: string, reported: string, closedAt: string): IssueSeed => ({
  number,
  grid,
  category,
  status: "closed",
  reportedAt: sh(reported),
  deadline: new Date(sh(reported).getTime() + 24 * 3_600_000),
  acceptedAt: sh(reported),
  rectifiedAt: sh(closedAt),
  closedAt: sh(closedAt),
});
const open = (
  number: number,
  grid: string,
  category: string,
  status: IssueSeed["status"],
  reported: string,
  deadline: string,
): IssueSeed => ({ number, grid, category, status, reportedAt: sh(reported), deadline: sh(deadline) });

/**
 * A known week: 东苑社区 (G11, G12) closes everything; 西苑社区 (G21–G23) leaves most open, this week and the week
 * before, so it is listed for 约谈. One issue a year earlier gives a 同比.
 */
const seeds: IssueSeed[] = [
  closed(1, "G11", "DUI", "2026-11-23 09:00", "2026-11-23 18:00"),
  closed(2, "G11", "TING", "2026-11-24 10:00", "2026-11-25 09:00"),
  closed(3, "G12", "XCL", "2026-11-25 10:00", "2026-11-27 10:00"),
  open(4, "G21", "DUI", "accepted", "2026-11-25 09:00", "2026-11-26 09:00"),
  open(5, "G22", "TING", "assigned", "2026-11-26 09:00", "2026-11-27 09:00"),
  closed(6, "G23", "WMSJ", "2026-11-26 10:00", "2026-11-28 10:00"),
  {
    ...open(7, "G21", "DUI", "rectified", "2026-11-27 09:00", "2026-11-28 09:00"),
    rectifiedAt: sh("2026-11-27 15:00"),
  },
  open(8, "G22", "DUI", "assigned", "2026-11-28 09:00", "2026-12-01 09:00"),
  { ...open(9, "G11", "DUI", "rejected", "2026-11-28 10:00", "2026-11-29 10:00") },
  open(14, "G22", "TING", "accepted", "2026-11-24 09:00", "2026-11-25 09:00"),
  // The week before.
  open(10, "G21", "DUI", "accepted", "2026-11-16 09:00", "2026-11-17 09:00"),
  closed(11, "G22", "TING", "2026-11-17 09:00", "2026-11-18 09:00"),
  closed(12, "G11", "DUI", "2026-11-18 09:00", "2026-11-19 09:00"),
  open(13, "G23", "XCL", "accepted", "2026-11-19 09:00", "2026-11-26 09:00"),
  open(15, "G23", "DUI", "accepted", "2026-11-18 09:00", "2026-11-19 09:00"),
  // A year earlier.
  closed(20, "G11", "DUI", "2025-11-20 09:00", "2025-11-21 09:00"),
];

/** The table whose header row is `header`, or none. */
function tableHeaded(doc: DocxContent, header: readonly string[]): string[][] {
  return doc.tables.find((t) => JSON.stringify(t[0]) === JSON.stringify(header)) ?? [];
}

/** The figures table's row of a label: [label, 本期, 上期, 环比, 去年同期, 同比]. */
function figureRow(doc: DocxContent, label: string): string[] {
  const row = tableHeaded(doc, FIGURES_HEADER).find((r) => r[0] === label);
  if (!row) throw new Error(`no row ${label}`);
  return row;
}

const count = (text: string | undefined) => Number(text);
const percent = (text: string | undefined) => Number(text?.replace("%", ""));

describe("a week's 工作简报", () => {
  const f = seededDb(seeds);
  let data: BriefingData;
  let doc: DocxContent;
  let file: string;

  beforeAll(async () => {
    const issue = await f.db.issue.findUniqueOrThrow({ where: { number: 1 } });
    mkdirSync(join(f.dir, "photos"), { recursive: true });
    for (const [stage, sample] of [
      ["before", "market-boxes"],
      ["after", "market-cleared"],
    ] as const) {
      writeFileSync(join(f.dir, "photos", `${sample}.png`), (await samplePhoto(sample)) as Buffer);
      await f.db.photo.create({
        data: { issueId: issue.id, stage, sha256: sample, path: `photos/${sample}.png`, size: 1, mime: "image/png" },
      });
    }
    // #14 is past its deadline but 挂账 since the 26th: not overdue, listed apart.
    await f.db.issue.update({
      where: { number: 14 },
      data: {
        parkKind: "parked",
        parkedAt: sh("2026-11-26 10:00"),
        parkedUntil: sh("2027-03-01 00:00"),
        parkPlan: "列入明年维修资金计划",
      },
    });
    // 东苑一网格's point is patrolled daily by its community, and was looked at on five days of the seven.
    const point = f.org.points.G11 as number;
    await f.db.patrolPlan.create({
      data: { pointId: point, level: "community", frequency: "daily", unitId: f.org.units.C1 as number },
    });
    await f.db.duty.create({
      data: { personId: f.org.people[0] as number, unitId: f.org.units.C1 as number, role: "grid_worker" },
    });
    for (const day of [23, 24, 25, 27, 28]) {
      await f.db.patrolVisit.create({
        data: {
          pointId: point,
          personId: f.org.people[0] as number,
          at: sh(`2026-11-${day} 10:00`),
          result: "ok",
          text: "无问题",
          chatId: "oc_patrol",
          sourceMessageId: `om_visit_${day}`,
        },
      });
    }
    data = await buildBriefing(f.db, {
      unitId: f.org.units.S as number,
      cadence: "week",
      period: week,
      number: 7,
      now,
      timeZone: TZ,
      minRankedIssues: 3,
      talkBelow: 60,
      talkPeriods: 2,
    });
    const docx = await briefingDocx(data, { dataDir: f.dir, issuedAt: now });
    file = join(f.dir, "简报.docx");
    writeFileSync(file, docx);
    doc = await readDocx(docx);
  });

  it("says which issue and which week it is", () => {
    expect(doc.paragraphs).toContain("（周报）第7期");
    expect(doc.paragraphs).toContain("幸福街道2026年第48周（11月23日—11月29日）");
  });

  it("has the street's figures of the statistics module, with 环比 and 同比", async () => {
    const [stats, before, yearAgo] = await Promise.all(
      [week, previousPeriod("week", week, TZ), samePeriodLastYear("week", week, TZ)].map((p) =>
        unitStats(f.db, "S", p, now),
      ),
    );
    const s = stats as UnitStats;
    const b = before as UnitStats;
    const y = yearAgo as UnitStats;
    // The week was not idle: the comparison is with real numbers.
    expect(s.found).toBeGreaterThan(0);
    for (const key of ["found", "rectified", "closed", "open", "overdue"] as const) {
      const row = figureRow(doc, BRIEFING_FIGURES[key]);
      expect(count(row[1]), key).toBe(s[key]);
      expect(count(row[2]), key).toBe(b[key]);
      expect(count(row[3]), key).toBe(s[key] - b[key]);
      expect(count(row[4]), key).toBe(y[key]);
    }
    const rate = figureRow(doc, BRIEFING_FIGURES.rate);
    expect(percent(rate[1])).toBeCloseTo((s.rate.rate ?? 0) * 100, 1);
    expect(percent(rate[2])).toBeCloseTo((b.rate.rate ?? 0) * 100, 1);
    expect(percent(rate[4])).toBeCloseTo((y.rate.rate ?? 0) * 100, 1);
  });

  it("ranks the communities with the statistics module's figures, 🚩 for the best and 🟨 for the worst", async () => {
    const ranking = tableHeaded(doc, rankingHeader("社区", RANKING_MEASURE.label));
    expect(ranking.slice(1).map((r) => r[1])).toEqual(["东苑社区", "西苑社区"]);
    for (const row of ranking.slice(1)) {
      const s = await unitStats(f.db, row[1] === "东苑社区" ? "C1" : "C2", week, now);
      expect([count(row[2]), count(row[3]), count(row[4]), count(row[5])]).toEqual([
        s.found,
        s.closed,
        s.open,
        s.overdue,
      ]);
      expect(Number(row[6])).toBeCloseTo(s.indicators.composite ?? Number.NaN, 1);
    }
    expect(ranking[1]?.[7]).toBe(FLAG_WORDS.red);
    expect(ranking[2]?.[7]).toBe(FLAG_WORDS.yellow);
  });

  it("lists the problems by category, the overdue and the parked issues, and the 约谈 of a community low two weeks running", async () => {
    const s = await unitStats(f.db, "S", week, now);
    const categories = tableHeaded(doc, CATEGORY_HEADER);
    expect(categories.slice(1).map((r) => [r[0], count(r[2])])).toEqual(s.byCategory.map((c) => [c.name, c.count]));
    const overdue = tableHeaded(doc, OVERDUE_HEADER);
    expect(overdue.slice(1).map((r) => r[0])).toEqual(["#10", "#15", "#4", "#13", "#5"]);
    expect(overdue.length - 1).toBe(s.overdue);
    const parked = tableHeaded(doc, PARKED_HEADER);
    expect(parked.slice(1).map((r) => [r[0], r[4], r[5], r[6]])).toEqual([
      ["#14", "挂账", "3月1日", "列入明年维修资金计划"],
    ]);
    const talks = tableHeaded(doc, talkHeader("社区", ["本期", "上期"]));
    expect(talks.slice(1).map((r) => r[0])).toEqual(["西苑社区"]);
    expect(data.talks[0]?.scores.every((p) => p < 60)).toBe(true);
  });

  it("reports the week's patrols as the patrol module counts them", async () => {
    expect(doc.paragraphs).toContain(`七、${SECTION_TITLES.patrols}`);
    const report = await patrolReport(f.db, { unitId: f.org.units.S as number, period: week, asOf: now, timeZone: TZ });
    expect(report.visits).toBe(5);
    const levels = tableHeaded(doc, PATROL_HEADER);
    expect(levels.slice(1).map((r) => [count(r[1]), count(r[2])])).toEqual(
      PATROL_LEVELS.map((l) => [report.byLevel[l].due, report.byLevel[l].met]),
    );
    const missed = tableHeaded(doc, MISSED_HEADER);
    expect(missed.slice(1).map((r) => r[0])).toEqual(report.missed.map((m) => m.point.name));
  });

  it("shows the latest 销项 with both photos as a typical case, and embeds the charts", () => {
    const cases = doc.paragraphs.indexOf(`八、${SECTION_TITLES.cases}`);
    expect(cases).toBeGreaterThan(0);
    expect(doc.paragraphs.slice(cases).some((p) => p.startsWith("#1 堆物堆料"))).toBe(true);
    // Two charts (ranking, categories) and the case's two photos.
    expect(doc.pictures).toBe(4);
  });

  it.skipIf(!HAVE_TOOLS)(
    "opens in an office suite: A4 portrait, the masthead and the figures in Chinese on the first page",
    () => {
      expect(data.stats.found).not.toBe(data.previous?.found);
      const pdfDir = join(f.dir, "pdf");
      // A profile of its own, so a LibreOffice already running elsewhere does not take the conversion over.
      const profile = `file://${join(f.dir, "lo-profile")}`;
      execFileSync(
        OFFICE,
        [`-env:UserInstallation=${profile}`, "--headless", "--convert-to", "pdf", "--outdir", pdfDir, file],
        { stdio: "ignore", timeout: 120_000 },
      );
      const pdf = join(pdfDir, "简报.pdf");
      const info = execFileSync("pdfinfo", [pdf], { encoding: "utf8" });
      expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+/);
      const first = execFileSync("pdftotext", ["-f", "1", "-l", "1", "-layout", pdf, "-"], { encoding: "utf8" });
      expect(first).toContain("创文工作简报");
      expect(first).toMatch(/第\s*7\s*期/);
      // The figures table reads across as it should: 本期 then 上期 of 发现问题, the statistics module's.
      expect(first).toMatch(new RegExp(`发现问题\\s+${data.stats.found}\\s+${data.previous?.found}\\s`));
      mkdirSync(SHOT_DIR, { recursive: true });
      execFileSync("pdftoppm", ["-f", "1", "-l", "1", "-r", "100", "-png", "-singlefile", pdf, join(f.dir, "page")]);
      copyFileSync(join(f.dir, "page.png"), join(SHOT_DIR, "briefing-first-page.png"));
    },
    180_000,
  );
});

describe("a briefing's number (第N期)", () => {
  const f = seededDb([]);

  it("counts per street, and a period keeps the number it was given", async () => {
    const unitId = f.org.units.S as number;
    const before = previousPeriod("week", week, TZ);
    expect(await peekBriefingNumber(f.db, { unitId, cadence: "week", period: week })).toBe(1);
    expect(await briefingNumber(f.db, { unitId, cadence: "week", period: before })).toBe(1);
    expect(await briefingNumber(f.db, { unitId, cadence: "month", period: lastEndedPeriod("month", now, TZ) })).toBe(2);
    expect(await peekBriefingNumber(f.db, { unitId, cadence: "week", period: week })).toBe(3);
    expect(await briefingNumber(f.db, { unitId, cadence: "week", period: week })).toBe(3);
    expect(await briefingNumber(f.db, { unitId, cadence: "week", period: before })).toBe(1);
    expect(await briefingNumber(f.db, { unitId: f.org.units.C1 as number, cadence: "week", period: week })).toBe(1);
  });
});
