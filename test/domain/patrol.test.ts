import { describe, expect, it } from "vitest";
import { asksForVisitOn, lastDueDay, patrolSpan, spansDueIn } from "../../src/domain/patrol.ts";

/** Midday in Shanghai on a local date. */
const at = (date: string) => new Date(`${date}T12:00:00+08:00`);
const day = (date: string) => ({ from: new Date(`${date}T00:00:00+08:00`) });
const local = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

describe("patrol frequencies (behaviour §14.2)", () => {
  it("answers a daily or working-days visit for its day, a weekly one for Monday to Sunday, twice a month by halves", () => {
    expect(patrolSpan("daily", at("2026-11-25"))).toEqual({
      from: day("2026-11-25").from,
      to: day("2026-11-26").from,
    });
    expect(patrolSpan("weekly", at("2026-11-25"))).toEqual({
      from: day("2026-11-23").from,
      to: day("2026-11-30").from,
    });
    expect(patrolSpan("twice_monthly", at("2026-11-15"))).toEqual({
      from: day("2026-11-01").from,
      to: day("2026-11-16").from,
    });
    expect(patrolSpan("twice_monthly", at("2026-11-16"))).toEqual({
      from: day("2026-11-16").from,
      to: day("2026-12-01").from,
    });
  });

  it("is last due on the span's last working day; a working-days plan asks nothing on a day off", () => {
    expect(local(lastDueDay("weekly", at("2026-11-23"))?.from as Date)).toBe("2026-11-27");
    expect(local(lastDueDay("twice_monthly", at("2026-11-20"))?.from as Date)).toBe("2026-11-30");
    expect(lastDueDay("workdays", at("2026-11-28"))).toBeNull();
    expect(asksForVisitOn("workdays", at("2026-11-28"))).toBe(false);
    expect(asksForVisitOn("daily", at("2026-11-28"))).toBe(true);
    expect(local(lastDueDay("daily", at("2026-11-28"))?.from as Date)).toBe("2026-11-28");
  });

  it("counts the spans due in a week: seven daily, five on working days, one weekly", () => {
    const week = { from: day("2026-11-23").from, to: day("2026-11-30").from };
    expect(spansDueIn("daily", week)).toHaveLength(7);
    expect(spansDueIn("workdays", week)).toHaveLength(5);
    expect(spansDueIn("weekly", week)).toHaveLength(1);
    expect(spansDueIn("twice_monthly", week)).toHaveLength(0);
    const november = { from: day("2026-11-01").from, to: day("2026-12-01").from };
    expect(spansDueIn("twice_monthly", november)).toHaveLength(2);
  });
});
