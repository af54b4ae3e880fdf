/**
 * When the reminder ladder and the 回头看 question have something to do for one issue (behaviour §6): what is due at
 * an instant, and the next instant something not done yet comes due. The sweeps send what `remindersDueAt` and
 * `lookbackDueAt` say; the sweeps' index (Issue.nextReminderAt, nextLookbackAt) holds what `nextReminderAttention`
 * and `nextLookbackAttention` say; the sandbox's clock steps to what `nextReminderSend` and `nextLookbackAttention`
 * say. One set of rules, so the index and the sweeps cannot disagree.
 */

import type { QuietHours, ReminderLadder } from "./clock-settings.ts";
import { slotAtOrAfter, slotAtOrBefore } from "./escalation-slots.ts";
import { isPastDeadline } from "./metrics.ts";
import { afterQuietHours, beforeDeadlineAt, isQuietAt } from "./quiet-hours.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A reminder rung, an escalation or a card's redraw this late is dropped. */
export const REMINDER_STALE_MS = 7 * DAY_MS;
/** A look-back this late is dropped. */
export const LOOKBACK_STALE_MS = 3 * DAY_MS;

/** A reminder in an issue's thread. */
export type ThreadStage = "before" | "deadline" | "again";

/** What decides the reminders of one open, unparked issue. */
export interface ReminderFacts {
  deadline: Date | null;
  /** The issue has a thread (its chat and message), where thread reminders go. */
  inThread: boolean;
  ladder: ReminderLadder;
  snoozeEnd: Date | undefined;
  /** The escalation's due time and the slots of the leader groups it goes to; none without one. */
  escalation: { dueAt: Date; slots: readonly number[] } | undefined;
  timeZone: string;
}

/** What was done already (claimed): each thread stage, the escalation, the card's redraw, a slot's card. */
export interface ReminderDone {
  thread(stage: ThreadStage): boolean;
  escalation: boolean;
  redraw: boolean;
  slotCard(slot: Date): boolean;
}

/** What is due at an instant, done or not. */
export interface RemindersDue {
  /** Thread reminders, in order of preference: the first not done is sent and settles the others. */
  thread: ThreadStage[];
  /** The slot whose card the escalation goes in. */
  escalationSlot: Date | undefined;
  /** The card shows the deadline passed and is redrawn. */
  redraw: boolean;
}

/** What of the ladder is due at `at` (see reminder-sweep.ts for the rules). */
export function remindersDueAt(facts: ReminderFacts, at: Date): RemindersDue {
  return {
    thread: threadDueAt(facts, at),
    escalationSlot: escalationSlotAt(facts, at),
    redraw:
      facts.deadline !== null &&
      isPastDeadline(facts.deadline, at) &&
      at.getTime() - facts.deadline.getTime() <= REMINDER_STALE_MS,
  };
}

function threadDueAt(facts: ReminderFacts, at: Date): ThreadStage[] {
  const { deadline, ladder, snoozeEnd, timeZone } = facts;
  if (!ladder.enabled || deadline === null || !facts.inThread || isQuietAt(at, ladder.quietHours, timeZone)) return [];
  const t = at.getTime();
  if (snoozeEnd !== undefined && snoozeEnd.getTime() > t) return [];
  const fires = (when: number) => {
    const held = afterQuietHours(new Date(when), ladder.quietHours, timeZone).getTime();
    return held <= t && t - held <= REMINDER_STALE_MS;
  };
  const escalateAt = deadline.getTime() + ladder.escalateAfterHours * HOUR_MS;
  const stages: ThreadStage[] = [];
  const beforeAt = beforeDeadlineAt(deadline, ladder.beforeHours, ladder.quietHours, timeZone).getTime();
  if (ladder.beforeHours > 0 && t < deadline.getTime() && fires(beforeAt)) {
    stages.push("before");
  } else if (ladder.atDeadline && (ladder.escalateAfterHours === 0 || t < escalateAt) && fires(deadline.getTime())) {
    stages.push("deadline");
  }
  if (snoozeEnd !== undefined && fires(snoozeEnd.getTime())) stages.push("again");
  return stages;
}

/** The latest slot at or before `at` when the escalation came due by it (and not more than a week before). */
function escalationSlotAt(facts: ReminderFacts, at: Date): Date | undefined {
  const { escalation, timeZone } = facts;
  if (!escalation) return undefined;
  const slot = slotAtOrBefore(at, escalation.slots, timeZone);
  if (escalation.dueAt.getTime() > slot.getTime()) return undefined;
  if (at.getTime() - slotAtOrAfter(escalation.dueAt, escalation.slots, timeZone).getTime() > REMINDER_STALE_MS) {
    return undefined;
  }
  return slot;
}

/** Whether something due (`due`, what is due at one instant) is not done: what a sweep then would send or redraw. */
function anyUndone(due: RemindersDue, done: ReminderDone): boolean {
  return (
    due.thread.some((stage) => !done.thread(stage)) ||
    (due.escalationSlot !== undefined && !done.escalation && !done.slotCard(due.escalationSlot)) ||
    (due.redraw && !done.redraw)
  );
}

/**
 * The first instant after `after` at which a sweep would send a reminder not sent yet, as things stand: a thread
 * rung (held by a snooze or the quiet hours until they end), or the escalation at a slot. What is due at `after`
 * already is left to the sweep at `after`. Null when there is none.
 */
export function nextReminderSend(facts: ReminderFacts, done: ReminderDone, after: Date): Date | null {
  const { deadline, ladder, snoozeEnd, escalation, timeZone } = facts;
  const a = after.getTime();
  let best: number | null = null;
  const consider = (at: number) => {
    if (at > a && (best === null || at < best)) best = at;
  };
  // A thread rung can only become due when one fires, a snooze runs out or the quiet hours end.
  const raw = isQuietAt(after, ladder.quietHours, timeZone) ? [a] : [];
  if (deadline)
    raw.push(deadline.getTime(), beforeDeadlineAt(deadline, ladder.beforeHours, ladder.quietHours, timeZone).getTime());
  if (snoozeEnd) raw.push(snoozeEnd.getTime());
  const thread = raw
    .map((t) => afterQuietHours(new Date(t), ladder.quietHours, timeZone).getTime())
    .filter((t) => t > a)
    .sort((x, y) => x - y)
    .find((t) => threadDueAt(facts, new Date(t)).some((stage) => !done.thread(stage)));
  if (thread !== undefined) consider(thread);
  if (escalation && !done.escalation) {
    const dueSlot = slotAtOrAfter(escalation.dueAt, escalation.slots, timeZone).getTime();
    // Due by the latest slot, it is the sweep at `after`'s to send — unless that slot had its card: then the next.
    const at =
      dueSlot > a
        ? dueSlot
        : done.slotCard(slotAtOrBefore(after, escalation.slots, timeZone))
          ? slotAtOrAfter(new Date(a + 1), escalation.slots, timeZone).getTime()
          : undefined;
    if (at !== undefined && at - dueSlot <= REMINDER_STALE_MS) consider(at);
  }
  return best === null ? null : new Date(best);
}

/**
 * When the reminder sweep next has something to do for the issue: `now` when something due at `now` is not done,
 * else the first instant after it when something comes due (a reminder, or the redraw of its card once the deadline
 * has passed); null when nothing lies ahead. What the sweeps' index holds. `due` is what is due at `now`, when the
 * caller worked it out already.
 */
export function nextReminderAttention(
  facts: ReminderFacts,
  done: ReminderDone,
  now: Date,
  due: RemindersDue = remindersDueAt(facts, now),
): Date | null {
  if (anyUndone(due, done)) return now;
  const send = nextReminderSend(facts, done, now)?.getTime();
  // A deadline passes the instant after it (isPastDeadline).
  const passes = facts.deadline === null || done.redraw ? undefined : facts.deadline.getTime() + 1;
  const times = [send, passes].filter((t): t is number => t !== undefined && t > now.getTime());
  return times.length > 0 ? new Date(Math.min(...times)) : null;
}

/** What decides the 回头看 of one closed issue that may be asked (see lookback-sweep.ts). */
export interface LookbackFacts {
  closedAt: Date;
  /** 0: the chat asks none. */
  lookbackDays: number;
  quietHours: QuietHours | null;
  timeZone: string;
}

/** Whether the look-back is due at `at`: its day has come (after the quiet hours), not three days ago. */
export function lookbackDueAt(facts: LookbackFacts, at: Date): boolean {
  if (facts.lookbackDays === 0 || isQuietAt(at, facts.quietHours, facts.timeZone)) return false;
  const day = new Date(facts.closedAt.getTime() + facts.lookbackDays * DAY_MS);
  const held = afterQuietHours(day, facts.quietHours, facts.timeZone).getTime();
  return held <= at.getTime() && at.getTime() - held <= LOOKBACK_STALE_MS;
}

/**
 * The first instant after `after` at which the look-back, not asked yet, comes due — on its day, or when the quiet
 * hours holding it end; what is due at `after` already is left to the sweep at `after`. Null when there is none.
 */
export function nextLookbackAsk(facts: LookbackFacts, asked: boolean, after: Date): Date | null {
  if (asked) return null;
  const a = after.getTime();
  const { quietHours, timeZone } = facts;
  const first = [
    facts.closedAt.getTime() + facts.lookbackDays * DAY_MS,
    ...(isQuietAt(after, quietHours, timeZone) ? [a] : []),
  ]
    .map((t) => afterQuietHours(new Date(t), quietHours, timeZone).getTime())
    .filter((t) => t > a)
    .sort((x, y) => x - y)
    .find((t) => lookbackDueAt(facts, new Date(t)));
  return first === undefined ? null : new Date(first);
}

/** `now` when the look-back is due at `now` and not asked, else {@link nextLookbackAsk}: what the index holds. */
export function nextLookbackAttention(facts: LookbackFacts, asked: boolean, now: Date): Date | null {
  if (!asked && lookbackDueAt(facts, now)) return now;
  return nextLookbackAsk(facts, asked, now);
}
