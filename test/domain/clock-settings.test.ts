import { describe, expect, it } from "vitest";
import { clockSettings, ladderFor, parseTimeOfDay } from "../../src/domain/clock-settings.ts";
import { afterQuietHours, isQuietAt } from "../../src/domain/quiet-hours.ts";
import { sh, TZ } from "../jobs/support.ts";

describe("clock settings", () => {
  it("defaults to behaviour §6–7: 2 h before, at the deadline, 24 h after, quiet 21:00–08:00, look-back 7 days", () => {
    const settings = clockSettings({});
    expect(settings.reminders).toEqual({
      enabled: true,
      beforeHours: 2,
      atDeadline: true,
      escalateAfterHours: 24,
      quietHours: { start: 21 * 60, end: 8 * 60 },
    });
    expect(settings).toMatchObject({ lookbackDays: 7, digest: true, minRankedIssues: 3 });
    expect(clockSettings(null)).toEqual(settings);
    expect(clockSettings("nonsense")).toEqual(settings);
  });

  it("reads the ranking's weights and flag thresholds, keeping the defaults for bad ones", () => {
    expect(clockSettings({}).scoring).toEqual({
      weights: { onTimeDisposal: 60, closure: 30, noRework: 10 },
      redFlagAtLeast: null,
      yellowCardBelow: null,
    });
    const weights = { onTimeDisposal: 50, closure: 40, noRework: 10 };
    expect(clockSettings({ compositeWeights: weights, redFlagAtLeast: 90, yellowCardBelow: 60 }).scoring).toEqual({
      weights,
      redFlagAtLeast: 90,
      yellowCardBelow: 60,
    });
    const bad = clockSettings({ compositeWeights: { onTimeDisposal: -1, closure: 30 }, redFlagAtLeast: "high" });
    expect(bad.scoring).toEqual(clockSettings({}).scoring);
  });

  it("reads a chat's overrides and per-category ladders, and ignores bad values one by one", () => {
    const settings = clockSettings({
      reminders: {
        beforeHours: 4,
        escalateAfterHours: "soon",
        quietHours: "22:30-07:00",
        categories: { "flying-wire-charging": { beforeHours: 1, atDeadline: false } },
      },
      lookbackDays: 14,
      digest: false,
      minRankedIssues: 0,
    });
    expect(settings.reminders).toMatchObject({
      beforeHours: 4,
      escalateAfterHours: 24,
      quietHours: { start: 1350, end: 420 },
    });
    expect(ladderFor(settings, "flying-wire-charging")).toMatchObject({
      beforeHours: 1,
      atDeadline: false,
      escalateAfterHours: 24,
    });
    expect(ladderFor(settings, "littering")).toBe(settings.reminders);
    expect(ladderFor(settings, null)).toBe(settings.reminders);
    expect(settings).toMatchObject({ lookbackDays: 14, digest: false, minRankedIssues: 3 });
    expect(clockSettings({ reminders: { quietHours: "" } }).reminders.quietHours).toBeNull();
    expect(clockSettings({ reminders: { quietHours: "9pm-8am" } }).reminders.quietHours).toEqual({
      start: 1260,
      end: 480,
    });
  });

  it("reads a leader group's escalation slots, sorted, and the default 09:00 and 14:00 for a bad list", () => {
    expect(clockSettings({}).escalationTimes).toEqual([540, 840]);
    expect(clockSettings({ escalationTimes: ["16:30", "08:00", "16:30"] }).escalationTimes).toEqual([480, 990]);
    for (const bad of [["09:00", "25:00"], [], "09:00", [900], null]) {
      expect(clockSettings({ escalationTimes: bad, lookbackDays: 3 })).toMatchObject({
        escalationTimes: [540, 840],
        lookbackDays: 3,
      });
    }
  });

  // behaviour §15.1, §15.4
  it("reads a leader group's 工作简报 settings, each bad value falling back to its default alone", () => {
    expect(clockSettings({}).briefing).toEqual({
      weekly: true,
      monthly: true,
      time: 9 * 60,
      talkBelow: 60,
      talkPeriods: 2,
    });
    expect(
      clockSettings({ briefing: { weekly: false, time: "08:30", talkBelow: 70, talkPeriods: 3 } }).briefing,
    ).toEqual({ weekly: false, monthly: true, time: 8 * 60 + 30, talkBelow: 70, talkPeriods: 3 });
    expect(
      clockSettings({ briefing: { monthly: "no", time: "9点", talkBelow: 130, talkPeriods: 7 } }).briefing,
    ).toEqual(clockSettings({}).briefing);
    expect(clockSettings({ briefing: "weekly" }).briefing).toEqual(clockSettings({}).briefing);
  });

  it("parses times of day", () => {
    expect(parseTimeOfDay("18:00")).toBe(1080);
    expect(parseTimeOfDay(" 08:05 ")).toBe(485);
    expect(parseTimeOfDay("24:00")).toBeNull();
    expect(parseTimeOfDay("6pm")).toBeNull();
  });
});

describe("quiet hours", () => {
  const night = { start: 21 * 60, end: 8 * 60 };

  it("covers 21:00 up to 08:00 local time, over midnight", () => {
    expect(isQuietAt(sh("2026-11-23 20:59").getTime(), night, TZ)).toBe(false);
    expect(isQuietAt(sh("2026-11-23 21:00").getTime(), night, TZ)).toBe(true);
    expect(isQuietAt(sh("2026-11-24 03:00").getTime(), night, TZ)).toBe(true);
    expect(isQuietAt(sh("2026-11-24 08:00").getTime(), night, TZ)).toBe(false);
    expect(isQuietAt(sh("2026-11-24 03:00").getTime(), null, TZ)).toBe(false);
    expect(isQuietAt(sh("2026-11-24 13:00").getTime(), { start: 12 * 60, end: 14 * 60 }, TZ)).toBe(true);
  });

  it("moves what falls in them to their end", () => {
    expect(afterQuietHours(sh("2026-11-23 23:00").getTime(), night, TZ)).toBe(sh("2026-11-24 08:00").getTime());
    expect(afterQuietHours(sh("2026-11-24 02:00").getTime(), night, TZ)).toBe(sh("2026-11-24 08:00").getTime());
    expect(afterQuietHours(sh("2026-11-24 09:00").getTime(), night, TZ)).toBe(sh("2026-11-24 09:00").getTime());
    expect(afterQuietHours(sh("2026-11-23 23:00").getTime(), null, TZ)).toBe(sh("2026-11-23 23:00").getTime());
  });
});
