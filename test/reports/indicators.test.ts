import { describe, expect, it } from "vitest";
import { seeded } from "../../bench/lib/rng.ts";
import type { Period } from "../../src/domain/deadline.ts";
import { indicatorsIn, observationInstant } from "../../src/domain/metrics.ts";
import { periodFor, statsByUnit, type UnitStats, unitStats } from "../../src/reports/stats.ts";
import { belongs, HOUR, type IssueSeed, insertIssuesFast, randomIssues, seededDb, sh, UNITS } from "./stats-fixture.ts";

const TZ = "Asia/Shanghai";

describe("indicators of a hand-built community, from the database", () => {
  // Friday 2026-11-20, observed at the 18:00 digest.
  const asOf = sh("2026-11-20 18:00");
  const today = periodFor("today", asOf, TZ);
  const issues: IssueSeed[] = [
    // G11 #1: filed today, fixed 10:00 and closed 11:00 before its 12:00 deadline: D on time, C on time.
    {
      number: 1,
      grid: "G11",
      category: "DUI",
      status: "closed",
      reportedAt: sh("2026-11-20 08:00"),
      deadline: sh("2026-11-20 12:00"),
      rectifiedAt: sh("2026-11-20 10:00"),
      closedAt: sh("2026-11-20 11:00"),
      events: [
        { type: "rectify", at: sh("2026-11-20 10:00") },
        { type: "verify", at: sh("2026-11-20 11:00") },
      ],
    },
    // G11 #2: fixed 07:00 before its 08:00 deadline, sent back 09:00 (返工), past its deadline: D on time, and O.
    {
      number: 2,
      grid: "G11",
      category: "DUI",
      status: "accepted",
      reportedAt: sh("2026-11-19 08:00"),
      deadline: sh("2026-11-20 08:00"),
      events: [
        { type: "rectify", at: sh("2026-11-20 07:00") },
        { type: "refuse", at: sh("2026-11-20 09:00") },
      ],
    },
    // G11 #3: filed today, fixed 12:00 after its 10:00 deadline, awaiting 核查: D late.
    {
      number: 3,
      grid: "G11",
      category: "TING",
      status: "rectified",
      reportedAt: sh("2026-11-20 09:00"),
      deadline: sh("2026-11-20 10:00"),
      rectifiedAt: sh("2026-11-20 12:00"),
      events: [{ type: "rectify", at: sh("2026-11-20 12:00") }],
    },
    // G12 #4: 延期 approved and 挂账 today.
    {
      number: 4,
      grid: "G12",
      category: "XCL",
      status: "accepted",
      reportedAt: sh("2026-11-18 09:00"),
      deadline: sh("2026-11-25 09:00"),
      events: [
        { type: "approve_extension", at: sh("2026-11-20 10:00") },
        { type: "park", at: sh("2026-11-20 11:00"), kind: "parked" },
      ],
    },
    // G12 #5: 不予受理 after a refusal: counts nowhere.
    {
      number: 5,
      grid: "G12",
      category: "DUI",
      status: "rejected",
      reportedAt: sh("2026-11-20 10:00"),
      events: [{ type: "refuse", at: sh("2026-11-20 11:00") }],
    },
    // G12 #6: carried over past its deadline: O.
    {
      number: 6,
      grid: "G12",
      category: "DUI",
      status: "assigned",
      reportedAt: sh("2026-11-17 09:00"),
      deadline: sh("2026-11-18 09:00"),
    },
    // G21 #7, another community: fixed and closed today; must not reach 东苑社区.
    {
      number: 7,
      grid: "G21",
      category: "DUI",
      status: "closed",
      reportedAt: sh("2026-11-20 08:00"),
      deadline: sh("2026-11-21 08:00"),
      rectifiedAt: sh("2026-11-20 09:00"),
      closedAt: sh("2026-11-20 10:00"),
      events: [{ type: "rectify", at: sh("2026-11-20 09:00") }],
    },
  ];
  const f = seededDb(issues);

  it("computes 东苑社区's indicators as worked out by hand", async () => {
    const s = await unitStats(f.db, "C1", today, asOf);
    // 立案 #1 #3 (#5 rejected) = 2. D = #1 #2 #3, on time #1 #2. O = #2 #6; D ∩ O = #2.
    // 应处置 = 3 + 2 − 1 = 4. C = #1 (on time). 应结案 = |D ∪ C| + |O| − |(D ∪ C) ∩ O| = 3 + 2 − 1 = 4.
    // 返工 #2 = 1 (#5's refusal does not count), 延期 1, 挂账 1, 超期 now 2, ever 2 + #3 = 3.
    // 综合 = 2/4 × 60 + 1/4 × 30 + (1 − 1/3) × 10 = 30 + 7.5 + 6.666… = 44.166…
    expect(s.indicators).toEqual({
      filed: 2,
      dueDisposal: 4,
      disposed: 3,
      disposedOnTime: 2,
      dueClosure: 4,
      closed: 1,
      closedOnTime: 1,
      rework: 1,
      extensions: 1,
      parked: 1,
      overdueNow: 2,
      overdueEver: 3,
      disposalRate: 3 / 4,
      onTimeDisposalRate: 2 / 4,
      closureRate: 1 / 4,
      onTimeClosureRate: 1 / 4,
      reworkRate: 1 / 3,
      composite: expect.closeTo(30 + 7.5 + 20 / 3, 10),
    });
  });

  it("computes a grid's and the street's from the same rows", async () => {
    const all = await statsByUnit(f.db, [f.org.units.S as number], today, asOf);
    const of = (code: string) => (all.get(f.org.units[code] as number) as UnitStats).indicators;
    // G11: D = #1 #2 #3, O = #2: 应处置 3, 应结案 3, 按期处置 2, 结案 1, 返工 1.
    // 综合 = 2/3 × 60 + 1/3 × 30 + 2/3 × 10 = 40 + 10 + 6.666…
    expect(of("G11")).toMatchObject({ dueDisposal: 3, dueClosure: 3, disposedOnTime: 2, closed: 1, rework: 1 });
    expect(of("G11").composite).toBeCloseTo(40 + 10 + 20 / 3, 10);
    // The street adds #7 (D on time, C on time): 立案 3, 应处置 5, 应结案 5, 按期处置 3, 结案 2.
    expect(of("S")).toMatchObject({ filed: 3, dueDisposal: 5, dueClosure: 5, disposedOnTime: 3, closed: 2 });
    expect(of("C2")).toMatchObject({ filed: 1, dueDisposal: 1, disposed: 1, closed: 1, rework: 0 });
  });
});

describe("indicators agree with the definitions applied to every row in memory", () => {
  const asOf = sh("2026-11-20 18:00");
  const random = seeded(1118);
  // Random issues with the history their times imply, plus refusals, extensions and parking at random.
  const seeds = randomIssues(20261118, 300, asOf).map((s): IssueSeed => {
    const events: { type: string; at: Date; kind?: string }[] = [];
    const hoursIn = (hours: number) => new Date(s.reportedAt.getTime() + hours * HOUR);
    if (s.rectifiedAt && (s.status === "rectified" || s.status === "closed")) {
      events.push({ type: "rectify", at: s.rectifiedAt });
    }
    if (s.status === "accepted" && random() < 0.4) {
      events.push({ type: "rectify", at: hoursIn(1) }, { type: "refuse", at: hoursIn(2) });
    }
    if (random() < 0.15) events.push({ type: "approve_extension", at: hoursIn(3) });
    if (random() < 0.15) events.push({ type: "park", at: hoursIn(4), kind: random() < 0.5 ? "parked" : "deferred" });
    return { ...s, events: events.filter((e) => e.at <= asOf) };
  });
  const f = seededDb(seeds, insertIssuesFast);

  const periods: [string, Period][] = [
    ["today", periodFor("today", asOf, TZ)],
    ["this month", periodFor("month", asOf, TZ)],
    ["a past week", { from: sh("2026-11-02 00:00"), to: sh("2026-11-09 00:00") }],
  ];
  for (const [name, period] of periods) {
    it(`for ${name}, for every unit`, async () => {
      const all = await statsByUnit(f.db, [f.org.units.S as number], period, asOf);
      const t = observationInstant(period, asOf);
      for (const { code } of UNITS) {
        const mine = seeds
          .filter((s) => belongs(s, code))
          .map((s) => ({
            status: s.status,
            reportedAt: s.reportedAt,
            deadline: s.deadline ?? null,
            rectifiedAt: s.rectifiedAt ?? null,
            closedAt: s.closedAt ?? null,
            parkedAt: null,
            events: s.events ?? [],
          }));
        const actual = (all.get(f.org.units[code] as number) as UnitStats).indicators;
        expect({ code, ...actual }).toEqual({ code, ...indicatorsIn(mine, period, t) });
      }
      // The data exercises every count.
      const street = all.get(f.org.units.S as number) as UnitStats;
      if (name === "this month") {
        for (const count of ["disposed", "rework", "extensions", "parked", "overdueNow", "closed"] as const) {
          expect(street.indicators[count], count).toBeGreaterThan(0);
        }
      }
    });
  }

  it("gives the same figures, durations included, when the issues are read a few at a time", async () => {
    const street = f.org.units.S as number;
    for (const [name, period] of periods) {
      const atOnce = await statsByUnit(f.db, [street], period, asOf);
      // This month's issues with a step or an event in it fill many pages of 7.
      if (name === "this month") expect(atOnce.get(street)?.durations.response.count).toBeGreaterThan(7 * 5);
      for (const pageRows of [1, 7, 60]) {
        expect(
          await statsByUnit(f.db, [street], period, asOf, {}, undefined, pageRows),
          `${name}, ${pageRows}`,
        ).toEqual(atOnce);
      }
    }
  });
});
