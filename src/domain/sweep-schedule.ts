/**
 * When the reminder ladder and the 回头看 question have something to do for one issue (behaviour §6): what is due at
 * an instant, and the next instant something not done yet comes due. The sweeps send what `remindersDueAt` and
 * `lookbackDueAt` say; the sweeps' index (Issue.nextReminderAt, nextLookbackAt) holds what `nextReminderAttention`
 * and `nextLookbackAttention` say; the sandbox's clock steps to what `nextReminderSend` and `nextLookbackAttention`
 * say. One set of rules, so the index and the sweeps cannot disagree. Instants are Unix milliseconds: a sweep works
 * them out for thousands of issues at a time.
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

/** What decides the reminders of one open, unparked issue; instants are Unix milliseconds. */
export interface ReminderFacts {
  deadline: number | null;
  /** The issue has a thread (its chat and message), where thread reminders go. */
  inThread: boolean;
  ladder: ReminderLadder;
  snoozeEnd: number | undefined;
  /** The escalation's due time and the slots of the leader groups it goes to; none without one. */
  escalation: { dueAt: number; slots: readonly number[] } | undefined;
  timeZone: string;
}

/** What was done already (claimed): each thread stage, the escalation, the card's redraw, a slot's card. */
export interface ReminderDone {
  thread(stage: ThreadStage): boolean;
  escalation: boolean;
  redraw: boolean;
  slotCard(slot: number): boolean;
}

/** What is due at an instant, done or not. */
export interface RemindersDue {
  /** Thread reminders, in order of preference: the first not done is sent and settles the others. */
  thread: ThreadStage[];
  /** The slot whose card the escalation goes in. */
  escalationSlot: number | undefined;
  /** The card shows the deadline passed and is redrawn. */
  redraw: boolean;
}

/** What of the ladder is due at `at` (see reminder-sweep.ts for the rules). */
export function remindersDueAt(facts: ReminderFacts, at: number): RemindersDue {
  return {
    thread: threadDueAt(facts, at),
    escalationSlot: escalationSlotAt(facts, at),
    redraw: facts.deadline !== null && isPastDeadline(facts.deadline, at) && at - facts.deadline <= REMINDER_STALE_MS,
  };
}

/** Whether a rung meant for `when` has come by `at` (held by the quiet hours until they end), and not a week ago. */
function fires(when: number, at: number, facts: ReminderFacts): boolean {
  const held = afterQuietHours(when, facts.ladder.quietHours, facts.timeZone);
  return held <= at && at - held <= REMINDER_STALE_MS;
}

function threadDueAt(facts: ReminderFacts, at: number): ThreadStage[] {
  const { deadline, ladder, snoozeEnd, timeZone } = facts;
  if (!ladder.enabled || deadline === null || !facts.inThread || isQuietAt(at, ladder.quietHours, timeZone)) return [];
  if (snoozeEnd !== undefined && snoozeEnd > at) return [];
  const escalateAt = deadline + ladder.escalateAfterHours * HOUR_MS;
  const stages: ThreadStage[] = [];
  if (
    ladder.beforeHours > 0 &&
    at < deadline &&
    fires(beforeDeadlineAt(deadline, ladder.beforeHours, ladder.quietHours, timeZone), at, facts)
  ) {
    stages.push("before");
  } else if (ladder.atDeadline && (ladder.escalateAfterHours === 0 || at < escalateAt) && fires(deadline, at, facts)) {
    stages.push("deadline");
  }
  if (snoozeEnd !== undefined && fires(snoozeEnd, at, facts)) stages.push("again");
  return stages;
}

/** The latest slot at or before `at` when the escalation came due by it (and not more than a week before). */
function escalationSlotAt(facts: ReminderFacts, at: number): number | undefined {
  const { escalation, timeZone } = facts;
  if (!escalation) return undefined;
  const slot = slotAtOrBefore(at, escalation.slots, timeZone);
  if (escalation.dueAt > slot) return undefined;
  if (at - slotAtOrAfter(escalation.dueAt, escalation.slots, timeZone) > REMINDER_STALE_MS) return undefined;
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
export function nextReminderSend(facts: ReminderFacts, done: ReminderDone, after: number): number | null {
  const { deadline, ladder, snoozeEnd, escalation, timeZone } = facts;
  let best: number | null = null;
  // A thread rung can only become due when one fires, a snooze runs out or the quiet hours end.
  const raw = [
    isQuietAt(after, ladder.quietHours, timeZone) ? after : null,
    deadline,
    deadline === null ? null : beforeDeadlineAt(deadline, ladder.beforeHours, ladder.quietHours, timeZone),
    snoozeEnd ?? null,
  ];
  for (const t of raw) {
    if (t === null) continue;
    const at = afterQuietHours(t, ladder.quietHours, timeZone);
    if (at > after && (best === null || at < best) && threadDueAt(facts, at).some((stage) => !done.thread(stage))) {
      best = at;
    }
  }
  if (escalation && !done.escalation) {
    const dueSlot = slotAtOrAfter(escalation.dueAt, escalation.slots, timeZone);
    // Due by the latest slot, it is the sweep at `after`'s to send — unless that slot had its card: then the next.
    const at =
      dueSlot > after
        ? dueSlot
        : done.slotCard(slotAtOrBefore(after, escalation.slots, timeZone))
          ? slotAtOrAfter(after + 1, escalation.slots, timeZone)
          : undefined;
    if (at !== undefined && at > after && at - dueSlot <= REMINDER_STALE_MS && (best === null || at < best)) best = at;
  }
  return best;
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
  now: number,
  due: RemindersDue = remindersDueAt(facts, now),
): number | null {
  if (anyUndone(due, done)) return now;
  const send = nextReminderSend(facts, done, now);
  // A deadline passes the instant after it (isPastDeadline).
  const passes = facts.deadline === null || done.redraw ? null : facts.deadline + 1;
  const later = [send, passes].filter((t): t is number => t !== null && t > now);
  return later.length > 0 ? Math.min(...later) : null;
}

/** What decides the 回头看 of one closed issue that may be asked (see lookback-sweep.ts); instants in Unix milliseconds. */
export interface LookbackFacts {
  closedAt: number;
  /** 0: the chat asks none. */
  lookbackDays: number;
  quietHours: QuietHours | null;
  timeZone: string;
}

/** Whether the look-back is due at `at`: its day has come (after the quiet hours), not three days ago. */
export function lookbackDueAt(facts: LookbackFacts, at: number): boolean {
  if (facts.lookbackDays === 0 || isQuietAt(at, facts.quietHours, facts.timeZone)) return false;
  const held = afterQuietHours(facts.closedAt + facts.lookbackDays * DAY_MS, facts.quietHours, facts.timeZone);
  return held <= at && at - held <= LOOKBACK_STALE_MS;
}

/**
 * The first instant after `after` at which the look-back, not asked yet, comes due — on its day, or when the quiet
 * hours holding it end; what is due at `after` already is left to the sweep at `after`. Null when there is none.
 */
export function nextLookbackAsk(facts: LookbackFacts, asked: boolean, after: number): number | null {
  if (asked) return null;
  const { quietHours, timeZone } = facts;
  const first = [
    facts.closedAt + facts.lookbackDays * DAY_MS,
    ...(isQuietAt(after, quietHours, timeZone) ? [after] : []),
  ]
    .map((t) => afterQuietHours(t, quietHours, timeZone))
    .filter((t) => t > after)
    .sort((x, y) => x - y)
    .find((t) => lookbackDueAt(facts, t));
  return first ?? null;
}

/** `now` when the look-back is due at `now` and not asked, else {@link nextLookbackAsk}: what the index holds. */
export function nextLookbackAttention(facts: LookbackFacts, asked: boolean, now: number): number | null {
  if (!asked && lookbackDueAt(facts, now)) return now;
  return nextLookbackAsk(facts, asked, now);
}
