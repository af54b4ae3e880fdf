import { describe, expect, it } from "vitest";
import { beforeDeadlineAt } from "../../src/domain/quiet-hours.ts";
import { sh } from "../jobs/support.ts";

const TZ = "Asia/Shanghai";
const QUIET = { start: 21 * 60, end: 8 * 60 };

describe("the reminder before a deadline and the quiet hours", () => {
  it("comes beforeHours ahead of the deadline, or an hour before the quiet hours the deadline falls in", () => {
    const at = (deadline: string, hours = 2) =>
      new Date(beforeDeadlineAt(sh(deadline).getTime(), hours, QUIET, TZ)).toISOString();
    expect(at("2026-11-23 15:00")).toBe(sh("2026-11-23 13:00").toISOString());
    // Inside the quiet hours, but its reminder is not: left alone.
    expect(at("2026-11-23 22:30")).toBe(sh("2026-11-23 20:30").toISOString());
    expect(at("2026-11-23 23:00")).toBe(sh("2026-11-23 20:00").toISOString());
    expect(at("2026-11-24 02:00")).toBe(sh("2026-11-23 20:00").toISOString());
    // The deadline is after the quiet hours: its reminder at 07:00 waits for 08:00 as before (afterQuietHours).
    expect(at("2026-11-24 09:00")).toBe(sh("2026-11-24 07:00").toISOString());
    expect(beforeDeadlineAt(sh("2026-11-23 23:00").getTime(), 2, null, TZ)).toBe(sh("2026-11-23 21:00").getTime());
  });
});
