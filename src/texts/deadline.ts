/**
 * How a deadline is worded — the one place for it. Two forms:
 *   - {@link deadlinePhrase}: "距整改期限还有 2 小时（今天 17:00 前）", "已超期 3 小时（期限 昨天 17:00）" — relative to a
 *     moment, for what is read at that moment: reminders, escalations, 待办, the digest's lists.
 *   - {@link deadlineDate}: "11月23日 17:00", an absolute time that stays true, for the issue card, which lives for days
 *     and is redrawn only when the issue changes.
 */

import { localDateString } from "../domain/deadline.ts";
import { formatDuration, formatTimeOfDay } from "./messages.ts";

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 3_600_000;

/** "11月23日" from "2026-11-23", with the year when it is not `thisYear` ("2027年1月3日"). */
export function shortDate(date: string, thisYear?: string): string {
  const [year = "", month = "", day = ""] = date.split("-");
  const md = `${Number(month)}月${Number(day)}日`;
  return thisYear === undefined || thisYear === year ? md : `${Number(year)}年${md}`;
}

/** An instant as a date and time that stays true: "11月23日 17:00" (with the year when it is not `now`'s). */
export function deadlineDate(at: Date, timeZone: string, now?: Date): string {
  const year = now ? localDateString(now, timeZone).slice(0, 4) : undefined;
  return `${shortDate(localDateString(at, timeZone), year)} ${formatTimeOfDay(at, timeZone)}`;
}

/** An instant seen from `now`: "今天 17:00", "明天 09:00", "昨天 17:00", otherwise "11月25日 17:00". */
export function timeFromNow(at: Date, now: Date, timeZone: string): string {
  const day = localDateString(at, timeZone);
  const relative: Record<string, string> = {
    [localDateString(now, timeZone)]: "今天",
    [localDateString(new Date(now.getTime() + DAY_MS), timeZone)]: "明天",
    [localDateString(new Date(now.getTime() - DAY_MS), timeZone)]: "昨天",
  };
  const name = relative[day];
  return name ? `${name} ${formatTimeOfDay(at, timeZone)}` : deadlineDate(at, timeZone, now);
}

/**
 * A deadline as seen at `now`, always with its time: "距整改期限还有 2 小时（今天 17:00 前）" before it, "已到整改期限（今天
 * 17:00）" within the minute around it, "已超期 3 小时（期限 今天 14:00）" after it.
 */
export function deadlinePhrase(deadline: Date, now: Date, timeZone: string): string {
  const left = deadline.getTime() - now.getTime();
  const when = timeFromNow(deadline, now, timeZone);
  if (Math.abs(left) < MINUTE_MS) return `已到整改期限（${when}）`;
  return left > 0
    ? `距整改期限还有 ${formatDuration(left)}（${when} 前）`
    : `已超期 ${formatDuration(-left)}（期限 ${when}）`;
}
