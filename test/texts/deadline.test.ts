import { describe, expect, it } from "vitest";
import { deadlineDate, deadlinePhrase, timeFromNow } from "../../src/texts/deadline.ts";
import { sh } from "../jobs/support.ts";

const TZ = "Asia/Shanghai";

describe("deadline wording", () => {
  const now = sh("2026-11-23 15:00");

  it("says how long is left, with the time the work is due by", () => {
    expect(deadlinePhrase(sh("2026-11-23 17:00"), now, TZ)).toBe("距整改期限还有 2 小时（今天 17:00 前）");
    expect(deadlinePhrase(sh("2026-11-23 15:42"), now, TZ)).toBe("距整改期限还有 42 分钟（今天 15:42 前）");
    expect(deadlinePhrase(sh("2026-11-24 09:00"), now, TZ)).toBe("距整改期限还有 18 小时（明天 09:00 前）");
    expect(deadlinePhrase(sh("2026-11-27 09:00"), now, TZ)).toBe("距整改期限还有 3 天 18 小时（11月27日 09:00 前）");
  });

  it("says how long it is overdue, with the deadline", () => {
    expect(deadlinePhrase(sh("2026-11-23 12:00"), now, TZ)).toBe("已超期 3 小时（期限 今天 12:00）");
    expect(deadlinePhrase(sh("2026-11-22 12:00"), now, TZ)).toBe("已超期 1 天 3 小时（期限 昨天 12:00）");
    expect(deadlinePhrase(sh("2026-11-20 12:00"), now, TZ)).toBe("已超期 3 天 3 小时（期限 11月20日 12:00）");
  });

  it("never says a passed deadline has time left: within the minute around it, it has arrived", () => {
    for (const offset of [-59_000, -1, 0, 1, 59_000]) {
      const at = new Date(now.getTime() + offset);
      expect(deadlinePhrase(now, at, TZ)).toBe("已到整改期限（今天 15:00）");
    }
    expect(deadlinePhrase(now, new Date(now.getTime() + 61_000), TZ)).toBe("已超期 1 分钟（期限 今天 15:00）");
  });

  it("names days relative to now only when asked from a moment; absolute dates stay true", () => {
    expect(timeFromNow(sh("2026-11-24 00:30"), now, TZ)).toBe("明天 00:30");
    expect(deadlineDate(sh("2026-11-23 17:00"), TZ)).toBe("11月23日 17:00");
    expect(deadlineDate(sh("2027-01-03 08:00"), TZ, now)).toBe("2027年1月3日 08:00");
    expect(timeFromNow(sh("2027-01-03 08:00"), now, TZ)).toBe("2027年1月3日 08:00");
  });
});
