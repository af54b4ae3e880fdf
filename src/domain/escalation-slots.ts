/**
 * A leader group's escalation slots (clock-settings.ts `escalationTimes`) as instants: the times of day at which the
 * overdue issues that came due since the slot before are sent to it in one card.
 */

import { localDayMs } from "./deadline.ts";

const MINUTE_MS = 60_000;

/** The slot instants of the local day that contains `instant`, earliest first. */
function slotsOfDay(instant: Date, slots: readonly number[], timeZone: string): Date[] {
  const midnight = localDayMs(instant.getTime(), timeZone).from;
  return slots.map((m) => new Date(midnight + m * MINUTE_MS));
}

/**
 * The latest slot at or before `instant`: today's, or the last of the day before. `slots` are minutes after local
 * midnight, sorted, at least one.
 */
export function slotAtOrBefore(instant: Date, slots: readonly number[], timeZone: string): Date {
  const today = slotsOfDay(instant, slots, timeZone).filter((s) => s.getTime() <= instant.getTime());
  const yesterday = new Date(localDayMs(instant.getTime(), timeZone).from - 1);
  return today.at(-1) ?? (slotsOfDay(yesterday, slots, timeZone).at(-1) as Date);
}

/** The first slot at or after `instant`: today's, or the first of the next day. `slots` as for slotAtOrBefore. */
export function slotAtOrAfter(instant: Date, slots: readonly number[], timeZone: string): Date {
  const today = slotsOfDay(instant, slots, timeZone).find((s) => s.getTime() >= instant.getTime());
  return today ?? (slotsOfDay(new Date(localDayMs(instant.getTime(), timeZone).to), slots, timeZone)[0] as Date);
}
