import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DUPLICATE_WINDOW_HOURS, REBOUND_WINDOW_DAYS } from "../../src/commands/assignment.ts";
import { clockSettings } from "../../src/domain/clock-settings.ts";
import { BEFORE_QUIET_MS } from "../../src/domain/quiet-hours.ts";
import { REPORT_WINDOW_MS } from "../../src/features/intake.ts";
import { digestDueAt } from "../../src/jobs/digest-sweep.ts";
import { SNOOZE_MS } from "../../src/presenters/reminder-card.ts";
import { T } from "../../src/sandbox/page/texts.ts";
import { startOfWorkday } from "../../src/sandbox/virtual-clock.ts";
import { formatTimeOfDay } from "../../src/texts/messages.ts";

const ROOT = join(import.meta.dirname, "../..");
const README = readFileSync(join(ROOT, "README.md"), "utf8")
  // Sentences wrap over lines; the times a reader sees do not care.
  .replace(/\n\s*/g, "");
const TZ = "Asia/Shanghai";
const HOUR = 3_600_000;

/** Every match of `pattern` in README, which must name it at least once. */
function named(pattern: RegExp): RegExpMatchArray[] {
  const found = [...README.matchAll(new RegExp(pattern, "g"))];
  if (found.length === 0) throw new Error(`README no longer says ${pattern}`);
  return found;
}

/** "HH:mm" of minutes after midnight. */
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

describe("the times README names", () => {
  const defaults = clockSettings({});
  const ladder = defaults.reminders;
  const quiet = ladder.quietHours ?? { start: 0, end: 0 };

  it("are the reminder ladder's defaults", () => {
    for (const [, hours] of named(/期限前 (\d+) 小时/)) expect(Number(hours)).toBe(ladder.beforeHours);
    for (const [, hours] of named(/超期 (\d+) 小时的问题/)) expect(Number(hours)).toBe(ladder.escalateAfterHours);
    for (const [, first, second] of named(/默认每天 (\d\d:\d\d) ?和 (\d\d:\d\d)/)) {
      expect([first, second]).toEqual(defaults.escalationTimes.map(hhmm));
    }
    for (const [, from, to] of named(/(\d\d:\d\d)–(\d\d:\d\d) 不发提醒/))
      expect([from, to]).toEqual([hhmm(quiet.start), hhmm(quiet.end)]);
    for (const [, at] of named(/顺延到 (\d\d:\d\d)/)) expect(at).toBe(hhmm(quiet.end));
    for (const [, at, hours] of named(/提前到 (\d\d:\d\d)（安静时段开始前 (\d+) 小时）/)) {
      expect(at).toBe(hhmm(quiet.start - BEFORE_QUIET_MS / 60_000));
      expect(Number(hours) * HOUR).toBe(BEFORE_QUIET_MS);
    }
    for (const [, hours] of named(/延后提醒 (\d+) 小时/)) expect(Number(hours) * HOUR).toBe(SNOOZE_MS);
    for (const [, days] of named(/销项 (\d+) 天后/)) expect(Number(days)).toBe(defaults.lookbackDays);
  });

  it("are the digest's default time and the demo's own", () => {
    const standard = formatTimeOfDay(digestDueAt("", "2026-11-23", TZ), TZ);
    for (const [, at] of named(/日报时间（默认 (\d\d:\d\d)/)) expect(at).toBe(standard);
    // The demo's chats and their digest times, as examples/org.yaml binds them.
    const org = parse(readFileSync(join(ROOT, "examples/org.yaml"), "utf8")) as {
      chats: { name: string; digest_time?: string }[];
    };
    const demo = new Map(org.chats.map((c) => [c.name, c.digest_time ?? standard]));
    const said = named(/“([^”]+群)”的日报时间是 (\d\d:\d\d)/);
    for (const [, chat, at] of said) expect(demo.get(chat ?? ""), chat).toBe(at);
    // Every demo group whose time differs from the default is named.
    const differing = [...demo].filter(([, at]) => at !== standard).map(([chat]) => chat);
    expect([...new Set(said.map(([, chat]) => chat))].sort()).toEqual(differing.sort());
  });

  it("are the sandbox's clock and buttons, and the windows of reports, duplicates and rebounds", () => {
    const start = formatTimeOfDay(startOfWorkday(new Date("2026-11-23T00:00:00Z"), TZ), TZ);
    for (const [, at] of named(/从当天 (\d\d:\d\d)/)) expect(at).toBe(start);
    for (const [button] of named(/到 \d\d:\d\d(?=[、”])/)) expect([T.toMorning, T.toEvening]).toContain(button);
    for (const [, minutes] of named(/同一人 (\d+) 分钟内/)) expect(Number(minutes) * 60_000).toBe(REPORT_WINDOW_MS);
    for (const [, hours] of named(/同地点 (\d+) 小时内/)) expect(Number(hours)).toBe(DUPLICATE_WINDOW_HOURS);
    for (const [, days] of named(/销项后 (\d+) 天内再现/)) expect(Number(days)).toBe(REBOUND_WINDOW_DAYS);
  });
});
