import { describe, expect, it } from "vitest";
import { parseOfficeHours } from "../../src/config/office-hours.ts";
import type { CountingOptions, LimitUnit, Period } from "../../src/domain/deadline.ts";
import {
  awaitingVerificationAt,
  closedIn,
  DURATION_KINDS,
  type DurationFacts,
  dueInHandAt,
  durationHours,
  durationsEndingIn,
  type IssueSnapshot,
  inHandAt,
  isOverdueAt,
  mapDurations,
  matches,
  observationInstant,
  openAt,
  overdueAt,
  parkedInHandAt,
  rateOpenAt,
  rectificationRate,
  summarizeHours,
} from "../../src/domain/metrics.ts";
import { ISSUE_STATUSES } from "../../src/domain/types.ts";
import { formatDuration, formatHours, formatRate, METRICS_DEFINITION } from "../../src/texts/messages.ts";

/** An instant given as Shanghai wall-clock time, "YYYY-MM-DD HH:mm". */
const sh = (local: string) => new Date(`${local.replace(" ", "T")}:00+08:00`);

const issue = (overrides: Partial<IssueSnapshot>): IssueSnapshot => ({
  status: "reported",
  reportedAt: sh("2026-11-23 08:00"),
  deadline: null,
  rectifiedAt: null,
  closedAt: null,
  parkedAt: null,
  ...overrides,
});

/** Each duration's figures over `issues`, as the statistics module sums them: what each issue adds, summarised. */
const durationsOver = (issues: readonly DurationFacts[], period: Period, counting: CountingOptions) => {
  const added = issues.map((facts) => durationsEndingIn(facts, period, counting));
  return mapDurations((kind) => summarizeHours(added.flatMap((hours) => (hours[kind] === null ? [] : [hours[kind]]))));
};

/** Monday 2026-11-23 in Shanghai, observed at the 18:00 digest. */
const today = { from: sh("2026-11-23 00:00"), to: sh("2026-11-24 00:00") };
const digestTime = sh("2026-11-23 18:00");

describe("rectificationRate", () => {
  it("divides closed by closed plus open", () => {
    expect(rectificationRate({ closed: 110, open: 8 })).toBeCloseTo(110 / 118);
    expect(rectificationRate({ closed: 3, open: 0 })).toBe(1);
    expect(rectificationRate({ closed: 0, open: 4 })).toBe(0);
  });

  it("is null when there is nothing to measure", () => {
    expect(rectificationRate({ closed: 0, open: 0 })).toBeNull();
  });
});

/** The rate's terms over a period asked at `asOf`, counted with the domain's conditions. */
function rateOf(issues: readonly IssueSnapshot[], period: Period, asOf: Date) {
  const t = observationInstant(period, asOf);
  const closed = issues.filter((i) => matches(closedIn(period), i)).length;
  const open = issues.filter((i) => matches(rateOpenAt(period, t), i)).length;
  return { closed, open, rate: rectificationRate({ closed, open }) };
}

describe("the rate's terms", () => {
  it("applies the definition to a hand-checked day", () => {
    const issues: IssueSnapshot[] = [
      // A: reported and closed the same day → closed.
      issue({
        status: "closed",
        reportedAt: sh("2026-11-23 08:00"),
        deadline: sh("2026-11-24 08:00"),
        rectifiedAt: sh("2026-11-23 13:00"),
        closedAt: sh("2026-11-23 15:00"),
      }),
      // B: overdue since Saturday, still being fixed → open.
      issue({ status: "accepted", reportedAt: sh("2026-11-20 09:00"), deadline: sh("2026-11-21 09:00") }),
      // C: reported today, not yet due → open.
      issue({ status: "assigned", reportedAt: sh("2026-11-23 10:00"), deadline: sh("2026-11-24 10:00") }),
      // D: reported yesterday, not yet due → not counted.
      issue({ status: "accepted", reportedAt: sh("2026-11-22 10:00"), deadline: sh("2026-11-25 10:00") }),
      // E: overdue since January, never dispatched → open.
      issue({ status: "reported", reportedAt: sh("2026-01-05 09:00"), deadline: sh("2026-01-06 09:00") }),
      // F, G: side exits reported today → not counted.
      issue({ status: "rejected", reportedAt: sh("2026-11-23 09:00") }),
      issue({ status: "duplicate", reportedAt: sh("2026-11-23 09:30") }),
      // H: closed yesterday → not counted.
      issue({ status: "closed", reportedAt: sh("2026-11-21 09:00"), closedAt: sh("2026-11-22 17:00") }),
      // I: fixed but not yet verified, past due → awaiting verification, not overdue, reported earlier → not counted.
      issue({
        status: "rectified",
        reportedAt: sh("2026-11-21 09:00"),
        deadline: sh("2026-11-22 09:00"),
        rectifiedAt: sh("2026-11-23 09:00"),
      }),
      // J: rectified yesterday, closed today → closed.
      issue({
        status: "closed",
        reportedAt: sh("2026-11-22 12:00"),
        rectifiedAt: sh("2026-11-22 20:00"),
        closedAt: sh("2026-11-23 09:00"),
      }),
    ];
    const result = rateOf(issues, today, digestTime);
    expect(result).toEqual({ closed: 2, open: 3, rate: 2 / 5 });
    expect(formatRate(result.rate)).toBe("40%");
  });

  it("is null with zero terms when nothing happened in the period", () => {
    const quiet = [issue({ status: "accepted", reportedAt: sh("2026-11-20 09:00"), deadline: sh("2026-11-30 09:00") })];
    expect(rateOf(quiet, today, digestTime)).toEqual({ closed: 0, open: 0, rate: null });
    expect(rateOf([], today, digestTime)).toEqual({ closed: 0, open: 0, rate: null });
  });

  it("counts an issue due exactly at the moment of observation as not yet overdue", () => {
    const dueNow = issue({ status: "accepted", reportedAt: sh("2026-11-22 18:00"), deadline: digestTime });
    expect(rateOf([dueNow], today, digestTime).open).toBe(0);
    expect(rateOf([dueNow], today, sh("2026-11-23 18:01")).open).toBe(1);
  });

  it("treats the period as half-open", () => {
    const atStart = issue({ status: "closed", closedAt: today.from });
    const atEnd = issue({ status: "closed", closedAt: today.to });
    expect(rateOf([atStart, atEnd], today, today.to).closed).toBe(1);
  });

  it("judges a past period as it stood at its end", () => {
    const november = { from: sh("2026-11-01 00:00"), to: sh("2026-12-01 00:00") };
    const december = sh("2026-12-10 09:00");
    const issues: IssueSnapshot[] = [
      // Overdue since November, still open: open and overdue at the end of November.
      issue({ status: "accepted", reportedAt: sh("2026-11-20 09:00"), deadline: sh("2026-11-21 09:00") }),
      // Reported in December: it did not exist yet.
      issue({ status: "accepted", reportedAt: sh("2026-12-02 09:00"), deadline: sh("2026-12-03 09:00") }),
      // Closed in December: open at the end of November, reported then → counted.
      issue({
        status: "closed",
        reportedAt: sh("2026-11-28 09:00"),
        deadline: sh("2026-12-05 09:00"),
        rectifiedAt: sh("2026-12-03 09:00"),
        closedAt: sh("2026-12-04 09:00"),
      }),
    ];
    expect(rateOf(issues, november, december)).toEqual({ closed: 0, open: 2, rate: 0 });
    // Asked at the time, the same answer.
    expect(rateOf(issues, november, sh("2026-11-30 23:59"))).toEqual({ closed: 0, open: 2, rate: 0 });
  });

  it("counts an issue overdue from long ago in every later period", () => {
    const ancient = issue({ status: "assigned", reportedAt: sh("2025-03-01 09:00"), deadline: sh("2025-03-02 09:00") });
    const month = { from: sh("2026-11-01 00:00"), to: sh("2026-12-01 00:00") };
    expect(rateOf([ancient], month, digestTime)).toEqual({ closed: 0, open: 1, rate: 0 });
  });
});

describe("state at an instant", () => {
  const t = sh("2026-11-30 18:00");
  const at = (i: IssueSnapshot) => ({
    open: matches(openAt(t), i),
    inHand: matches(inHandAt(t), i),
    awaiting: matches(awaitingVerificationAt(t), i),
    overdue: matches(overdueAt(t), i),
  });
  const pastDue = { reportedAt: sh("2026-11-28 09:00"), deadline: sh("2026-11-29 09:00") };

  it("counts an issue in hand past its deadline as overdue", () => {
    for (const status of ["reported", "assigned", "accepted"] as const) {
      expect(at(issue({ status, ...pastDue }))).toEqual({ open: true, inHand: true, awaiting: false, overdue: true });
    }
  });

  it("never counts an issue awaiting verification as overdue", () => {
    const rectified = issue({ status: "rectified", ...pastDue, rectifiedAt: sh("2026-11-30 10:00") });
    expect(at(rectified)).toEqual({ open: true, inHand: false, awaiting: true, overdue: false });
    expect(isOverdueAt(rectified, t)).toBe(false);
    // Verified only later: awaiting verification at t all the same.
    const closedLater = { ...rectified, status: "closed" as const, closedAt: sh("2026-12-01 10:00") };
    expect(at(closedLater)).toEqual({ open: true, inHand: false, awaiting: true, overdue: false });
  });

  it("reads a fix or a closing recorded after the instant as not yet done", () => {
    const fixedLater = issue({
      status: "closed",
      ...pastDue,
      rectifiedAt: sh("2026-12-01 08:00"),
      closedAt: sh("2026-12-01 10:00"),
    });
    expect(at(fixedLater)).toEqual({ open: true, inHand: true, awaiting: false, overdue: true });
    expect(isOverdueAt(fixedLater, t)).toBe(true);
    expect(isOverdueAt(fixedLater, sh("2026-12-02 00:00"))).toBe(false);
  });

  it("does not see an issue reported after the instant, nor rejected or duplicate ones ever", () => {
    const later = issue({ status: "accepted", reportedAt: sh("2026-11-30 18:01"), deadline: sh("2026-11-29 09:00") });
    expect(at(later).open).toBe(false);
    expect(at(issue({ status: "accepted", reportedAt: t })).open).toBe(true);
    for (const status of ["rejected", "duplicate"] as const) expect(at(issue({ status, ...pastDue })).open).toBe(false);
  });

  it("tells overdue from the status and deadline alone for an issue as it stands now", () => {
    expect(isOverdueAt({ status: "accepted", deadline: sh("2026-11-30 17:59") }, t)).toBe(true);
    expect(isOverdueAt({ status: "accepted", deadline: t }, t)).toBe(false);
    expect(isOverdueAt({ status: "rectified", deadline: sh("2026-11-29 09:00") }, t)).toBe(false);
    expect(isOverdueAt({ status: "closed", deadline: sh("2026-11-29 09:00") }, t)).toBe(false);
    expect(isOverdueAt({ status: "reported", deadline: null }, t)).toBe(false);
  });

  it("observes a period at its last moment at the latest", () => {
    expect(observationInstant(today, digestTime)).toEqual(digestTime);
    expect(observationInstant(today, sh("2026-11-25 09:00")).getTime()).toBe(today.to.getTime() - 1);
  });
});

// behaviour §8.3
describe("the three durations", () => {
  const timed = (overrides: Partial<DurationFacts>): DurationFacts => ({
    ...issue({}),
    acceptedAt: null,
    limitUnit: null,
    ...overrides,
  });

  it("measures each from the report to its own step, in hours", () => {
    const closed = timed({
      status: "closed",
      reportedAt: sh("2026-11-23 08:00"),
      acceptedAt: sh("2026-11-23 08:30"),
      rectifiedAt: sh("2026-11-23 13:30"),
      closedAt: sh("2026-11-23 17:00"),
    });
    expect(durationHours(closed, "response", {})).toBe(0.5);
    expect(durationHours(closed, "rectification", {})).toBe(5.5);
    expect(durationHours(closed, "completion", {})).toBe(9);
    const waiting = timed({ status: "assigned", reportedAt: sh("2026-11-23 08:00") });
    expect(DURATION_KINDS.map((kind) => durationHours(waiting, kind, {}))).toEqual([null, null, null]);
  });

  it("counts a fix without 接单 as the response, and a refused fix as neither response nor rectification", () => {
    const fixedDirectly = timed({ status: "rectified", rectifiedAt: sh("2026-11-23 10:00") });
    expect(durationHours(fixedDirectly, "response", {})).toBe(2);
    const refused = timed({ status: "accepted", rectifiedAt: sh("2026-11-23 10:00") });
    expect(durationHours(refused, "response", {})).toBeNull();
    expect(durationHours(refused, "rectification", {})).toBeNull();
  });

  it("averages each over the issues that reached its step in the period", () => {
    const issues: DurationFacts[] = [
      // Accepted after 1 h, fixed after 5 h, closed after 6 h, all today.
      timed({
        status: "closed",
        reportedAt: sh("2026-11-23 08:00"),
        acceptedAt: sh("2026-11-23 09:00"),
        rectifiedAt: sh("2026-11-23 13:00"),
        closedAt: sh("2026-11-23 14:00"),
      }),
      // Accepted yesterday after 3 h, fixed today after 48 h, waiting for verification.
      timed({
        status: "rectified",
        reportedAt: sh("2026-11-21 09:00"),
        acceptedAt: sh("2026-11-21 12:00"),
        rectifiedAt: sh("2026-11-23 09:00"),
      }),
      // Everything yesterday → outside the period.
      timed({
        status: "closed",
        reportedAt: sh("2026-11-22 12:00"),
        acceptedAt: sh("2026-11-22 13:00"),
        rectifiedAt: sh("2026-11-22 20:00"),
        closedAt: sh("2026-11-22 21:00"),
      }),
      // Accepted today after 3 h; its fix was refused → no longer counts as rectified.
      timed({
        status: "accepted",
        reportedAt: sh("2026-11-23 07:00"),
        acceptedAt: sh("2026-11-23 10:00"),
        rectifiedAt: sh("2026-11-23 11:00"),
      }),
      // Not accepted yet.
      timed({ status: "assigned", reportedAt: sh("2026-11-23 07:00") }),
    ];
    const durations = durationsOver(issues, today, {});
    expect(durations.response).toEqual({ count: 2, averageHours: 2, medianHours: 2 });
    expect(durations.rectification).toEqual({ count: 2, averageHours: 26.5, medianHours: 26.5 });
    expect(durations.completion).toEqual({ count: 1, averageHours: 6, medianHours: 6 });
    expect(formatHours(durations.rectification.averageHours)).toBe("1.1 天");
  });

  it("takes the middle value as the median of an odd count", () => {
    const hoursAfter = (h: number) =>
      timed({
        status: "closed",
        reportedAt: sh("2026-11-23 00:00"),
        rectifiedAt: new Date(sh("2026-11-23 00:00").getTime() + h * 3_600_000),
      });
    expect(durationsOver([hoursAfter(20), hoursAfter(1), hoursAfter(3)], today, {}).rectification).toEqual({
      count: 3,
      averageHours: 8,
      medianHours: 3,
    });
  });

  it("has no average when nothing reached the step", () => {
    expect(durationsOver([], today, {}).completion).toEqual({ count: 0, averageHours: null, medianHours: null });
  });
});

// behaviour §8.7
describe("the durations in working time where the issue's limit is working time", () => {
  /** Office hours 08:30–12:00 and 14:00–17:30 (not the default 13:30): 7 hours a working day. */
  const counting = { timeZone: "Asia/Shanghai", officeHours: parseOfficeHours("08:30-12:00,14:00-17:30") ?? [] };
  /** Reported Friday 2026-11-20 17:00, accepted 17:20, fixed Monday 11-23 10:00, closed Monday 15:00. */
  const overTheWeekend = (limitUnit: LimitUnit | null): DurationFacts => ({
    ...issue({ status: "closed", reportedAt: sh("2026-11-20 17:00") }),
    acceptedAt: sh("2026-11-20 17:20"),
    rectifiedAt: sh("2026-11-23 10:00"),
    closedAt: sh("2026-11-23 15:00"),
    limitUnit,
  });
  const hours = (facts: DurationFacts) => DURATION_KINDS.map((kind) => durationHours(facts, kind, counting));
  /** 整改用时 of an issue of `limitUnit` reported and fixed at the given Shanghai times. */
  const fixHours = (limitUnit: LimitUnit, reportedAt: string, rectifiedAt: string) =>
    durationHours(
      {
        ...issue({ status: "rectified", reportedAt: sh(reportedAt) }),
        acceptedAt: null,
        rectifiedAt: sh(rectifiedAt),
        limitUnit,
      },
      "rectification",
      counting,
    );

  it("counts a 工作时 issue in office hours on working days only", () => {
    // 响应: 17:00–17:20 = 1/3 h. 整改: Friday 17:00–17:30 (0.5 h) + Monday 08:30–10:00 (1.5 h) = 2 h.
    // 办结: Friday 0.5 h + Monday 08:30–12:00 (3.5 h) + 14:00–15:00 (1 h) = 5 h. The weekend counts nothing.
    const [response, rectification, completion] = hours(overTheWeekend("work_hours"));
    expect(response).toBeCloseTo(1 / 3, 10);
    expect([rectification, completion]).toEqual([2, 5]);
  });

  it("counts a 工作日 issue round the clock on working days only", () => {
    // 整改: Friday 17:00–24:00 (7 h) + Monday 00:00–10:00 (10 h) = 17 h; 办结: 7 h + Monday 00:00–15:00 (15 h) = 22 h.
    const [response, rectification, completion] = hours(overTheWeekend("work_days"));
    expect(response).toBeCloseTo(1 / 3, 10);
    expect([rectification, completion]).toEqual([17, 22]);
  });

  it("counts a 自然时 or 自然日 issue, or one without a category, in natural hours", () => {
    // 整改: Friday 17:00 → Monday 10:00 = 65 h; 办结: → Monday 15:00 = 70 h.
    for (const unit of ["natural_hours", "natural_days", null] as const) {
      const [response, rectification, completion] = hours(overTheWeekend(unit));
      expect(response).toBeCloseTo(1 / 3, 10);
      expect([rectification, completion]).toEqual([65, 70]);
    }
  });

  it("skips public holidays and counts make-up working days", () => {
    // 国庆 2026: 10-01 to 10-07 are holidays, Saturday 10-10 is a make-up working day (chinese-days).
    // Wednesday 09-30 16:00 → Thursday 10-08 10:00. 工作时: 09-30 16:00–17:30 (1.5 h) + 10-08 08:30–10:00 (1.5 h).
    expect(fixHours("work_hours", "2026-09-30 16:00", "2026-10-08 10:00")).toBe(3);
    // 工作日: 09-30 16:00–24:00 (8 h) + 10-08 00:00–10:00 (10 h). 自然日: 7 days and 18 hours.
    expect(fixHours("work_days", "2026-09-30 16:00", "2026-10-08 10:00")).toBe(18);
    expect(fixHours("natural_days", "2026-09-30 16:00", "2026-10-08 10:00")).toBe(186);
    // Friday 10-09 17:00 → Monday 10-12 09:00 in 工作时: 0.5 h + all of Saturday 10-10 (7 h) + 08:30–09:00 (0.5 h).
    expect(fixHours("work_hours", "2026-10-09 17:00", "2026-10-12 09:00")).toBe(8);
  });

  it("counts nothing for a 工作时 issue reported and fixed outside office hours", () => {
    // Saturday 11-21 10:00 → Sunday 11-22 20:00; Monday 11-23 07:00 → 08:00 before the office opens.
    expect(fixHours("work_hours", "2026-11-21 10:00", "2026-11-22 20:00")).toBe(0);
    expect(fixHours("work_hours", "2026-11-23 07:00", "2026-11-23 08:00")).toBe(0);
  });

  it("averages issues of different units each counted in its own", () => {
    // Monday's fixes: 工作时 2 h, 工作日 17 h, 自然日 65 h → average 28 h, median 17 h.
    const durations = durationsOver(
      [overTheWeekend("work_hours"), overTheWeekend("work_days"), overTheWeekend("natural_days")],
      today,
      counting,
    );
    expect(durations.rectification).toEqual({ count: 3, averageHours: 28, medianHours: 17 });
    // Closed Monday: 5, 22 and 70 h → average 97/3 h, median 22 h.
    expect(durations.completion.count).toBe(3);
    expect(durations.completion.averageHours).toBeCloseTo(97 / 3, 10);
    expect(durations.completion.medianHours).toBe(22);
    // Accepted on Friday: not in Monday's period.
    expect(durations.response.count).toBe(0);
  });
});

describe("formatting", () => {
  it("prints rates with one decimal", () => {
    expect(formatRate(110 / 118)).toBe("93.2%");
    expect(formatRate(1)).toBe("100%");
    expect(formatRate(0)).toBe("0%");
    expect(formatRate(null)).toBe("—");
  });

  it("prints minutes below an hour, hours below a day and days from 24 hours on", () => {
    expect(formatHours(0.7)).toBe("42 分钟");
    expect(formatHours(0.004)).toBe("不到 1 分钟");
    expect(formatHours(0.999)).toBe("1 小时");
    expect(formatHours(5.2)).toBe("5.2 小时");
    expect(formatHours(31.2)).toBe("1.3 天");
    expect(formatHours(48)).toBe("2 天");
    expect(formatHours(23.96)).toBe("1 天");
    expect(formatHours(null)).toBe("—");
  });

  it("says spans of time in whole units, minutes below an hour", () => {
    const minutes = (n: number) => n * 60_000;
    expect(formatDuration(minutes(42))).toBe("42 分钟");
    expect(formatDuration(minutes(0.2))).toBe("不到 1 分钟");
    expect(formatDuration(minutes(150))).toBe("2 小时 30 分钟");
    expect(formatDuration(minutes(5 * 60 + 40))).toBe("5 小时");
    expect(formatDuration(minutes(34 * 60))).toBe("1 天 10 小时");
    expect(formatDuration(minutes(48 * 60))).toBe("2 天");
  });

  it("states the definitions for the digest footer", () => {
    expect(METRICS_DEFINITION).toContain("整改率 = 期内销项数 ÷");
    expect(METRICS_DEFINITION).toContain("响应用时 = 接单时间");
    expect(METRICS_DEFINITION).toContain("整改用时 = 整改时间 − 上报时间");
    expect(METRICS_DEFINITION).toContain("办结用时 = 销项时间 − 上报时间");
    expect(METRICS_DEFINITION).not.toContain("响应时长");
    expect(METRICS_DEFINITION).toContain("已整改待验收的、挂账或缓办中的不算超期");
  });
});

describe("isOverdueAt for an issue as it stands", () => {
  const deadline = sh("2026-11-23 12:00");

  it("is an issue still in hand past its deadline; a fix awaiting verification is not", () => {
    const overdue = ISSUE_STATUSES.filter((status) => isOverdueAt({ status, deadline }, sh("2026-11-23 12:01")));
    expect(overdue).toEqual(["reported", "assigned", "accepted"]);
  });

  it("starts after the deadline, not at it, and never without one", () => {
    expect(isOverdueAt({ status: "assigned", deadline }, deadline)).toBe(false);
    expect(isOverdueAt({ status: "assigned", deadline }, new Date(deadline.getTime() + 1))).toBe(true);
    expect(isOverdueAt({ status: "assigned", deadline: null }, sh("2027-01-01 00:00"))).toBe(false);
  });

  it("is not a parked issue (挂账/缓办, behaviour §2.17) from the moment it was parked", () => {
    const parked = { status: "accepted", deadline, parkedAt: sh("2026-11-23 15:00") } as const;
    expect(isOverdueAt(parked, sh("2026-11-23 14:00"))).toBe(true);
    expect(isOverdueAt(parked, sh("2026-11-23 15:00"))).toBe(false);
    expect(isOverdueAt(parked, sh("2026-12-23 15:00"))).toBe(false);
    const t = sh("2026-11-23 16:00");
    const tomorrow = { from: sh("2026-11-24 00:00"), to: sh("2026-11-25 00:00") };
    const dueTomorrow = { ...issue({ status: "accepted" }), deadline: sh("2026-11-24 09:00") };
    expect(matches(dueInHandAt(t, tomorrow), dueTomorrow)).toBe(true);
    expect(matches(dueInHandAt(t, tomorrow), { ...dueTomorrow, parkedAt: parked.parkedAt })).toBe(false);
    expect(matches(parkedInHandAt(t), { ...dueTomorrow, parkedAt: parked.parkedAt })).toBe(true);
    expect(matches(parkedInHandAt(t), { ...dueTomorrow, status: "rectified", parkedAt: parked.parkedAt })).toBe(false);
  });
});
