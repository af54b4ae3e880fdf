import { describe, expect, it } from "vitest";
import {
  DEFAULT_COMPOSITE_WEIGHTS,
  type HistoryEvent,
  type IssueHistory,
  indicatorsIn,
  observationInstant,
} from "../../src/domain/metrics.ts";

/** An instant given as Shanghai wall-clock time, "YYYY-MM-DD HH:mm". */
const sh = (local: string) => new Date(`${local.replace(" ", "T")}:00+08:00`);

const ev = (type: string, at: string, kind?: string): HistoryEvent => ({ type, at: sh(at), kind: kind ?? null });

const issue = (overrides: Partial<IssueHistory>): IssueHistory => ({
  status: "accepted",
  reportedAt: sh("2026-11-23 08:00"),
  deadline: null,
  rectifiedAt: null,
  closedAt: null,
  parkedAt: null,
  events: [],
  ...overrides,
});

/** Monday 2026-11-23 in Shanghai, observed at the 18:00 digest; and the day before, observed from then. */
const today = { from: sh("2026-11-23 00:00"), to: sh("2026-11-24 00:00") };
const yesterday = { from: sh("2026-11-22 00:00"), to: sh("2026-11-23 00:00") };
const asOf = sh("2026-11-23 18:00");

/** One unit's hand-built history; each issue says what it adds to today's figures. */
const history: Record<string, IssueHistory> = {
  // Fixed today on time (10:00 ≤ 12:00), closed today late (15:00 > 12:00): D on time, C late.
  A: issue({
    status: "closed",
    reportedAt: sh("2026-11-22 09:00"),
    deadline: sh("2026-11-23 12:00"),
    rectifiedAt: sh("2026-11-23 10:00"),
    closedAt: sh("2026-11-23 15:00"),
    events: [ev("rectify", "2026-11-23 10:00"), ev("verify", "2026-11-23 15:00")],
  }),
  // Filed today; fixed, sent back (返工 1), fixed again at 17:00 after its 16:00 deadline: D late, awaiting 核查.
  B: issue({
    status: "rectified",
    reportedAt: sh("2026-11-23 08:00"),
    deadline: sh("2026-11-23 16:00"),
    rectifiedAt: sh("2026-11-23 17:00"),
    events: [ev("rectify", "2026-11-23 09:00"), ev("refuse", "2026-11-23 11:00"), ev("rectify", "2026-11-23 17:00")],
  }),
  // Carried over, nothing happened today, past its deadline: overdue now (O).
  C: issue({ reportedAt: sh("2026-11-20 08:00"), deadline: sh("2026-11-21 08:00") }),
  // Fixed and sent back, then 不予受理: counts nowhere.
  D: issue({
    status: "rejected",
    reportedAt: sh("2026-11-23 09:00"),
    events: [ev("rectify", "2026-11-23 10:00"), ev("refuse", "2026-11-23 11:00"), ev("reject", "2026-11-23 12:00")],
  }),
  // 延期 approved today (deadline now 11-25): extension 1, not overdue.
  E: issue({
    reportedAt: sh("2026-11-21 08:00"),
    deadline: sh("2026-11-25 08:00"),
    events: [ev("approve_extension", "2026-11-23 09:00")],
  }),
  // Fixed on 11-20, closed today after its deadline: C late, not D.
  F: issue({
    status: "closed",
    reportedAt: sh("2026-11-19 08:00"),
    deadline: sh("2026-11-20 08:00"),
    rectifiedAt: sh("2026-11-20 07:00"),
    closedAt: sh("2026-11-23 09:00"),
  }),
  // Filed today and 挂账 today: parked 1.
  G: issue({
    reportedAt: sh("2026-11-23 10:00"),
    deadline: sh("2026-11-24 10:00"),
    events: [ev("park", "2026-11-23 12:00", "parked")],
  }),
  // Filed today and 缓办 (deferred), which is not 挂账.
  H: issue({ reportedAt: sh("2026-11-23 11:00"), events: [ev("park", "2026-11-23 13:00", "deferred")] }),
  // Fixed on time at 08:30, sent back at 10:00 (返工 1) and not fixed again, deadline 09:00 passed: D on time and O.
  I: issue({
    reportedAt: sh("2026-11-22 08:00"),
    deadline: sh("2026-11-23 09:00"),
    events: [ev("rectify", "2026-11-23 08:30"), ev("refuse", "2026-11-23 10:00")],
  }),
  // Merged into another issue: not filed, counts nowhere.
  J: issue({ status: "duplicate", reportedAt: sh("2026-11-23 12:00") }),
  // Filed, fixed and closed today, all before its 15:00 deadline: D on time, C on time.
  K: issue({
    status: "closed",
    reportedAt: sh("2026-11-23 13:00"),
    deadline: sh("2026-11-23 15:00"),
    rectifiedAt: sh("2026-11-23 14:00"),
    closedAt: sh("2026-11-23 14:30"),
    events: [ev("rectify", "2026-11-23 14:00"), ev("verify", "2026-11-23 14:30")],
  }),
  // Fixed yesterday on time (11:00 ≤ 12:00), sent back today (返工 1), fixed again today (late): D late today.
  N: issue({
    status: "rectified",
    reportedAt: sh("2026-11-22 08:00"),
    deadline: sh("2026-11-22 12:00"),
    rectifiedAt: sh("2026-11-23 11:30"),
    events: [ev("rectify", "2026-11-22 11:00"), ev("refuse", "2026-11-23 09:00"), ev("rectify", "2026-11-23 11:30")],
  }),
};
const all = Object.values(history);

describe("indicators on a hand-built history", () => {
  it("computes today's indicators as worked out by hand", () => {
    const t = observationInstant(today, asOf);
    // 立案 B G H K (D rejected, J merged) = 4.
    // D (fixed today) = A B I K N = 5; on time A I K = 3; late B N = 2.
    // O (overdue at 18:00) = C I = 2. D ∩ O = I.
    // 应处置 = |D ∪ O| = 5 + 2 − 1 = 6 (A B I K N C).
    // C (closed today) = A F K = 3; on time K = 1. 应结案 = |D ∪ C ∪ O| = 6 + 2 − 1 = 7 (A B I K N F C).
    // 返工 = B I N = 3 (D's does not count); 延期 = E = 1; 挂账 = G = 1 (H is 缓办).
    // 超期 ever = O ∪ D late = C I B N = 4.
    // 综合 = 3/6 × 60 + 3/7 × 30 + (1 − 3/5) × 10 = 30 + 12.857… + 4 = 46.857…
    expect(indicatorsIn(all, today, t)).toEqual({
      filed: 4,
      dueDisposal: 6,
      disposed: 5,
      disposedOnTime: 3,
      dueClosure: 7,
      closed: 3,
      closedOnTime: 1,
      rework: 3,
      extensions: 1,
      parked: 1,
      overdueNow: 2,
      overdueEver: 4,
      disposalRate: 5 / 6,
      onTimeDisposalRate: 3 / 6,
      closureRate: 3 / 7,
      onTimeClosureRate: 1 / 7,
      reworkRate: 3 / 5,
      composite: 30 + (3 / 7) * 30 + 4,
    });
  });

  it("weights 综合指标值 as configured", () => {
    const t = observationInstant(today, asOf);
    // 3/6 × 50 + 3/7 × 40 + (1 − 3/5) × 10 = 25 + 17.142… + 4.
    expect(indicatorsIn(all, today, t, { onTimeDisposal: 50, closure: 40, noRework: 10 }).composite).toBeCloseTo(
      25 + (3 / 7) * 40 + 4,
      10,
    );
    expect(DEFAULT_COMPOSITE_WEIGHTS).toEqual({ onTimeDisposal: 60, closure: 30, noRework: 10 });
  });

  it("judges a past day by its own events: today's 返工 and 延期 do not reach yesterday", () => {
    const t = observationInstant(yesterday, asOf);
    // 立案 A I N = 3. D = N (fixed 11:00, on time) = 1. O at 23:59 = C, and N, whose fix is taken as it stands
    // now (re-fixed today, so in hand then; behaviour §8.4). D ∩ O = N. 应处置 = 1 + 2 − 1 = 2; C = 0, 应结案 = 2.
    // 返工 0 (N's refusal is today's). 综合 = 1/2 × 60 + 0 × 30 + 1 × 10 = 40.
    expect(indicatorsIn(all, yesterday, t)).toMatchObject({
      filed: 3,
      dueDisposal: 2,
      disposed: 1,
      disposedOnTime: 1,
      dueClosure: 2,
      closed: 0,
      rework: 0,
      extensions: 0,
      overdueNow: 2,
      overdueEver: 2,
      reworkRate: 0,
      composite: 40,
    });
  });

  it("has nothing to measure without issues due, and caps 返工率 when fixes were sent back but none made", () => {
    const t = observationInstant(today, asOf);
    expect(indicatorsIn([], today, t)).toMatchObject({
      dueDisposal: 0,
      disposalRate: null,
      onTimeDisposalRate: null,
      closureRate: null,
      reworkRate: null,
      composite: null,
    });
    // Fixed last week, sent back today, past its deadline: O = 1, D = 0, 返工 = 1 → 0 × 60 + 0 × 30 + 0 × 10.
    const sentBack = issue({
      reportedAt: sh("2026-11-16 08:00"),
      deadline: sh("2026-11-17 08:00"),
      events: [ev("rectify", "2026-11-17 07:00"), ev("refuse", "2026-11-23 09:00")],
    });
    expect(indicatorsIn([sentBack], today, t)).toMatchObject({
      dueDisposal: 1,
      disposed: 0,
      rework: 1,
      reworkRate: null,
      composite: 0,
    });
  });
});
