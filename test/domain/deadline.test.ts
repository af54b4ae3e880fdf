import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computeDeadline,
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

describe("computeDeadline without working days", () => {
  it("adds the hours, crossing local midnight", () => {
    expect(computeDeadline(sh("2026-11-23 20:00"), 6, { workingDays: false })).toEqual(sh("2026-11-24 02:00"));
  });

  it("ignores weekends and holidays", () => {
    expect(computeDeadline(sh("2026-09-30 09:00"), 24, { workingDays: false })).toEqual(sh("2026-10-01 09:00"));
  });

  it("halves the hours when urgent", () => {
    expect(computeDeadline(sh("2026-11-23 09:00"), 24, { workingDays: false, urgent: true })).toEqual(
      sh("2026-11-23 21:00"),
    );
  });

  it("refuses negative or non-finite hours", () => {
    expect(() => computeDeadline(sh("2026-11-23 09:00"), -1, { workingDays: false })).toThrow(RangeError);
    expect(() => computeDeadline(sh("2026-11-23 09:00"), Number.NaN, { workingDays: true })).toThrow(RangeError);
  });
});

describe("computeDeadline on working days", () => {
  it("stops the clock over a weekend", () => {
    // Friday 10:00 leaves 14 h that day; the other 10 h run on Monday.
    expect(computeDeadline(sh("2026-11-20 10:00"), 24, { workingDays: true })).toEqual(sh("2026-11-23 10:00"));
  });

  it("spans several working days for a 72-hour category", () => {
    // Thursday 15 h + Friday 24 h + Monday 24 h + Tuesday 9 h.
    expect(computeDeadline(sh("2026-11-19 09:00"), 72, { workingDays: true })).toEqual(sh("2026-11-24 09:00"));
  });

  it("skips the National Day holiday of 2026 (October 1–7)", () => {
    expect(computeDeadline(sh("2026-09-30 09:00"), 24, { workingDays: true })).toEqual(sh("2026-10-08 09:00"));
  });

  it("skips the Spring Festival holiday of 2026 (February 15–23)", () => {
    expect(computeDeadline(sh("2026-02-14 08:00"), 24, { workingDays: true })).toEqual(sh("2026-02-24 08:00"));
  });

  it("counts a Saturday make-up workday (2026-02-14 补班)", () => {
    expect(computeDeadline(sh("2026-02-13 12:00"), 24, { workingDays: true })).toEqual(sh("2026-02-14 12:00"));
  });

  it("counts a Saturday make-up workday of 2025 (2025-10-11 补班) right after the holiday", () => {
    expect(computeDeadline(sh("2025-10-10 18:00"), 12, { workingDays: true })).toEqual(sh("2025-10-11 06:00"));
  });

  it("starts a report made on a non-working Saturday at midnight of the Sunday make-up workday (2026-09-20)", () => {
    expect(computeDeadline(sh("2026-09-19 10:00"), 8, { workingDays: true })).toEqual(sh("2026-09-20 08:00"));
  });

  it("starts a report made during a holiday at midnight of the next working day", () => {
    expect(computeDeadline(sh("2026-10-03 15:00"), 24, { workingDays: true })).toEqual(sh("2026-10-09 00:00"));
  });

  it("halves the working hours when urgent", () => {
    // 12 h: Friday 20:00–24:00, then 8 h on Monday.
    expect(computeDeadline(sh("2026-11-20 20:00"), 24, { workingDays: true, urgent: true })).toEqual(
      sh("2026-11-23 08:00"),
    );
  });

  it("counts days in the time zone it is given", () => {
    expect(computeDeadline(new Date("2026-11-20T20:00:00Z"), 8, { workingDays: true, timeZone: "UTC" })).toEqual(
      new Date("2026-11-23T04:00:00Z"),
    );
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
