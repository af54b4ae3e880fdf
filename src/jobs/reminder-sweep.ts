import { replyCard } from "../commands/say.ts";

/**
 * The reminder ladder (behaviour §6) as a sweep: an idempotent function of `now` that sends whatever rung is due and was
 * not sent before.
 *
 * Rungs of an open issue (reported, assigned or accepted — a rectified issue waits for its verifier, not its
 * responder) with a deadline, timed by the ladder of the chat it was reported in (see clock-settings.ts):
 *   - before   deadline − beforeHours: the assignee (or, while nobody is assigned, the secretaries), in the issue
 *              thread; moot once the deadline has passed. A deadline inside quiet hours whose reminder would fall in
 *              them too is reminded an hour before they begin instead (beforeDeadlineAt in domain/quiet-hours.ts).
 *   - deadline at the deadline: assignee and secretaries, in the thread; moot once the escalation is due.
 *   - escalate due at deadline + escalateAfterHours, for the leader groups of the street above the grid (those bound
 *              to the nearest unit above it that has any), and sent at their next escalation slot (`escalationTimes`
 *              of those groups, default 09:00 and 14:00): a sweep sends, per street, every issue that came due at or
 *              before the latest slot, in one card, claimed once per slot (`escalate:<unitId>:<slot>`) so each slot
 *              gets one card however many sweeps, restarts or processes run in it; an issue that came due after that
 *              slot's card was sent waits for the next slot.
 *   - again    when a snooze (延后提醒) runs out, one more reminder in the thread, unless another rung fires then.
 * A parked issue (挂账/缓办, behaviour §2.17) has no rungs while it waits; on its day the sweep brings it back
 * (恢复办理, with a fresh deadline and a notice in its thread to its owner and the secretaries), claimed once per
 * issue and day (`unpark:<issueId>:<day>`).
 * A thread rung due in the quiet hours of the issue's chat waits for their end, and while they last none is sent;
 * escalation slots are not held back (the leader group chose them). A snooze holds the thread rungs (not the
 * escalation, which is for leaders). Each rung is claimed once per issue with the key `remind:<issueId>:<rung>` in
 * the transaction that queues its message, so restarts and concurrent instances send it once; a rung that became
 * moot (issue rectified or closed meanwhile) is neither claimed nor sent. Rungs more than a week late are dropped
 * (the evening digest lists every overdue issue anyway).
 *
 * nextReminderAt answers, from the same rules, when the next sweep would send something (the sandbox's clock).
 */

import { accountableOf } from "../commands/accountable.ts";
import { actOnIssue } from "../commands/act-on-issue.ts";
import type { JobDeps } from "../commands/deps.ts";
import { loadReminderView } from "../commands/reminder-view.ts";
import { snoozesEndedSince, snoozesOf } from "../commands/snooze-reminders.ts";
import { syncIssueCard } from "../commands/sync-issue-card.ts";
import type { Db } from "../db/client.ts";
import { claimOnce } from "../db/once.ts";
import { filedUnder, type Org, orgOf, unitChain } from "../db/org-queries.ts";
import { transaction } from "../db/transaction.ts";
import {
  type ClockSettings,
  clockSettings,
  ladderFor,
  MAX_BEFORE_HOURS,
  MAX_ESCALATE_AFTER_HOURS,
  type ReminderLadder,
} from "../domain/clock-settings.ts";
import { slotAtOrAfter, slotAtOrBefore } from "../domain/escalation-slots.ts";
import { REMINDED_STATUSES } from "../domain/lifecycle.ts";
import { isPastDeadline } from "../domain/metrics.ts";
import { afterQuietHours, beforeDeadlineAt, heldSince, isQuietAt, stretchesRemindedIn } from "../domain/quiet-hours.ts";
import { mergeRanges, type TimeRange } from "../domain/time-ranges.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { enqueue } from "../lark/outbox.ts";
import { type EscalationItem, escalationCards, type ReminderStage, reminderCard } from "../presenters/reminder-card.ts";
import { inChunks } from "../reports/stats-scope.ts";
import { escalationSummary, RUNG_LABELS, returnSummary } from "../texts/sweeps.ts";
import { claimedKeys, claimWhile } from "./claims.ts";
import { type Job, jobContext, type SweepNotice, type SweepOptions } from "./job.ts";

/** A rung is dropped when it is this late. */
const STALE_AFTER_MS = 7 * 24 * 3_600_000;
const HOUR_MS = 3_600_000;

/** Every rung of the ladder. */
export type ReminderRung = ReminderStage | "escalate";

/** Claim key of one rung of one issue; a snooze's reminder is keyed by the snooze's end. */
export function reminderKey(issueId: number, rung: ReminderRung, snoozeEnd?: Date, round = 0): string {
  if (rung === "again") return `remind:${issueId}:again:${snoozeEnd?.getTime() ?? 0}`;
  // After an approved extension (behaviour §2.15) the ladder runs again for the new deadline: one round per extension.
  return round > 0 ? `remind:${issueId}:${rung}:x${round}` : `remind:${issueId}:${rung}`;
}

/** Claim key of the escalation card of one slot for the leader groups of one unit. */
function slotKey(unitId: number, slot: Date): string {
  return `escalate:${unitId}:${slot.toISOString()}`;
}

/** The columns a sweep reads; names come from the org snapshot. */
const CANDIDATE_SELECT = {
  id: true,
  number: true,
  deadline: true,
  gridId: true,
  pointId: true,
  categoryId: true,
  sourceChatId: true,
  sourceMessageId: true,
  extensionCount: true,
} as const;

type CandidateRow = Prisma.IssueGetPayload<{ select: typeof CANDIDATE_SELECT }>;

/** An open issue a sweep looks at. */
interface Candidate {
  id: number;
  /** Approved extensions: the round of the ladder (see reminderKey). */
  extensionCount: number;
  number: number;
  deadline: Date | null;
  gridId: number | null;
  sourceChatId: string | null;
  sourceMessageId: string | null;
  categoryCode: string | null;
  categoryName: string | null;
  gridName: string | null;
  pointName: string | null;
}

/** A thread reminder that is due for an issue. */
interface ThreadReminder {
  issue: Candidate;
  stage: ReminderStage;
  key: string;
  /** Claim keys the same message settles too (a snooze that ran out while a regular rung fires). */
  alsoSettles: string[];
}

/** Leader groups that escalations go to together: those bound to one unit, with the union of their slots. */
interface LeaderTarget {
  unitId: number;
  chatIds: string[];
  /** Minutes after local midnight, sorted, at least one. */
  slots: readonly number[];
}

/** An issue's escalation: when it comes due, where it goes, and its line in the card (who answers for it is read when sent). */
interface Escalation {
  issueId: number;
  /** The round of the ladder (see reminderKey). */
  round: number;
  dueAt: Date;
  target: LeaderTarget;
  item: Omit<EscalationItem, "accountable">;
}

/** The escalations due for one target at one slot. */
interface SlotGroup {
  target: LeaderTarget;
  slot: Date;
  escalations: Escalation[];
}

/** What the ladder reads for a sweep (or a look ahead): the candidate issues with their ladder, snooze and escalation. */
interface LadderState {
  chatName(chatId: string): string;
  candidates: Candidate[];
  snoozes: Map<number, Date>;
  ladderOf(issue: Candidate): ReminderLadder;
  escalationOf(issue: Candidate): Escalation | undefined;
}

/**
 * Open issues a sweep must look at. Without `since` (a full sweep, at start and every hour): every one whose rungs
 * may fall between `from` (a week late at most) and `until` (null: any time later). With `since` (the sweeps in
 * between): only those with a thread rung that came due after `since` (or was held by quiet hours that ended since),
 * a snooze that ran out since, or a change since — and, when a leader group's escalation slot passed since, every
 * one that may be due for escalation. So a minute's sweep reads what that minute made due, however many issues the
 * database holds; the claims still decide what is sent.
 */
async function loadCandidates(
  db: Db,
  window: { from: Date; until: Date | null; since?: Date; timeZone: string },
  ladders: readonly ReminderLadder[],
  slotPassed: boolean,
): Promise<CandidateRow[]> {
  const open = { status: { in: [...REMINDED_STATUSES] }, parkKind: null };
  const earliest = new Date(window.from.getTime() - STALE_AFTER_MS - (MAX_ESCALATE_AFTER_HOURS + 24) * HOUR_MS);
  const latest = window.until === null ? undefined : new Date(window.until.getTime() + MAX_BEFORE_HOURS * HOUR_MS);
  const { since, until } = window;
  if (since === undefined || until === null || slotPassed) {
    return db.issue.findMany({
      where: { ...open, deadline: { gte: earliest, lte: latest } },
      select: CANDIDATE_SELECT,
    });
  }
  // Where each ladder's look starts: `since`, or before the quiet hours that just ended.
  const starts = ladders.map((ladder) => heldSince(since, until, ladder.quietHours, window.timeZone).getTime());
  const ranges: TimeRange[] = ladders.flatMap((ladder, i) => {
    const start = starts[i] ?? since.getTime();
    const shift = (hours: number) => ({
      gt: new Date(start + hours * HOUR_MS),
      lte: new Date(until.getTime() + hours * HOUR_MS),
    });
    return [...(ladder.beforeHours > 0 ? [shift(ladder.beforeHours)] : []), ...(ladder.atDeadline ? [shift(0)] : [])];
  });
  // Deadlines inside quiet hours whose early reminder came due since (see beforeDeadlineAt).
  for (const ladder of ladders.filter((l) => l.beforeHours > 0)) {
    for (const { start, end } of stretchesRemindedIn(since, until, ladder.quietHours, window.timeZone)) {
      ranges.push({ gt: new Date(start.getTime() - 1), lte: new Date(end.getTime() - 1) });
    }
  }
  // Deadlines that passed since: their cards are redrawn whatever the ladder says.
  ranges.push({ gt: since, lte: until });
  const lookedFrom = new Date(Math.min(since.getTime(), ...starts));
  const snoozed = [...(await snoozesEndedSince(db, lookedFrom, until))];
  const rows = [
    ...(await Promise.all(
      mergeRanges(ranges).map((deadline) =>
        db.issue.findMany({ where: { ...open, deadline }, select: CANDIDATE_SELECT }),
      ),
    )),
    await changedSince(db, lookedFrom),
    snoozed.length
      ? await db.issue.findMany({ where: { ...open, id: { in: snoozed } }, select: CANDIDATE_SELECT })
      : [],
  ].flat();
  return [...new Map(rows.map((r) => [r.id, r])).values()];
}

/** A candidate row with the names the cards show, from the org snapshot. */
function candidateOf(org: Org, row: CandidateRow): Candidate {
  const { category, grid, point } = filedUnder(org, row);
  return {
    ...row,
    categoryCode: category?.code ?? null,
    categoryName: category?.name ?? null,
    gridName: grid?.name ?? null,
    pointName: point?.name ?? null,
  };
}

/** Open issues whose history gained an event after `since` (a new deadline, a status sent back…). */
async function changedSince(db: Db, since: Date): Promise<CandidateRow[]> {
  const events = await db.issueEvent.findMany({ where: { at: { gt: since } }, select: { issueId: true } });
  const ids = [...new Set(events.map((e) => e.issueId))];
  const rows = await inChunks(ids, (slice) =>
    db.issue.findMany({
      where: { id: { in: slice }, status: { in: [...REMINDED_STATUSES] }, parkKind: null, deadline: { not: null } },
      select: CANDIDATE_SELECT,
    }),
  );
  return rows;
}

/** Every ladder in force: the default, each chat's, and their category overrides. */
function laddersInForce(settings: Iterable<ClockSettings>): ReminderLadder[] {
  return [...settings].flatMap((s) => [s.reminders, ...s.categoryReminders.values()]).filter((l) => l.enabled);
}

async function loadLadderState(
  db: Db,
  window: { from: Date; until: Date | null; since?: Date; timeZone: string },
): Promise<LadderState> {
  const bindings = await db.chatBinding.findMany({
    select: { chatId: true, name: true, unitId: true, purpose: true, settings: true },
    orderBy: { id: "asc" },
  });
  const settingsByChat = new Map(bindings.map((b) => [b.chatId, clockSettings(b.settings)]));
  const defaults = clockSettings({});
  const settingsOf = (chatId: string | null): ClockSettings => settingsByChat.get(chatId ?? "") ?? defaults;

  const leaderChats = new Map<number, string[]>();
  for (const b of bindings) {
    if (b.purpose === "leader") leaderChats.set(b.unitId, [...(leaderChats.get(b.unitId) ?? []), b.chatId]);
  }
  const org = await orgOf(db);
  const targets = new Map<number, LeaderTarget | undefined>();
  const targetOf = (unitId: number): LeaderTarget | undefined => {
    if (!targets.has(unitId)) {
      const chatIds = leaderChats.get(unitId);
      const slots = [...new Set(chatIds?.flatMap((c) => settingsOf(c).escalationTimes))].sort((a, b) => a - b);
      targets.set(unitId, chatIds && { unitId, chatIds, slots });
    }
    return targets.get(unitId);
  };
  const ladderOf = (issue: Candidate) => ladderFor(settingsOf(issue.sourceChatId), issue.categoryCode);

  const { since } = window;
  const slotPassed =
    since !== undefined &&
    [...leaderChats.keys()].some((unitId) => {
      const slots = targetOf(unitId)?.slots ?? [];
      return slots.length > 0 && slotAtOrBefore(window.until ?? since, slots, window.timeZone) > since;
    });
  const rows = await loadCandidates(db, window, laddersInForce([defaults, ...settingsByChat.values()]), slotPassed);
  // Earliest deadline first: the order of reminders and of the lines of an escalation card.
  const candidates = rows
    .map((row) => candidateOf(org, row))
    .sort((a, b) => (a.deadline?.getTime() ?? 0) - (b.deadline?.getTime() ?? 0) || a.id - b.id);
  const snoozes = await snoozesOf(
    db,
    candidates.map((c) => c.id),
  );

  return {
    chatName: (chatId) => bindings.find((b) => b.chatId === chatId)?.name ?? chatId,
    candidates,
    snoozes,
    ladderOf,
    escalationOf(issue) {
      const ladder = ladderOf(issue);
      if (!ladder.enabled || ladder.escalateAfterHours === 0 || issue.deadline === null || issue.gridId === null) {
        return undefined;
      }
      const chain = unitChain(org, issue.gridId);
      const target = chain
        .slice(1)
        .map((u) => targetOf(u.id))
        .find((t) => t !== undefined);
      if (!target) return undefined;
      return {
        issueId: issue.id,
        round: issue.extensionCount,
        dueAt: new Date(issue.deadline.getTime() + ladder.escalateAfterHours * HOUR_MS),
        target,
        item: {
          number: issue.number,
          category: issue.categoryName,
          community: chain.find((u) => u.level === "community")?.name ?? null,
          grid: issue.gridName,
          point: issue.pointName,
          deadline: issue.deadline,
        },
      };
    },
  };
}

/**
 * Sends the reminder rungs due at `now` that were not sent before, and reports them. With `dryRun` it only reports
 * what it would send (nothing is claimed).
 */
export async function runReminderSweep(deps: JobDeps, now: Date, options: SweepOptions = {}): Promise<SweepNotice[]> {
  const { db } = deps;
  const returned = await returnParked(deps, now, options);
  const state = await loadLadderState(db, { from: now, until: now, since: options.since, timeZone: deps.timeZone });
  const dues = state.candidates.map((issue) =>
    dueRungs(issue, state.ladderOf(issue), state.snoozes.get(issue.id), now, deps.timeZone),
  );
  const groups = slotGroups(state, now, deps.timeZone);
  const done = await claimedKeys(db, [
    ...dues.flatMap((d) => d.map((t) => t.key)),
    ...groups.flatMap((g) => [
      slotKey(g.target.unitId, g.slot),
      ...g.escalations.map((e) => reminderKey(e.issueId, "escalate", undefined, e.round)),
    ]),
  ]);
  // The first thread reminder of each issue not sent yet; a regular rung settles the snooze's reminder too.
  const threads = dues.flatMap((d) => {
    const open = d.filter((t) => !done.has(t.key));
    const first = open[0];
    if (!first) return [];
    return [{ ...first, alsoSettles: open.slice(1).map((t) => t.key) }];
  });

  const notices: SweepNotice[] = [...returned];
  for (const item of threads) {
    const chatId = item.issue.sourceChatId ?? "";
    const summary = `#${item.issue.number} ${RUNG_LABELS[item.stage]} → ${state.chatName(chatId)}`;
    if (options.dryRun || (await sendThreadReminder(deps, item, now))) notices.push({ key: item.key, chatId, summary });
  }

  if (!options.dryRun) await redrawPassedCards(deps, state.candidates, now);

  for (const group of groups) {
    // This slot's card went out already: what came due since waits for the next slot.
    if (done.has(slotKey(group.target.unitId, group.slot))) continue;
    const pending = group.escalations.filter((e) => !done.has(reminderKey(e.issueId, "escalate", undefined, e.round)));
    if (pending.length === 0) continue;
    const sent = options.dryRun ? pending : await sendEscalation(deps, { ...group, escalations: pending }, now);
    if (sent.length === 0) continue;
    for (const chatId of group.target.chatIds) {
      const summary = escalationSummary(
        sent.map((e) => e.item.number),
        state.chatName(chatId),
      );
      notices.push({ key: escalationMessageKey(chatId, group.slot), chatId, summary });
    }
  }
  return notices;
}

/** Claim key of a parked issue's return on its day (given in ms). */
function returnKey(issueId: number, until: Date): string {
  return `unpark:${issueId}:${until.getTime()}`;
}

/** Parked issues whose day has come by `now` (indexed by the day). */
function parkedDueBy(db: Db, now: Date) {
  return db.issue.findMany({
    where: { parkKind: { not: null }, parkedUntil: { lte: now }, status: { in: [...REMINDED_STATUSES] } },
    select: { id: true, number: true, parkedUntil: true, sourceChatId: true },
  });
}

/**
 * Brings back every parked issue whose day has come (behaviour §2.17): 恢复办理 as Riqing's own action, one
 * transaction each, claimed once per issue and day. With `dryRun` it only reports them.
 */
async function returnParked(deps: JobDeps, now: Date, options: SweepOptions): Promise<SweepNotice[]> {
  const notices: SweepNotice[] = [];
  const ctx = jobContext(deps, now);
  for (const issue of await parkedDueBy(deps.db, now)) {
    if (!issue.parkedUntil) continue;
    const key = returnKey(issue.id, issue.parkedUntil);
    const chatId = issue.sourceChatId ?? "";
    const notice = { key, chatId, summary: returnSummary(issue.number) };
    if (options.dryRun) {
      notices.push(notice);
      continue;
    }
    try {
      const returned = await transaction(deps.db, async (tx) => {
        if (!(await claimOnce(tx, key, "unpark", { issueId: issue.id }))) return false;
        const result = await actOnIssue(
          tx,
          { issueId: issue.id, actorOpenId: "", action: "unpark", bySystem: true },
          ctx,
        );
        return result.ok;
      });
      if (returned) notices.push(notice);
    } catch (error) {
      deps.log.warn({ err: error, issueId: issue.id }, "parked issue not returned; trying again on the next sweep");
    }
  }
  return notices;
}

/** Claim key of the redraw of an issue's card once its deadline (given in ms) has passed. */
function passedKey(issueId: number, deadline: Date): string {
  return `card-overdue:${issueId}:${deadline.getTime()}`;
}

/**
 * Redraws the card of every open issue whose deadline has passed (at most a week ago) and whose card was not redrawn
 * since: the card shows the deadline as a date, and now red and 已超期. Once per issue and deadline (a new deadline
 * is redrawn again when it passes); a patch notifies nobody, so quiet hours do not hold it back.
 */
async function redrawPassedCards(deps: JobDeps, candidates: readonly Candidate[], now: Date): Promise<void> {
  const passed = candidates.filter(
    (c): c is Candidate & { deadline: Date } =>
      c.deadline !== null && isPastDeadline(c.deadline, now) && now.getTime() - c.deadline.getTime() <= STALE_AFTER_MS,
  );
  const done = await claimedKeys(
    deps.db,
    passed.map((c) => passedKey(c.id, c.deadline)),
  );
  for (const issue of passed) {
    const key = passedKey(issue.id, issue.deadline);
    if (done.has(key)) continue;
    try {
      await transaction(deps.db, async (tx) => {
        if (await claimWhile(tx, key, "card.overdue", issue.id, REMINDED_STATUSES)) {
          await syncIssueCard(tx, issue.id, { now, timeZone: deps.timeZone }, { redrawOnly: true });
        }
      });
    } catch (error) {
      deps.log.warn({ err: error, issueId: issue.id }, "overdue card not redrawn; trying again on the next sweep");
    }
  }
}

/** Outbox key of the escalation card of one slot in one leader group. */
function escalationMessageKey(chatId: string, slot: Date): string {
  return `escalate:${chatId}:${slot.toISOString()}`;
}

/**
 * The escalations a sweep at `now` may send, by target: those that came due at or before the target's latest slot
 * (and are not more than a week past the slot they were due for).
 */
function slotGroups(state: LadderState, now: Date, timeZone: string): SlotGroup[] {
  const groups = new Map<number, SlotGroup>();
  for (const issue of state.candidates) {
    const escalation = state.escalationOf(issue);
    if (!escalation) continue;
    const { target, dueAt } = escalation;
    const slot = slotAtOrBefore(now, target.slots, timeZone);
    if (dueAt.getTime() > slot.getTime()) continue;
    if (now.getTime() - slotAtOrAfter(dueAt, target.slots, timeZone).getTime() > STALE_AFTER_MS) continue;
    const group = groups.get(target.unitId) ?? { target, slot, escalations: [] };
    group.escalations.push(escalation);
    groups.set(target.unitId, group);
  }
  return [...groups.values()];
}

/** The thread rungs of one issue due at `now`, in order of preference (see the top of this file). */
function dueRungs(
  issue: Candidate,
  ladder: ReminderLadder,
  snoozeEnd: Date | undefined,
  now: Date,
  timeZone: string,
): ThreadReminder[] {
  const { deadline } = issue;
  if (!ladder.enabled || deadline === null || isQuietAt(now, ladder.quietHours, timeZone)) return [];
  if (issue.sourceChatId === null || issue.sourceMessageId === null) return [];
  const t = now.getTime();
  if (snoozeEnd !== undefined && snoozeEnd.getTime() > t) return [];
  const fires = (at: number) => {
    const when = afterQuietHours(new Date(at), ladder.quietHours, timeZone).getTime();
    return when <= t && t - when <= STALE_AFTER_MS;
  };
  const escalateAt = deadline.getTime() + ladder.escalateAfterHours * HOUR_MS;
  const rung = (stage: ReminderStage, snooze?: Date): ThreadReminder => ({
    issue,
    stage,
    key: reminderKey(issue.id, stage, snooze, issue.extensionCount),
    alsoSettles: [],
  });
  const thread: ThreadReminder[] = [];
  const beforeAt = beforeDeadlineAt(deadline, ladder.beforeHours, ladder.quietHours, timeZone).getTime();
  if (ladder.beforeHours > 0 && t < deadline.getTime() && fires(beforeAt)) {
    thread.push(rung("before"));
  } else if (ladder.atDeadline && (ladder.escalateAfterHours === 0 || t < escalateAt) && fires(deadline.getTime())) {
    thread.push(rung("deadline"));
  }
  if (snoozeEnd !== undefined && fires(snoozeEnd.getTime())) thread.push(rung("again", snoozeEnd));
  return thread;
}

/**
 * The first instant after `after` (and not after `until`, unless null) at which a reminder sweep would send something
 * not sent yet, as things stand: a thread rung — including one held by a snooze or the quiet hours until they end —
 * or an escalation slot with issues due for it. What is due at `after` already is left to the sweep at `after`. Null
 * when there is none. Reads only; claims nothing.
 */
async function nextReminderAt(
  deps: Pick<JobDeps, "db" | "timeZone">,
  after: Date,
  until: Date | null,
): Promise<Date | null> {
  const { timeZone } = deps;
  const state = await loadLadderState(deps.db, { from: after, until, timeZone });
  const a = after.getTime();
  const escalations = state.candidates.flatMap((issue) => state.escalationOf(issue) ?? []);
  const latestSlot = (target: LeaderTarget) => slotAtOrBefore(after, target.slots, timeZone);
  const done = await claimedKeys(deps.db, [
    ...state.candidates.flatMap((issue) => {
      const snooze = state.snoozes.get(issue.id);
      return [
        reminderKey(issue.id, "before", undefined, issue.extensionCount),
        reminderKey(issue.id, "deadline", undefined, issue.extensionCount),
        ...(snooze ? [reminderKey(issue.id, "again", snooze)] : []),
      ];
    }),
    ...escalations.flatMap((e) => [
      reminderKey(e.issueId, "escalate", undefined, e.round),
      slotKey(e.target.unitId, latestSlot(e.target)),
    ]),
  ]);

  let best = until?.getTime() ?? Number.POSITIVE_INFINITY;
  let found = false;
  const consider = (at: number) => {
    if (at > a && at <= best) {
      best = at;
      found = true;
    }
  };
  for (const issue of state.candidates) {
    const ladder = state.ladderOf(issue);
    const snooze = state.snoozes.get(issue.id);
    // A thread rung can only become due when one fires, a snooze runs out or the quiet hours end.
    const raw = isQuietAt(after, ladder.quietHours, timeZone) ? [a] : [];
    if (issue.deadline) {
      const beforeAt = beforeDeadlineAt(issue.deadline, ladder.beforeHours, ladder.quietHours, timeZone);
      raw.push(issue.deadline.getTime(), beforeAt.getTime());
    }
    if (snooze) raw.push(snooze.getTime());
    const first = raw
      .map((t) => afterQuietHours(new Date(t), ladder.quietHours, timeZone).getTime())
      .filter((t) => t > a && t <= best)
      .sort((x, y) => x - y)
      .find((t) => dueRungs(issue, ladder, snooze, new Date(t), timeZone).some((r) => !done.has(r.key)));
    if (first !== undefined) consider(first);
  }
  for (const { issueId, round, dueAt, target } of escalations) {
    if (done.has(reminderKey(issueId, "escalate", undefined, round))) continue;
    const dueSlot = slotAtOrAfter(dueAt, target.slots, timeZone).getTime();
    // Due by the latest slot, it is the sweep at `after`'s to send — unless that slot had its card: then the next.
    const at =
      dueSlot > a
        ? dueSlot
        : done.has(slotKey(target.unitId, latestSlot(target)))
          ? slotAtOrAfter(new Date(a + 1), target.slots, timeZone).getTime()
          : undefined;
    if (at !== undefined && at - dueSlot <= STALE_AFTER_MS) consider(at);
  }
  const parked = await deps.db.issue.findFirst({
    where: {
      parkKind: { not: null },
      parkedUntil: { gt: after, ...(until && { lte: until }) },
      status: { in: [...REMINDED_STATUSES] },
    },
    orderBy: { parkedUntil: "asc" },
    select: { parkedUntil: true },
  });
  if (parked?.parkedUntil) consider(parked.parkedUntil.getTime());
  return found ? new Date(best) : null;
}

/** Queues one thread reminder, claimed in the same transaction. False when it was claimed elsewhere or became moot. */
async function sendThreadReminder(deps: JobDeps, item: ThreadReminder, now: Date): Promise<boolean> {
  const { issue, stage } = item;
  const chatId = issue.sourceChatId;
  const messageId = issue.sourceMessageId;
  if (chatId === null || messageId === null) return false;
  try {
    return await transaction(deps.db, async (tx) => {
      if (!(await claimWhile(tx, item.key, "reminder", issue.id, REMINDED_STATUSES))) return false;
      // A regular rung firing when a snooze runs out stands for the snooze's reminder as well.
      for (const key of item.alsoSettles) await claimOnce(tx, key, "reminder", { issueId: issue.id });
      const view = await loadReminderView(tx, issue.id, stage);
      if (!view) return false;
      const content = reminderCard(view, now, deps.timeZone);
      await replyCard(tx, { key: item.key, chatId, messageId, card: content, inThread: true });
      return true;
    });
  } catch (error) {
    deps.log.warn({ err: error, issueId: issue.id, stage }, "reminder not sent; trying again on the next sweep");
    return false;
  }
}

/**
 * Claims one slot of a target and the escalations of its issues, and queues one card per leader group listing those
 * it claimed, in one transaction. A slot claimed elsewhere sends nothing; a slot whose issues all became moot is
 * given back.
 */
async function sendEscalation(deps: JobDeps, group: SlotGroup, now: Date): Promise<Escalation[]> {
  const { target, slot } = group;
  try {
    return await transaction(deps.db, async (tx) => {
      const key = slotKey(target.unitId, slot);
      if (!(await claimOnce(tx, key, "reminder.escalation", { unitId: target.unitId, slot: slot.toISOString() }))) {
        return [];
      }
      const claimed: Escalation[] = [];
      for (const escalation of group.escalations) {
        const issueKey = reminderKey(escalation.issueId, "escalate", undefined, escalation.round);
        if (await claimWhile(tx, issueKey, "reminder", escalation.issueId, REMINDED_STATUSES)) claimed.push(escalation);
      }
      if (claimed.length === 0) {
        await tx.jobRun.delete({ where: { key } });
        return [];
      }
      const accountable = await accountableOf(
        tx,
        claimed.map((c) => c.issueId),
      );
      const items = claimed.flatMap((c) => {
        const people = accountable.get(c.issueId);
        return people ? [{ ...c.item, accountable: people }] : [];
      });
      const cards = escalationCards(items, now, deps.timeZone);
      for (const chatId of target.chatIds) {
        for (const [i, content] of cards.entries()) {
          await enqueue(tx, {
            key: `${escalationMessageKey(chatId, slot)}${i === 0 ? "" : `:p${i + 1}`}`,
            kind: "send",
            chatId,
            target: chatId,
            msgType: "interactive",
            content: JSON.stringify(content),
          });
        }
      }
      return claimed;
    });
  } catch (error) {
    deps.log.warn({ err: error, chatIds: target.chatIds }, "escalation not sent; trying again on the next sweep");
    return [];
  }
}

/** The reminder ladder: before the deadline, at it, and the escalation to the leader groups. */
export const reminderJob: Job = {
  name: "reminder.ladder",
  schedule: "* * * * *",
  run: runReminderSweep,
  nextDueAt: nextReminderAt,
};
