import { describe, expect, it, onTestFinished } from "vitest";
import { parseOfficeHours } from "../../src/config/office-hours.ts";
import type { Period } from "../../src/domain/deadline.ts";
import {
  awaitingVerificationAt,
  closedIn,
  DEFAULT_COMPOSITE_WEIGHTS,
  DURATION_KINDS,
  type DurationKind,
  type IssueCondition,
  inHandAt,
  mapDurations,
  matches,
  openAt,
  overdueAt,
  parkedAt,
  rateOpenAt,
} from "../../src/domain/metrics.ts";
import { ISSUE_STATUSES, type IssueStatus } from "../../src/domain/types.ts";
import { periodFor, periodLabel, statsByUnit, toWhere, type UnitStats, unitStats } from "../../src/reports/stats.ts";
import { dueInHand, overdueIssues } from "../../src/reports/stats-lists.ts";
import { FLAG_EMOJI, rankChildren, rankUnits } from "../../src/reports/stats-ranking.ts";
import { UnknownUnitError } from "../../src/reports/stats-scope.ts";
import { DIGEST_WORDS } from "../../src/texts/digest.ts";
import {
  belongs,
  HOUR,
  type IssueSeed,
  insertIssues,
  insertIssuesFast,
  randomIssues,
  seededDb,
  sh,
  UNITS,
} from "./stats-fixture.ts";

const TZ = "Asia/Shanghai";

describe("periodFor", () => {
  // Friday 2026-11-20, 18:00 in Shanghai.
  const now = sh("2026-11-20 18:00");

  it("reads today as the local calendar day", () => {
    expect(periodFor("today", now, TZ)).toEqual({ from: sh("2026-11-20 00:00"), to: sh("2026-11-21 00:00") });
  });

  it("reads this week as Monday 00:00 to now and this month as the 1st 00:00 to now", () => {
    expect(periodFor("week", now, TZ)).toEqual({ from: sh("2026-11-16 00:00"), to: now });
    expect(periodFor("month", now, TZ)).toEqual({ from: sh("2026-11-01 00:00"), to: now });
  });

  it("counts days in Shanghai even when UTC is still on the previous day", () => {
    const earlyMorning = sh("2026-11-23 02:00"); // Sunday 18:00 UTC, Monday in Shanghai
    expect(periodFor("week", earlyMorning, TZ).from).toEqual(sh("2026-11-23 00:00"));
    expect(periodFor("today", earlyMorning, TZ).from).toEqual(sh("2026-11-23 00:00"));
  });

  it("takes explicit bounds as given and refuses empty ones", () => {
    const custom = { from: sh("2026-11-01 00:00"), to: sh("2026-12-01 00:00") };
    expect(periodFor(custom, now, TZ)).toEqual(custom);
    expect(() => periodFor({ from: now, to: now }, now, TZ)).toThrow(RangeError);
    expect(() => periodFor({ from: new Date(Number.NaN), to: now }, now, TZ)).toThrow(RangeError);
  });

  it("labels periods with local dates", () => {
    expect(periodLabel(periodFor("today", now, TZ), TZ)).toBe("2026-11-20");
    expect(periodLabel({ from: sh("2026-11-01 00:00"), to: sh("2026-12-01 00:00") }, TZ)).toBe(
      "2026-11-01 至 2026-11-30",
    );
  });
});

describe("rankUnits", () => {
  // Nothing to dispose and no 返工: 综合指标值 = 60 + 30 × closed / (closed + open) + 10, ordered as closed / 应结案.
  const unit = (code: string, closed: number, open: number): UnitStats =>
    ({
      unit: { id: code.length, code, name: code, level: "grid", parentId: 1 },
      indicators: { dueDisposal: 0, disposedOnTime: 0, disposed: 0, rework: 0, closed, dueClosure: closed + open },
    }) as UnitStats;
  const summary = (entries: ReturnType<typeof rankUnits>) =>
    entries.map((e) => `${e.stats.unit.code}:${e.rank ?? DIGEST_WORDS.unranked}${e.flag ? FLAG_EMOJI[e.flag] : ""}`);

  it("shares ranks between equal rates, skips the next rank, flags both ends", () => {
    const ranked = rankUnits([unit("a", 1, 1), unit("b", 9, 1), unit("c", 2, 2), unit("d", 3, 7), unit("e", 3, 3)], 1);
    // Equal rates are listed by the number of issues behind them.
    expect(summary(ranked)).toEqual(["b:1🚩", "e:2", "c:2", "a:2", "d:5🟨"]);
  });

  it("gives the red flag to every unit tied at the top and the yellow card to every unit tied at the bottom", () => {
    expect(summary(rankUnits([unit("a", 4, 0), unit("b", 2, 0), unit("c", 1, 1), unit("d", 2, 2)], 1))).toEqual([
      "a:1🚩",
      "b:1🚩",
      "d:3🟨",
      "c:3🟨",
    ]);
  });

  it("leaves units below the minimum out of the ranking, and flags nobody with fewer than two ranked", () => {
    expect(summary(rankUnits([unit("a", 1, 0), unit("b", 2, 3), unit("c", 0, 0)], 3))).toEqual([
      "b:1",
      `a:${DIGEST_WORDS.unranked}`,
      `c:${DIGEST_WORDS.unranked}`,
    ]);
  });

  it("gives no yellow card when every ranked unit ties", () => {
    expect(summary(rankUnits([unit("a", 3, 1), unit("b", 6, 2)], 1))).toEqual(["b:1🚩", "a:1🚩"]);
  });

  it("flags only past the configured thresholds, and scores with the configured weights", () => {
    // Scores 100, 85, 70.
    const units = [unit("a", 2, 0), unit("b", 1, 1), unit("c", 0, 2)];
    const weights = DEFAULT_COMPOSITE_WEIGHTS;
    expect(summary(rankUnits(units, 1, { weights, redFlagAtLeast: 100, yellowCardBelow: 70 }))).toEqual([
      "a:1🚩",
      "b:2",
      "c:3",
    ]);
    expect(summary(rankUnits(units, 1, { weights, redFlagAtLeast: 100.5, yellowCardBelow: 70.5 }))).toEqual([
      "a:1",
      "b:2",
      "c:3🟨",
    ]);
    // With the closure rate weighing nothing, all three score 70 and tie.
    const flat = { onTimeDisposal: 60, closure: 0, noRework: 10 };
    expect(rankUnits(units, 1, { weights: flat, redFlagAtLeast: null, yellowCardBelow: null })).toMatchObject([
      { rank: 1, score: 70 },
      { rank: 1, score: 70 },
      { rank: 1, score: 70 },
    ]);
  });
});

describe("statistics on a hand-made community", () => {
  // Friday 2026-11-20, observed at the 18:00 digest.
  const asOf = sh("2026-11-20 18:00");
  const today = periodFor("today", asOf, TZ);

  const issues: IssueSeed[] = [
    // 东苑一网格 G11
    {
      number: 1,
      grid: "G11",
      category: "DUI",
      status: "closed",
      reportedAt: sh("2026-11-20 09:00"),
      deadline: sh("2026-11-21 09:00"),
      rectifiedAt: sh("2026-11-20 12:00"),
      closedAt: sh("2026-11-20 14:00"),
    },
    {
      number: 2,
      grid: "G11",
      category: "XCL",
      status: "accepted",
      reportedAt: sh("2026-11-18 10:00"),
      deadline: sh("2026-11-19 10:00"),
    },
    {
      number: 3,
      grid: "G11",
      category: "TING",
      status: "rectified",
      reportedAt: sh("2026-11-19 08:00"),
      deadline: sh("2026-11-20 08:00"),
      rectifiedAt: sh("2026-11-20 11:00"),
    },
    { number: 4, grid: "G11", category: "DUI", status: "rejected", reportedAt: sh("2026-11-20 15:00") },
    {
      number: 5,
      grid: "G11",
      category: "DUI",
      status: "assigned",
      reportedAt: sh("2026-11-20 16:00"),
      deadline: sh("2026-11-21 16:00"),
      reboundOf: 1,
    },
    // 东苑二网格 G12
    {
      number: 6,
      grid: "G12",
      category: "XCL",
      status: "closed",
      reportedAt: sh("2026-11-20 10:00"),
      deadline: sh("2026-11-23 10:00"),
      rectifiedAt: sh("2026-11-20 11:00"),
      closedAt: sh("2026-11-20 12:00"),
    },
    { number: 7, grid: "G12", category: null, status: "reported", reportedAt: sh("2026-11-20 11:00"), assignee: null },
    {
      number: 8,
      grid: "G12",
      category: "DUI",
      status: "closed",
      reportedAt: sh("2026-11-10 09:00"),
      deadline: sh("2026-11-11 09:00"),
      rectifiedAt: sh("2026-11-11 09:00"),
      closedAt: sh("2026-11-12 09:00"),
    },
    { number: 9, grid: "G12", category: "DUI", status: "duplicate", reportedAt: sh("2026-11-20 09:30") },
    // Another community and the department: must not leak into 东苑社区.
    {
      number: 10,
      grid: "G21",
      category: "DUI",
      status: "accepted",
      reportedAt: sh("2026-11-20 08:00"),
      deadline: sh("2026-11-20 09:00"),
      department: true,
    },
    // Dispatched to the department without a grid: the department's, nobody else's.
    {
      number: 11,
      grid: null,
      category: "TING",
      status: "accepted",
      reportedAt: sh("2026-11-20 07:00"),
      deadline: sh("2026-11-20 08:00"),
      department: true,
    },
  ];

  const f = seededDb(issues);

  it("computes every figure of the community as written out by hand", async () => {
    const s = await unitStats(f.db, "C1", today, asOf);
    expect(s.unit.name).toBe("东苑社区");
    // Reported today: #1 #4 #5 #6 #7 #9.
    expect(s.reported).toBe(6);
    expect(s.byStatus).toEqual({
      reported: 1,
      assigned: 1,
      accepted: 0,
      rectified: 0,
      closed: 2,
      rejected: 1,
      duplicate: 1,
    });
    // Found: without the rejected #4 and the duplicate #9.
    expect(s.found).toBe(4);
    expect(s.byKind).toEqual({ dynamic: 2, static: 1, none: 1 });
    expect(s.byClass).toEqual({ cleanup: 2, engineering: 1, enforcement: 0, management: 0, none: 1 });
    expect(s.byCategory.map((c) => [c.name, c.count])).toEqual([
      ["堆物堆料", 2],
      ["宣传栏破损", 1],
      [null, 1],
    ]);
    // Rectified today: #1 (3 h), #3 (27 h, awaiting verification), #6 (1 h).
    expect(s.rectified).toBe(3);
    expect(s.durations.rectification.count).toBe(3);
    expect(s.durations.rectification.averageHours).toBeCloseTo(31 / 3, 10);
    expect(s.durations.rectification.medianHours).toBe(3);
    expect(s.closed).toBe(2);
    // Open now: #2 accepted, #3 rectified, #5 assigned, #7 reported; overdue: #2 only — #3 is past its deadline
    // but awaiting verification, which is not overdue.
    expect(s.open).toBe(4);
    expect(s.openByStatus).toMatchObject({ reported: 1, assigned: 1, accepted: 1, rectified: 1, closed: 0 });
    expect(s.overdue).toBe(1);
    expect(s.awaitingVerification).toBe(1);
    expect(s.rebound).toBe(1);
    // Rate: closed #1 #6 ÷ (2 + overdue #2 + new open #5 #7) = 2/5.
    expect(s.rate).toEqual({ closed: 2, open: 3, rate: 2 / 5 });
    // Cumulative: closed #1 #6 #8 ÷ (3 + every open issue #2 #3 #5 #7).
    expect(s.cumulativeRate).toEqual({ closed: 3, open: 4, rate: 3 / 7 });
  });

  it("computes the grids and ranks them", async () => {
    const all = await statsByUnit(f.db, [f.org.units.C1 as number], today, asOf);
    const g11 = all.get(f.org.units.G11 as number) as UnitStats;
    const g12 = all.get(f.org.units.G12 as number) as UnitStats;
    expect([g11.reported, g11.found, g11.rectified, g11.closed, g11.open, g11.overdue, g11.rebound]).toEqual([
      3, 2, 2, 1, 3, 1, 1,
    ]);
    expect(g11.durations.rectification).toEqual({ count: 2, averageHours: 15, medianHours: 15 });
    expect(g11.rate).toEqual({ closed: 1, open: 2, rate: 1 / 3 });
    expect(g11.cumulativeRate).toEqual({ closed: 1, open: 3, rate: 0.25 });
    expect([g12.reported, g12.found, g12.rectified, g12.closed, g12.open, g12.overdue, g12.rebound]).toEqual([
      3, 2, 1, 1, 1, 0, 0,
    ]);
    expect(g12.rate).toEqual({ closed: 1, open: 1, rate: 0.5 });
    expect(g12.cumulativeRate).toEqual({ closed: 2, open: 1, rate: 2 / 3 });

    const byCode = (entries: ReturnType<typeof rankChildren>) =>
      entries.map((e) => [e.stats.unit.code, e.rank, e.flag]);
    // No history events here, so nothing is 处置: G11 has #2 overdue and #1 closed (应结案 2): 0 × 60 + 1/2 × 30 +
    // 10 = 25; G12 has #6 closed and nothing due to dispose (应结案 1): 60 + 30 + 10 = 100.
    expect(rankChildren(all, f.org.units.C1 as number, 1).map((e) => [e.stats.unit.code, e.score])).toEqual([
      ["G12", 100],
      ["G11", 25],
    ]);
    expect(byCode(rankChildren(all, f.org.units.C1 as number, 1))).toEqual([
      ["G12", 1, "red"],
      ["G11", 2, "yellow"],
    ]);
    // 东苑二网格 has only one issue in 应结案数.
    expect(byCode(rankChildren(all, f.org.units.C1 as number, 2))).toEqual([
      ["G11", 1, null],
      ["G12", null, null],
    ]);
  });

  it("counts a department's dispatched issues for the department, not for the street through it", async () => {
    const all = await statsByUnit(f.db, [f.org.units.S as number], today, asOf);
    const dep = all.get(f.org.units.DEP as number) as UnitStats;
    const street = all.get(f.org.units.S as number) as UnitStats;
    expect([dep.reported, dep.open, dep.overdue]).toEqual([2, 2, 2]);
    expect([street.reported, street.open, street.overdue]).toEqual([7, 5, 2]);
    expect(rankChildren(all, f.org.units.S as number, 1).map((e) => e.stats.unit.code)).toEqual(["C1", "C2"]);
  });

  it("lists overdue issues (not those awaiting verification) and those due tomorrow", async () => {
    const overdue = await overdueIssues(f.db, "C1", asOf);
    expect(overdue.map((i) => [i.number, i.status, i.awaitingVerification])).toEqual([[2, "accepted", false]]);
    expect(overdue[0]).toMatchObject({
      community: "东苑社区",
      grid: { name: "东苑一网格" },
      point: "G11号路口",
      category: "宣传栏破损",
      owner: { unit: null, people: [{ name: "李四", openId: "ou_2" }] },
      deadline: sh("2026-11-19 10:00"),
    });
    expect((await overdueIssues(f.db, "C1", asOf, { limit: 1 })).map((i) => i.number)).toEqual([2]);
    const tomorrow = periodFor("today", new Date(asOf.getTime() + 24 * HOUR), TZ);
    expect((await dueInHand(f.db, "C1", asOf, tomorrow)).map((i) => i.number)).toEqual([5]);
    expect((await overdueIssues(f.db, "DEP", asOf)).map((i) => [i.number, i.community])).toEqual([
      [11, null],
      [10, "西苑社区"],
    ]);
    // The street's list has the department's issue in its grid, not the one without a grid.
    expect((await overdueIssues(f.db, "S", asOf)).map((i) => i.number)).toEqual([2, 10]);
  });

  it("refuses unknown units", async () => {
    await expect(unitStats(f.db, "NOPE", today, asOf)).rejects.toBeInstanceOf(UnknownUnitError);
    await expect(statsByUnit(f.db, [999_999], today, asOf)).rejects.toBeInstanceOf(UnknownUnitError);
  });
});

// behaviour §8.7
describe("durations in working time where the issue's limit is, from the database", () => {
  // Monday 2026-11-23, observed at 18:00, with office hours 08:30–12:00 and 14:00–17:30 (7 h a working day).
  const asOf = sh("2026-11-23 18:00");
  const today = periodFor("today", asOf, TZ);
  const counting = { timeZone: TZ, officeHours: parseOfficeHours("08:30-12:00,14:00-17:30") ?? [] };
  // Every issue was reported Friday 11-20 17:00 and fixed Monday 10:00.
  const overTheWeekend = { reportedAt: sh("2026-11-20 17:00"), rectifiedAt: sh("2026-11-23 10:00") };
  const issues: IssueSeed[] = [
    // GGP is 2 工作时: 接单 Friday 17:20 (not today); fixed after 0.5 + 1.5 = 2 h; closed Monday 15:00 after
    // 0.5 + 3.5 + 1 = 5 h.
    {
      number: 1,
      grid: "G11",
      category: "GGP",
      status: "closed",
      ...overTheWeekend,
      acceptedAt: sh("2026-11-20 17:20"),
      closedAt: sh("2026-11-23 15:00"),
    },
    // DUI is 1 自然日: fixed after 65 h, closed after 70 h.
    {
      number: 2,
      grid: "G12",
      category: "DUI",
      status: "closed",
      ...overTheWeekend,
      acceptedAt: sh("2026-11-20 17:20"),
      closedAt: sh("2026-11-23 15:00"),
    },
    // TING is 1 自然日, but 幸福街道 counts it in 工作日: Friday 17:00–24:00 + Monday 00:00–10:00 = 17 h, the
    // response too (fixed without 接单).
    { number: 3, grid: "G21", category: "TING", status: "rectified", ...overTheWeekend },
    // The department's TING issue without a grid has no street: the category's own 自然日, 65 h.
    { number: 4, grid: null, category: "TING", status: "rectified", ...overTheWeekend, department: true },
  ];
  const f = seededDb(issues, async (db, org, seeds) => {
    const ggp = await db.category.create({
      data: {
        code: "GGP",
        name: "公益广告牌破损",
        kind: "static",
        class: "engineering",
        limitAmount: 2,
        limitUnit: "work_hours",
        keywords: [],
      },
    });
    org.categories.GGP = ggp.id;
    await db.streetCategoryLimit.create({
      data: {
        streetId: org.units.S as number,
        categoryId: org.categories.TING as number,
        limitAmount: 1,
        limitUnit: "work_days",
      },
    });
    await insertIssues(db, org, seeds);
  });

  it("counts each issue in its limit's unit, the street's where it sets one", async () => {
    const all = await statsByUnit(f.db, [f.org.units.S as number], today, asOf, counting);
    const durations = (code: string) => (all.get(f.org.units[code] as number) as UnitStats).durations;
    // Street (#1–#3; the department's issue without a grid is the department's only): fixed after 2, 65 and 17 h →
    // average 28 h, median 17 h.
    expect(durations("S").rectification).toEqual({ count: 3, averageHours: 28, medianHours: 17 });
    // Responded today only #3 (17 h).
    expect(durations("S").response).toEqual({ count: 1, averageHours: 17, medianHours: 17 });
    // Closed today #1 (5 h) and #2 (70 h).
    expect(durations("S").completion).toEqual({ count: 2, averageHours: 37.5, medianHours: 37.5 });
    expect(durations("C1").rectification).toEqual({ count: 2, averageHours: 33.5, medianHours: 33.5 });
    expect(durations("C2").rectification).toEqual({ count: 1, averageHours: 17, medianHours: 17 });
    expect(durations("DEP").rectification).toEqual({ count: 1, averageHours: 65, medianHours: 65 });
  });

  it("counts office hours as configured", async () => {
    // With the default office hours (13:30–17:30 in the afternoon) #1 closed after 0.5 + 3.5 + 1.5 = 5.5 h.
    const c1 = await unitStats(f.db, "C1", today, asOf, { timeZone: TZ });
    expect(c1.durations.completion).toEqual({ count: 2, averageHours: 37.75, medianHours: 37.75 });
  });
});

describe("statistics agree with a brute-force count over the rows", () => {
  const asOf = sh("2026-11-20 18:00");
  const seeds = randomIssues(20261120, 400, asOf);

  const within = (d: Date | null | undefined, p: Period) => d != null && d >= p.from && d < p.to;
  const unfixed: readonly IssueStatus[] = ["reported", "assigned", "accepted"];

  /**
   * The figures of a unit computed row by row from the seeds, with the definitions of src/domain/metrics.ts written
   * out again here (not imported), so that a filter that translates them wrongly is caught.
   */
  function reference(unit: string, period: Period) {
    const t = new Date(Math.min(asOf.getTime(), period.to.getTime() - 1));
    const mine = seeds.filter((s) => belongs(s, unit));
    const reported = mine.filter((s) => within(s.reportedAt, period));
    const found = reported.filter((s) => s.status !== "rejected" && s.status !== "duplicate");
    const isOpen = (s: IssueSeed) =>
      s.reportedAt <= t &&
      (unfixed.includes(s.status) ||
        s.status === "rectified" ||
        (s.status === "closed" && s.closedAt != null && s.closedAt > t));
    const isAwaiting = (s: IssueSeed) =>
      isOpen(s) && (s.status === "rectified" || s.status === "closed") && !(s.rectifiedAt != null && s.rectifiedAt > t);
    const isOverdue = (s: IssueSeed) => isOpen(s) && !isAwaiting(s) && s.deadline != null && s.deadline < t;
    const open = mine.filter(isOpen);
    const rateOf = (p: Period) => {
      const closed = mine.filter((s) => s.status === "closed" && within(s.closedAt, p)).length;
      const openTerm = mine.filter((s) => isOverdue(s) || (isOpen(s) && within(s.reportedAt, p))).length;
      return { closed, open: openTerm, rate: closed + openTerm === 0 ? null : closed / (closed + openTerm) };
    };
    const fixed = (s: IssueSeed) => s.status === "rectified" || s.status === "closed";
    const ends: Record<DurationKind, (s: IssueSeed) => Date | null | undefined> = {
      response: (s) => s.acceptedAt ?? (fixed(s) ? s.rectifiedAt : null),
      rectification: (s) => (fixed(s) ? s.rectifiedAt : null),
      completion: (s) => (s.status === "closed" ? s.closedAt : null),
    };
    const durations = mapDurations((kind) => {
      const hours = mine
        .filter((s) => within(ends[kind](s), period))
        .map((s) => ((ends[kind](s) as Date).getTime() - s.reportedAt.getTime()) / HOUR)
        .sort((a, b) => a - b);
      const middle = (hours[Math.floor((hours.length - 1) / 2)] ?? 0) + (hours[Math.floor(hours.length / 2)] ?? 0);
      return {
        count: hours.length,
        averageHours: hours.length === 0 ? null : hours.reduce((a, b) => a + b, 0) / hours.length,
        medianHours: hours.length === 0 ? null : middle / 2,
      };
    });
    const openByStatus = Object.fromEntries(ISSUE_STATUSES.map((st) => [st, 0])) as Record<IssueStatus, number>;
    for (const s of open) {
      openByStatus[isAwaiting(s) ? "rectified" : unfixed.includes(s.status) ? s.status : "accepted"] += 1;
    }
    return {
      reported: reported.length,
      byStatus: Object.fromEntries(ISSUE_STATUSES.map((st) => [st, reported.filter((s) => s.status === st).length])),
      found: found.length,
      dynamic: found.filter((s) => s.category === "DUI" || s.category === "TING").length,
      uncategorized: found.filter((s) => s.category === null).length,
      rebound: found.filter((s) => s.reboundOf != null).length,
      open: open.length,
      openByStatus,
      overdue: mine.filter(isOverdue).length,
      awaitingVerification: mine.filter(isAwaiting).length,
      rate: rateOf(period),
      cumulativeRate: rateOf({ from: new Date(0), to: period.to }),
      rectified: durations.rectification.count,
      durations,
    };
  }

  const f = seededDb(seeds, insertIssuesFast);

  it("covers every status and both ownership rules", () => {
    expect(new Set(seeds.map((s) => s.status)).size).toBe(ISSUE_STATUSES.length);
    expect(seeds.some((s) => s.department && s.grid !== null)).toBe(true);
    expect(seeds.some((s) => s.grid === "M111")).toBe(true);
    expect(seeds.filter((s) => s.reboundOf != null).length).toBeGreaterThan(5);
  });

  const periods: [string, Period][] = [
    ["today", periodFor("today", asOf, TZ)],
    ["this week", periodFor("week", asOf, TZ)],
    ["this month", periodFor("month", asOf, TZ)],
    ["the last 10 days", { from: sh("2026-11-10 12:34"), to: sh("2026-11-20 12:34") }],
    // Ended before the moment of observation: judged at its end.
    ["a past week", { from: sh("2026-11-02 00:00"), to: sh("2026-11-09 00:00") }],
    ["a past day", { from: sh("2026-11-12 00:00"), to: sh("2026-11-13 00:00") }],
  ];

  for (const [name, period] of periods) {
    it(`for ${name}, for every unit`, async () => {
      const all = await statsByUnit(f.db, [f.org.units.S as number], period, asOf);
      expect(all.size).toBe(UNITS.length);
      for (const { code } of UNITS) {
        const s = all.get(f.org.units[code] as number) as UnitStats;
        const ref = reference(code, period);
        const actual = {
          reported: s.reported,
          byStatus: s.byStatus,
          found: s.found,
          dynamic: s.byKind.dynamic,
          uncategorized: s.byKind.none,
          rebound: s.rebound,
          open: s.open,
          openByStatus: s.openByStatus,
          overdue: s.overdue,
          awaitingVerification: s.awaitingVerification,
          rate: s.rate,
          cumulativeRate: s.cumulativeRate,
          rectified: s.rectified,
        };
        const { durations, ...exact } = ref;
        expect({ code, ...actual }).toEqual({ code, ...exact });
        for (const kind of DURATION_KINDS) {
          const { averageHours, ...counts } = durations[kind];
          expect({ code, kind, ...s.durations[kind], averageHours: undefined }).toEqual({ code, kind, ...counts });
          if (averageHours === null) expect(s.durations[kind].averageHours).toBeNull();
          else expect(s.durations[kind].averageHours).toBeCloseTo(averageHours, 9);
        }
      }
    });
  }

  it("gives the same figures for one unit asked alone and among many", async () => {
    const period = periodFor("month", asOf, TZ);
    const alone = await unitStats(f.db, "G21", period, asOf);
    const many = await statsByUnit(f.db, [f.org.units.C1 as number, f.org.units.C2 as number], period, asOf);
    expect(many.get(f.org.units.G21 as number)).toEqual(alone);
  });

  it("with a depth, gives the units down to it only, with the same figures", async () => {
    const period = periodFor("month", asOf, TZ);
    const units = f.org.units as Record<string, number>;
    // Some issues filed against the community and street their grid lay in (G11's as now; G21's when it lay in C1,
    // behaviour §8.5), the others against no community or street.
    const g11 = { gridId: units.G11 as number };
    const g21 = { gridId: units.G21 as number };
    await f.db.issue.updateMany({ where: g11, data: { communityId: units.C1, streetId: units.S } });
    await f.db.issue.updateMany({ where: g21, data: { communityId: units.C1, streetId: units.S } });
    onTestFinished(async () => {
      await f.db.issue.updateMany({
        where: { OR: [g11, g21] },
        data: { communityId: null, streetId: null },
      });
    });
    const all = await statsByUnit(f.db, [units.S as number], period, asOf);
    const street = await statsByUnit(f.db, [units.S as number], period, asOf, {}, 1);
    expect([...street.keys()].sort()).toEqual([units.S, units.C1, units.C2, units.DEP].sort());
    for (const [id, stats] of street) expect(stats).toEqual(all.get(id));
    const grids = await statsByUnit(f.db, [units.C1 as number, units.C2 as number], period, asOf, {}, 1);
    expect([...grids.keys()].sort()).toEqual(
      [units.C1, units.C2, units.G11, units.G12, units.G21, units.G22, units.G23].sort(),
    );
    for (const [id, stats] of grids) expect(stats).toEqual(all.get(id));
    const alone = await statsByUnit(f.db, [units.G11 as number], period, asOf, {}, 0);
    expect([...alone.keys()]).toEqual([units.G11]);
    expect(alone.get(units.G11 as number)).toEqual(all.get(units.G11 as number));
  });
});

describe("toWhere", () => {
  const t = sh("2026-11-20 18:00");
  const period = { from: sh("2026-11-20 00:00"), to: sh("2026-11-21 00:00") };
  // Every status with and without each time, on both sides of t: including rows the product never writes
  // (a rectified issue without a rectified time, a closed one without a closing time).
  const times = [null, sh("2026-11-19 08:00"), sh("2026-11-20 12:00"), sh("2026-11-20 20:00")];
  const seeds: IssueSeed[] = [];
  for (const status of ISSUE_STATUSES) {
    for (const [i, reportedAt] of [sh("2026-11-18 08:00"), sh("2026-11-20 10:00"), sh("2026-11-20 19:00")].entries()) {
      for (const rectifiedAt of times) {
        for (const closedAt of [times[0], times[2], times[3]]) {
          seeds.push({
            number: 1001 + seeds.length,
            grid: "G11",
            category: "DUI",
            status,
            reportedAt,
            deadline: times[(seeds.length + i) % times.length],
            rectifiedAt,
            closedAt,
            parkedAt: times[seeds.length % times.length],
          });
        }
      }
    }
  }

  const f = seededDb(seeds, insertIssuesFast);

  const conditions: [string, IssueCondition][] = [
    ["open", openAt(t)],
    ["in hand", inHandAt(t)],
    ["awaiting verification", awaitingVerificationAt(t)],
    ["overdue", overdueAt(t)],
    ["parked", parkedAt(t)],
    ["the rate's open term", rateOpenAt(period, t)],
    ["closed in the period", closedIn(period)],
  ];
  for (const [name, condition] of conditions) {
    it(`selects in the database exactly the issues matches() accepts: ${name}`, async () => {
      const rows = await f.db.issue.findMany({ where: toWhere(condition), select: { number: true } });
      const expected = seeds
        .filter((s) =>
          matches(condition, {
            status: s.status,
            reportedAt: s.reportedAt,
            deadline: s.deadline ?? null,
            rectifiedAt: s.rectifiedAt ?? null,
            closedAt: s.closedAt ?? null,
            parkedAt: s.parkedAt ?? null,
          }),
        )
        .map((s) => s.number);
      expect(expected.length).toBeGreaterThan(0);
      expect(rows.map((r) => r.number).sort((a, b) => a - b)).toEqual(expected);
    });
  }
});
