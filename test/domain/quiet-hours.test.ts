import { describe, expect, it } from "vitest";
import { beforeDeadlineAt, heldSince, stretchesRemindedIn } from "../../src/domain/quiet-hours.ts";
import { sh } from "../jobs/support.ts";

const TZ = "Asia/Shanghai";
const QUIET = { start: 21 * 60, end: 8 * 60 };

describe("the reminder before a deadline and the quiet hours", () => {
  it("comes beforeHours ahead of the deadline, or an hour before the quiet hours the deadline falls in", () => {
    const at = (deadline: string, hours = 2) => beforeDeadlineAt(sh(deadline), hours, QUIET, TZ).toISOString();
    expect(at("2026-11-23 15:00")).toBe(sh("2026-11-23 13:00").toISOString());
    // Inside the quiet hours, but its reminder is not: left alone.
    expect(at("2026-11-23 22:30")).toBe(sh("2026-11-23 20:30").toISOString());
    expect(at("2026-11-23 23:00")).toBe(sh("2026-11-23 20:00").toISOString());
    expect(at("2026-11-24 02:00")).toBe(sh("2026-11-23 20:00").toISOString());
    // The deadline is after the quiet hours: its reminder at 07:00 waits for 08:00 as before (afterQuietHours).
    expect(at("2026-11-24 09:00")).toBe(sh("2026-11-24 07:00").toISOString());
    expect(beforeDeadlineAt(sh("2026-11-23 23:00"), 2, null, TZ).toISOString()).toBe(
      sh("2026-11-23 21:00").toISOString(),
    );
  });

  it("finds the quiet stretches whose early reminder falls in a sweep's span", () => {
    const found = (since: string, until: string) =>
      stretchesRemindedIn(sh(since), sh(until), QUIET, TZ).map((s) => [s.start.toISOString(), s.end.toISOString()]);
    expect(found("2026-11-23 19:55", "2026-11-23 20:00")).toEqual([
      [sh("2026-11-23 21:00").toISOString(), sh("2026-11-24 08:00").toISOString()],
    ]);
    expect(found("2026-11-23 20:00", "2026-11-23 20:05")).toEqual([]);
    expect(found("2026-11-22 12:00", "2026-11-23 20:00")).toHaveLength(2);
  });

  it("looks back before the quiet hours once they are over", () => {
    expect(heldSince(sh("2026-11-24 07:55"), sh("2026-11-24 08:00"), QUIET, TZ).toISOString()).toBe(
      sh("2026-11-23 20:45").toISOString(),
    );
    expect(heldSince(sh("2026-11-24 07:50"), sh("2026-11-24 07:55"), QUIET, TZ).toISOString()).toBe(
      sh("2026-11-24 07:50").toISOString(),
    );
  });
});
