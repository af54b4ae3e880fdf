import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseOfficeHours } from "../../src/config/office-hours.ts";
import {
  computeDeadline,
  elapsedHours,
  isWorkingDay,
  localDateString,
  localPeriod,
  startOfDate,
  startOfLocalDay,
  startOfLocalMonth,
  startOfLocalWeek,
  zoneOffsetMs,
} from "../../src/domain/deadline.ts";

/** An instant given as Shanghai wall-clock time, "YYYY-MM-DD HH:mm". */
const sh = (local: string) => new Date(`${local.replace(" ", "T")}:00+08:00`);

describe("computeDeadline in 自然时", () => {
  it("adds the hours, crossing local midnight", () => {
    expect(computeDeadline(sh("2026-11-23 20:00"), { amount: 6, unit: "natural_hours" })).toEqual(
      sh("2026-11-24 02:00"),
    );
  });

  it("ignores weekends and holidays", () => {
    expect(computeDeadline(sh("2026-09-30 09:00"), { amount: 24, unit: "natural_hours" })).toEqual(
      sh("2026-10-01 09:00"),
    );
  });

  it("halves the hours when urgent", () => {
    expect(computeDeadline(sh("2026-11-23 09:00"), { amount: 24, unit: "natural_hours" }, { urgent: true })).toEqual(
      sh("2026-11-23 21:00"),
    );
  });

  it("refuses negative or non-finite hours", () => {
    expect(() => computeDeadline(sh("2026-11-23 09:00"), { amount: -1, unit: "natural_hours" })).toThrow(RangeError);
    expect(() => computeDeadline(sh("2026-11-23 09:00"), { amount: Number.NaN, unit: "work_days" })).toThrow(
      RangeError,
    );
  });
});

describe("computeDeadline in 工作日 (whole days, counted on working days only)", () => {
  it("stops the clock over a weekend", () => {
    // Friday 10:00 leaves 14 h that day; the other 10 h run on Monday.
    expect(computeDeadline(sh("2026-11-20 10:00"), { amount: 1, unit: "work_days" })).toEqual(sh("2026-11-23 10:00"));
  });

  it("spans several working days for a 3-工作日 category", () => {
    // Thursday 15 h + Friday 24 h + Monday 24 h + Tuesday 9 h.
    expect(computeDeadline(sh("2026-11-19 09:00"), { amount: 3, unit: "work_days" })).toEqual(sh("2026-11-24 09:00"));
  });

  it("skips the National Day holiday of 2026 (October 1–7)", () => {
    expect(computeDeadline(sh("2026-09-30 09:00"), { amount: 1, unit: "work_days" })).toEqual(sh("2026-10-08 09:00"));
  });

  it("skips the Spring Festival holiday of 2026 (February 15–23)", () => {
    expect(computeDeadline(sh("2026-02-14 08:00"), { amount: 1, unit: "work_days" })).toEqual(sh("2026-02-24 08:00"));
  });

  it("counts a Saturday make-up workday (2026-02-14 补班)", () => {
    expect(computeDeadline(sh("2026-02-13 12:00"), { amount: 1, unit: "work_days" })).toEqual(sh("2026-02-14 12:00"));
  });

  it("counts a Saturday make-up workday of 2025 (2025-10-11 补班) right after the holiday", () => {
    expect(computeDeadline(sh("2025-10-10 18:00"), { amount: 0.5, unit: "work_days" })).toEqual(sh("2025-10-11 06:00"));
  });

  it("starts a report made on a non-working Saturday at midnight of the Sunday make-up workday (2026-09-20)", () => {
    expect(computeDeadline(sh("2026-09-19 10:00"), { amount: 8 / 24, unit: "work_days" })).toEqual(
      sh("2026-09-20 08:00"),
    );
  });

  it("starts a report made during a holiday at midnight of the next working day", () => {
    expect(computeDeadline(sh("2026-10-03 15:00"), { amount: 1, unit: "work_days" })).toEqual(sh("2026-10-09 00:00"));
  });

  it("halves the working days when urgent", () => {
    // 12 h: Friday 20:00–24:00, then 8 h on Monday.
    expect(computeDeadline(sh("2026-11-20 20:00"), { amount: 1, unit: "work_days" }, { urgent: true })).toEqual(
      sh("2026-11-23 08:00"),
    );
  });

  it("counts days in the time zone it is given", () => {
    expect(
      computeDeadline(new Date("2026-11-20T20:00:00Z"), { amount: 8 / 24, unit: "work_days" }, { timeZone: "UTC" }),
    ).toEqual(new Date("2026-11-23T04:00:00Z"));
  });
});

/** 2 工作时, the standard's limit for most 事件. */
const TWO_WORK_HOURS = { amount: 2, unit: "work_hours" } as const;

// Office hours by default 08:30–12:00 and 13:30–17:30: 7.5 hours a working day.
describe("computeDeadline in 工作时 (office hours on working days only)", () => {
  it("counts straight through the morning", () => {
    expect(computeDeadline(sh("2026-11-23 09:00"), TWO_WORK_HOURS)).toEqual(sh("2026-11-23 11:00"));
  });

  it("stops the clock over the lunch break", () => {
    // Monday 11:00–12:00 is 1 h; the other hour runs from 13:30.
    expect(computeDeadline(sh("2026-11-23 11:00"), TWO_WORK_HOURS)).toEqual(sh("2026-11-23 14:30"));
  });

  it("starts a report made during the lunch break when the afternoon opens", () => {
    expect(computeDeadline(sh("2026-11-23 12:30"), { amount: 1, unit: "work_hours" })).toEqual(sh("2026-11-23 14:30"));
  });

  it("ends at closing time when the limit is used up exactly then", () => {
    expect(computeDeadline(sh("2026-11-23 15:30"), TWO_WORK_HOURS)).toEqual(sh("2026-11-23 17:30"));
  });

  it("carries what is left in the evening over to the next morning", () => {
    // Monday 16:30–17:30 is 1 h; Tuesday 08:30–09:30 the other.
    expect(computeDeadline(sh("2026-11-23 16:30"), TWO_WORK_HOURS)).toEqual(sh("2026-11-24 09:30"));
  });

  it("starts a report made in the evening when the office opens the next morning", () => {
    expect(computeDeadline(sh("2026-11-23 20:00"), TWO_WORK_HOURS)).toEqual(sh("2026-11-24 10:30"));
  });

  it("counts a whole working day as 7.5 hours", () => {
    // Monday 09:00–12:00 (3 h) and 13:30–17:30 (4 h) make 7; Tuesday 08:30–09:30 the eighth.
    expect(computeDeadline(sh("2026-11-23 09:00"), { amount: 8, unit: "work_hours" })).toEqual(sh("2026-11-24 09:30"));
  });

  it("skips the weekend", () => {
    // Friday 17:00–17:30 is half an hour; Monday 08:30–10:00 the other hour and a half.
    expect(computeDeadline(sh("2026-11-20 17:00"), TWO_WORK_HOURS)).toEqual(sh("2026-11-23 10:00"));
  });

  it("skips the National Day holiday of 2026 (October 1–7)", () => {
    // Wednesday 30 September 17:00–17:30, then Thursday 8 October 08:30–10:00.
    expect(computeDeadline(sh("2026-09-30 17:00"), TWO_WORK_HOURS)).toEqual(sh("2026-10-08 10:00"));
  });

  it("counts a Sunday make-up workday (2026-09-20 补班)", () => {
    // Reported on Saturday 19 September: the Sunday make-up day opens at 08:30.
    expect(computeDeadline(sh("2026-09-19 10:00"), TWO_WORK_HOURS)).toEqual(sh("2026-09-20 10:30"));
  });

  it("counts the make-up workday of 2026-10-10 (a Saturday) right after the holiday week", () => {
    // Friday 9 October 17:00–17:30, then Saturday 10 October (补班) 08:30–10:00.
    expect(computeDeadline(sh("2026-10-09 17:00"), TWO_WORK_HOURS)).toEqual(sh("2026-10-10 10:00"));
  });

  it("halves the limit when urgent", () => {
    // 1 h: Monday 11:30–12:00, then 13:30–14:00.
    expect(computeDeadline(sh("2026-11-23 11:30"), TWO_WORK_HOURS, { urgent: true })).toEqual(sh("2026-11-23 14:00"));
  });

  it("counts the office hours it is given", () => {
    const officeHours = parseOfficeHours("09:00-17:00") ?? [];
    // Monday 16:00–17:00, then Tuesday 09:00–10:00.
    expect(computeDeadline(sh("2026-11-23 16:00"), TWO_WORK_HOURS, { officeHours })).toEqual(sh("2026-11-24 10:00"));
  });

  it("reads office hours in the time zone it is given", () => {
    expect(computeDeadline(new Date("2026-11-23T11:00:00Z"), TWO_WORK_HOURS, { timeZone: "UTC" })).toEqual(
      new Date("2026-11-23T14:30:00Z"),
    );
  });
});

describe("computeDeadline in 自然日", () => {
  it("counts whole days round the clock, holidays included", () => {
    expect(computeDeadline(sh("2026-09-30 09:00"), { amount: 1, unit: "natural_days" })).toEqual(
      sh("2026-10-01 09:00"),
    );
    expect(computeDeadline(sh("2026-11-20 17:00"), { amount: 3, unit: "natural_days" })).toEqual(
      sh("2026-11-23 17:00"),
    );
  });
});

describe("elapsedHours", () => {
  it("counts office hours on working days only for 工作时", () => {
    // Monday 09:00–12:00 and 13:30–17:30 (7 h), Tuesday 08:30–09:30 (1 h).
    expect(elapsedHours(sh("2026-11-23 09:00"), sh("2026-11-24 09:30"), "work_hours")).toBe(8);
    // Friday 17:00–17:30 and Monday 08:30–10:00, the weekend between not counted.
    expect(elapsedHours(sh("2026-11-20 17:00"), sh("2026-11-23 10:00"), "work_hours")).toBe(2);
    // Over the lunch break and over the evening, nothing counts.
    expect(elapsedHours(sh("2026-11-23 12:05"), sh("2026-11-23 13:20"), "work_hours")).toBe(0);
    expect(elapsedHours(sh("2026-11-23 18:00"), sh("2026-11-24 08:00"), "work_hours")).toBe(0);
    // Saturday 19 September (rest day) to the Sunday make-up day at 12:00: 08:30–12:00.
    expect(elapsedHours(sh("2026-09-19 09:00"), sh("2026-09-20 12:00"), "work_hours")).toBe(3.5);
  });

  it("counts whole working days for 工作日", () => {
    // Friday 10:00–24:00 (14 h) and Monday 00:00–10:00 (10 h).
    expect(elapsedHours(sh("2026-11-20 10:00"), sh("2026-11-23 10:00"), "work_days")).toBe(24);
    // 30 September 09:00–24:00 (15 h), the National Day week not counted, 8 October 00:00–09:00 (9 h).
    expect(elapsedHours(sh("2026-09-30 09:00"), sh("2026-10-08 09:00"), "work_days")).toBe(24);
  });

  it("counts round the clock for 自然时 and 自然日", () => {
    expect(elapsedHours(sh("2026-11-20 17:00"), sh("2026-11-23 10:00"), "natural_hours")).toBe(65);
    expect(elapsedHours(sh("2026-11-20 17:00"), sh("2026-11-23 10:00"), "natural_days")).toBe(65);
  });

  it("is negative when the second instant comes first", () => {
    expect(elapsedHours(sh("2026-11-23 10:00"), sh("2026-11-20 17:00"), "work_hours")).toBe(-2);
  });

  it("gives back the limit between a start and its deadline", () => {
    const start = sh("2026-09-30 16:45");
    for (const limit of [
      TWO_WORK_HOURS,
      { amount: 16, unit: "work_hours" },
      { amount: 3, unit: "work_days" },
    ] as const) {
      expect(elapsedHours(start, computeDeadline(start, limit), limit.unit)).toBe(
        limit.amount * (limit.unit === "work_days" ? 24 : 1),
      );
    }
  });

  it("counts the same far from any date counted before", () => {
    // Years apart, so the counting grows backwards and forwards: 2 January 2024 (Tuesday) 09:00–11:00.
    expect(elapsedHours(sh("2024-01-02 09:00"), sh("2024-01-02 11:00"), "work_hours")).toBe(2);
    expect(elapsedHours(sh("2030-01-07 09:00"), sh("2030-01-07 11:00"), "work_hours")).toBe(2);
  });
});

describe("isWorkingDay", () => {
  it("knows holidays, make-up workdays and plain weekends", () => {
    expect(isWorkingDay(sh("2026-10-01 12:00"))).toBe(false);
    expect(isWorkingDay(sh("2026-10-10 12:00"))).toBe(true);
    expect(isWorkingDay(sh("2026-09-20 12:00"))).toBe(true);
    expect(isWorkingDay(sh("2026-11-21 12:00"))).toBe(false);
    expect(isWorkingDay(sh("2026-11-24 12:00"))).toBe(true);
  });

  it("judges the local date, not the UTC date", () => {
    const mondayInShanghai = new Date("2026-11-22T16:30:00Z");
    expect(isWorkingDay(mondayInShanghai)).toBe(true);
    expect(isWorkingDay(mondayInShanghai, "UTC")).toBe(false);
  });
});

describe("local calendar helpers", () => {
  const justAfterMidnight = new Date("2026-11-22T16:30:00Z"); // Monday 2026-11-23 00:30 in Shanghai

  it("gives the local date string", () => {
    expect(localDateString(justAfterMidnight)).toBe("2026-11-23");
    expect(localDateString(justAfterMidnight, "UTC")).toBe("2026-11-22");
    expect(localDateString(new Date("2026-11-23T15:59:59Z"))).toBe("2026-11-23");
    expect(localDateString(new Date("2026-11-23T16:00:00Z"))).toBe("2026-11-24");
  });

  it("finds the start of the local day", () => {
    expect(startOfLocalDay(justAfterMidnight)).toEqual(new Date("2026-11-22T16:00:00Z"));
    expect(startOfLocalDay(justAfterMidnight, "UTC")).toEqual(new Date("2026-11-22T00:00:00Z"));
  });

  it("starts the week on Monday", () => {
    expect(startOfLocalWeek(justAfterMidnight)).toEqual(new Date("2026-11-22T16:00:00Z"));
    // Sunday 23:59 in Shanghai still belongs to the week that began on Monday 2026-11-16.
    expect(startOfLocalWeek(sh("2026-11-22 23:59"))).toEqual(sh("2026-11-16 00:00"));
  });

  it("finds the start of the local month", () => {
    expect(startOfLocalMonth(new Date("2026-11-30T16:30:00Z"))).toEqual(sh("2026-12-01 00:00"));
    expect(startOfLocalMonth(new Date("2026-11-30T15:30:00Z"))).toEqual(sh("2026-11-01 00:00"));
  });

  it("gives half-open day, week and month periods", () => {
    expect(localPeriod(justAfterMidnight, "day")).toEqual({ from: sh("2026-11-23 00:00"), to: sh("2026-11-24 00:00") });
    expect(localPeriod(justAfterMidnight, "week")).toEqual({
      from: sh("2026-11-23 00:00"),
      to: sh("2026-11-30 00:00"),
    });
    expect(localPeriod(sh("2026-12-31 23:00"), "month")).toEqual({
      from: sh("2026-12-01 00:00"),
      to: sh("2027-01-01 00:00"),
    });
    expect(localPeriod(sh("2028-02-10 12:00"), "month")).toEqual({
      from: sh("2028-02-01 00:00"),
      to: sh("2028-03-01 00:00"),
    });
  });

  it("follows daylight saving time in zones that have it", () => {
    // New York springs forward on 2026-03-08, a 23-hour day.
    expect(localPeriod(new Date("2026-03-08T12:00:00Z"), "day", "America/New_York")).toEqual({
      from: new Date("2026-03-08T05:00:00Z"),
      to: new Date("2026-03-09T04:00:00Z"),
    });
  });

  it("turns a calendar date into the instant it begins", () => {
    expect(startOfDate("2026-10-01")).toEqual(new Date("2026-09-30T16:00:00Z"));
    expect(startOfDate("2026-10-01", "UTC")).toEqual(new Date("2026-10-01T00:00:00Z"));
  });

  it("rejects malformed or impossible calendar dates", () => {
    expect(() => startOfDate("2026-02-30")).toThrow(RangeError);
    expect(() => startOfDate("20261001")).toThrow(RangeError);
    expect(() => startOfDate("2026-13-01")).toThrow(RangeError);
  });
});

describe("zoneOffsetMs", () => {
  /** The offset straight from Intl, as a reference: the zone's wall clock read as UTC, less the instant. */
  function intlOffset(instant: number, timeZone: string): number {
    const whole = Math.floor(instant / 1000) * 1000;
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      })
        .formatToParts(new Date(whole))
        .map((p) => [p.type, Number(p.value)]),
    );
    const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
    return Date.UTC(year, month - 1, day, hour, minute, second) - whole;
  }

  // Zones with daylight saving (whole and half hours), odd offsets, and local mean time before 1900.
  const ZONES = ["Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu"];

  it("is the zone's offset at every instant, across daylight-saving changes and local mean time", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.UTC(1850, 0, 1), max: Date.UTC(2100, 0, 1) }),
        (zone, instant) => {
          expect(zoneOffsetMs(instant, zone)).toBe(intlOffset(instant, zone));
        },
      ),
      { numRuns: 2000 },
    );
    // Each second around the spring and autumn changes of 2026 in New York, and Shanghai's change from local mean time.
    const around = [Date.UTC(2026, 2, 8, 7), Date.UTC(2026, 10, 1, 6), Date.UTC(1900, 11, 31, 15, 54, 17)];
    for (const change of around) {
      for (let t = change - 120_000; t <= change + 120_000; t += 1000) {
        for (const zone of ZONES) expect(zoneOffsetMs(t, zone)).toBe(intlOffset(t, zone));
      }
    }
  });
});
