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
import { loadReminderViews } from "../commands/reminder-view.ts";
import { snoozeEndSql } from "../commands/snooze-reminders.ts";
import { syncIssueCard } from "../commands/sync-issue-card.ts";
import type { Db } from "../db/client.ts";
import { claimedKeys, claimOnce } from "../db/once.ts";
import { filedUnder, type Org, orgOf, unitChain } from "../db/org-queries.ts";
import { dialectOf } from "../db/sql-dialect.ts";
import { transaction } from "../db/transaction.ts";
import { type ClockSettings, clockSettings, ladderFor, MAX_ESCALATE_AFTER_HOURS } from "../domain/clock-settings.ts";
import { slotAtOrBefore } from "../domain/escalation-slots.ts";
import { REMINDED_STATUSES } from "../domain/lifecycle.ts";
import {
  nextReminderAttention,
  nextReminderSend,
  REMINDER_STALE_MS,
  type ReminderDone,
  type ReminderFacts,
  type RemindersDue,
  remindersDueAt,
} from "../domain/sweep-schedule.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { enqueue } from "../lark/outbox.ts";
import { type EscalationItem, escalationCards, type ReminderStage, reminderCard } from "../presenters/reminder-card.ts";
import { escalationSummary, RUNG_LABELS, returnSummary } from "../texts/sweeps.ts";
import { claimAllWhile } from "./claims.ts";
import { type Job, jobContext, type SweepNotice, type SweepOptions } from "./job.ts";
import { type IndexedRow, indexedColumns, type OrgReview, orgReview, setIndex } from "./sweep-index.ts";

/** The name the reminder sweep keeps its index under (see sweep-index.ts). */
const REMINDER_INDEX = "reminder";

const HOUR_MS = 3_600_000;

/** Every rung of the ladder. */
export type ReminderRung = ReminderStage | "escalate";

/** Claim key of one rung of one issue; a snooze's reminder is keyed by the snooze's end. */
export function reminderKey(issueId: number, rung: ReminderRung, snoozeEnd?: Date, round = 0): string {
  if (rung === "again") return `remind:${issueId}:again:${snoozeEnd?.getTime() ?? 0}`;
  // After an approved extension (behaviour §2.15) the ladder runs again for the new deadline: one round per extension.
  return round > 0 ? `remind:${issueId}:${rung}:x${round}` : `remind:${issueId}:${rung}`;
}

/** Slots as ISO text, by Unix milliseconds: a sweep asks for the same few slots' keys for every issue it reads. */
const slotTexts = new Map<number, string>();

/** Claim key of the escalation card of one slot for the leader groups of one unit. */
function slotKey(unitId: number, slot: Date): string {
  let text = slotTexts.get(slot.getTime());
  if (text === undefined) {
    if (slotTexts.size >= 1_000) slotTexts.clear();
    text = slot.toISOString();
    slotTexts.set(slot.getTime(), text);
  }
  return `escalate:${unitId}:${text}`;
}

/** An issue as a sweep reads it (readCandidates), times in Unix milliseconds; names come from the org snapshot. */
interface CandidateRow extends IndexedRow {
  number: number;
  deadline: number | null;
  gridId: number | null;
  pointId: number | null;
  categoryId: number | null;
  sourceChatId: string | null;
  sourceMessageId: string | null;
  extensionCount: number;
  status: string;
  parkKind: string | null;
  /** Until when its reminders are put off, when it was ever snoozed (snoozeEndSql). */
  snoozeEnd: number | string | null;
}

/**
 * The issues matching `where` (SQL on "Issue") as a sweep reads them, with their snoozes, in one statement. Written
 * by hand like the statistics: Prisma's turning every DateTime into a Date through text cost more than the statement
 * (10,000 issues due at 1M).
 */
function readCandidates(db: Db, where: Prisma.Sql): Promise<CandidateRow[]> {
  const { epochMs } = dialectOf(db);
  return db.$queryRaw<CandidateRow[]>`
    SELECT ${indexedColumns(db, "nextReminderAt")}, "number", ${epochMs('"Issue"."deadline"')} AS "deadline",
      "gridId", "pointId", "categoryId", "sourceChatId", "sourceMessageId", "extensionCount", "status", "parkKind",
      ${snoozeEndSql(db)} AS "snoozeEnd"
    FROM "Issue" WHERE ${where}`;
}

/** The end of a row's snooze, if any. */
function snoozeOf(row: CandidateRow): Date | undefined {
  const end = row.snoozeEnd === null ? Number.NaN : Number(row.snoozeEnd);
  return Number.isFinite(end) ? new Date(end) : undefined;
}

/** An issue a sweep looks at. */
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
  /** Open and not parked: it has a ladder. */
  reminded: boolean;
  row: CandidateRow;
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

/** What the ladder reads for a sweep (or a look ahead): the issues it looks at with their ladder, snooze and escalation. */
interface LadderState {
  chatName(chatId: string): string;
  /** The open, unparked ones first among `looked`, earliest deadline first. */
  candidates: Candidate[];
  /** Every issue read, those without a ladder (closed, parked) included: the index is set for each. */
  looked: Candidate[];
  snoozes: Map<number, Date>;
  escalationOf(issue: Candidate): Escalation | undefined;
  factsOf(issue: Candidate): ReminderFacts;
  /** The org revision the state was read at, or null when the index is up to date with it. */
  review: OrgReview;
}

/** An issue's ladder has rungs when it is open and not parked (a parked one comes back by parkedUntil instead). */
function isReminded(row: CandidateRow): boolean {
  return REMINDED_STATUSES.some((s) => s === row.status) && row.parkKind === null;
}

/**
 * The issues a sweep at `now` looks at: those the index puts at or before `now` (something due, or changed since it
 * was last looked at); when the org or a chat's settings changed since the index was kept (`review`), every open one
 * whose rungs may still come due too (a week late at most).
 */
async function loadCandidates(db: Db, now: Date, review: OrgReview): Promise<CandidateRow[]> {
  const due = await readCandidates(db, Prisma.sql`"nextReminderAt" <= ${now}`);
  if (!review.stale) return due;
  const earliest = new Date(now.getTime() - REMINDER_STALE_MS - (MAX_ESCALATE_AFTER_HOURS + 24) * HOUR_MS);
  const open = await readCandidates(
    db,
    Prisma.sql`"status" IN (${Prisma.join(REMINDED_STATUSES)}) AND "parkKind" IS NULL AND "deadline" >= ${earliest}`,
  );
  return [...new Map([...due, ...open].map((r) => [r.id, r])).values()];
}

/** A candidate row with the names the cards show, from the org snapshot. */
function candidateOf(org: Org, row: CandidateRow): Candidate {
  const { category, grid, point } = filedUnder(org, row);
  // Field by field: spreading Prisma's rows (objects without a prototype) cost more than the rest of a sweep's reading.
  return {
    id: row.id,
    extensionCount: row.extensionCount,
    number: row.number,
    deadline: row.deadline === null ? null : new Date(row.deadline),
    gridId: row.gridId,
    sourceChatId: row.sourceChatId,
    sourceMessageId: row.sourceMessageId,
    categoryCode: category?.code ?? null,
    categoryName: category?.name ?? null,
    gridName: grid?.name ?? null,
    pointName: point?.name ?? null,
    reminded: isReminded(row),
    row,
  };
}

/** Reads the ladder's state for the issues `rows` says (the due ones by default) as they stand at `now`. */
async function loadLadderState(
  db: Db,
  now: Date,
  timeZone: string,
  rows?: (review: OrgReview) => Promise<CandidateRow[]>,
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
  const review = await orgReview(db, REMINDER_INDEX);
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

  const read = await (rows ?? ((r) => loadCandidates(db, now, r)))(review);
  // Earliest deadline first: the order of reminders and of the lines of an escalation card.
  const looked = read
    .map((row) => candidateOf(org, row))
    .sort((a, b) => (a.deadline?.getTime() ?? 0) - (b.deadline?.getTime() ?? 0) || a.id - b.id);
  const candidates = looked.filter((c) => c.reminded);
  const snoozes = new Map<number, Date>();
  for (const c of candidates) {
    const end = snoozeOf(c.row);
    if (end) snoozes.set(c.id, end);
  }
  const escalations = new Map<Candidate, Escalation | undefined>();
  const escalationOf = (issue: Candidate): Escalation | undefined => {
    if (!escalations.has(issue)) escalations.set(issue, escalationFor(issue));
    return escalations.get(issue);
  };
  // Where a grid's escalations go and the community a card names, once per grid.
  const grids = new Map<number, { target: LeaderTarget | undefined; community: string | null }>();
  const gridOf = (gridId: number) => {
    let grid = grids.get(gridId);
    if (!grid) {
      const chain = unitChain(org, gridId);
      grid = {
        target: chain
          .slice(1)
          .map((u) => targetOf(u.id))
          .find((t) => t !== undefined),
        community: chain.find((u) => u.level === "community")?.name ?? null,
      };
      grids.set(gridId, grid);
    }
    return grid;
  };
  const escalationFor = (issue: Candidate): Escalation | undefined => {
    const ladder = ladderOf(issue);
    if (!ladder.enabled || ladder.escalateAfterHours === 0 || issue.deadline === null || issue.gridId === null) {
      return undefined;
    }
    const { target, community } = gridOf(issue.gridId);
    if (!target) return undefined;
    return {
      issueId: issue.id,
      round: issue.extensionCount,
      dueAt: new Date(issue.deadline.getTime() + ladder.escalateAfterHours * HOUR_MS),
      target,
      item: {
        number: issue.number,
        category: issue.categoryName,
        community,
        grid: issue.gridName,
        point: issue.pointName,
        deadline: issue.deadline,
      },
    };
  };

  const facts = new Map<Candidate, ReminderFacts>();
  const chatNames = new Map(bindings.map((b) => [b.chatId, b.name]));
  return {
    chatName: (chatId) => chatNames.get(chatId) ?? chatId,
    candidates,
    looked,
    snoozes,
    escalationOf,
    factsOf(issue) {
      const known = facts.get(issue);
      if (known) return known;
      const escalation = escalationOf(issue);
      const found = {
        deadline: issue.deadline,
        inThread: issue.sourceChatId !== null && issue.sourceMessageId !== null,
        ladder: ladderOf(issue),
        snoozeEnd: snoozes.get(issue.id),
        escalation: escalation && { dueAt: escalation.dueAt, slots: escalation.target.slots },
        timeZone,
      };
      facts.set(issue, found);
      return found;
    },
    review,
  };
}

/** The claim keys that say what of an issue's ladder was done, as of `at` (the slot card: the latest slot's). */
function doneKeys(state: LadderState, issue: Candidate, at: Date, timeZone: string): string[] {
  const snooze = state.snoozes.get(issue.id);
  const escalation = state.escalationOf(issue);
  return [
    reminderKey(issue.id, "before", undefined, issue.extensionCount),
    reminderKey(issue.id, "deadline", undefined, issue.extensionCount),
    ...(snooze ? [reminderKey(issue.id, "again", snooze)] : []),
    ...(issue.deadline ? [passedKey(issue.id, issue.deadline)] : []),
    ...(escalation
      ? [
          reminderKey(issue.id, "escalate", undefined, escalation.round),
          slotKey(escalation.target.unitId, slotAtOrBefore(at, escalation.target.slots, timeZone)),
        ]
      : []),
  ];
}

/** What of an issue's ladder was done, from the claims `done` holds. */
function doneOf(state: LadderState, issue: Candidate, done: ReadonlySet<string>): ReminderDone {
  const snooze = state.snoozes.get(issue.id);
  const escalation = state.escalationOf(issue);
  return {
    thread: (stage) => done.has(reminderKey(issue.id, stage, snooze, issue.extensionCount)),
    escalation: escalation !== undefined && done.has(reminderKey(issue.id, "escalate", undefined, escalation.round)),
    redraw: issue.deadline !== null && done.has(passedKey(issue.id, issue.deadline)),
    slotCard: (slot) => escalation !== undefined && done.has(slotKey(escalation.target.unitId, slot)),
  };
}

/**
 * Sets the index of every issue the sweep at `now` looked at to when the sweep next has something to do for it
 * (nextReminderAttention), from the claims in `done` (a claim not looked up counts as not taken: the index then
 * comes earlier, never later, and the sweep at that time looks the claim up); an issue without a ladder gets none.
 * `dueNow` holds what is due at `now` for the issues the sweep worked it out for.
 */
async function keepIndex(
  deps: Pick<JobDeps, "db" | "timeZone">,
  state: LadderState,
  now: Date,
  done: ReadonlySet<string>,
  dueNow?: ReadonlyMap<Candidate, RemindersDue>,
): Promise<void> {
  await setIndex(
    deps.db,
    "nextReminderAt",
    now,
    state.looked.map((issue) => ({
      row: issue.row,
      next: issue.reminded
        ? nextReminderAttention(state.factsOf(issue), doneOf(state, issue, done), now, dueNow?.get(issue))
        : null,
    })),
  );
  state.review.kept();
}

/**
 * Sends the reminder rungs due at `now` that were not sent before, and reports them, reading only the issues the
 * index puts at or before `now`; then keeps the index of those it read. With `dryRun` it only reports what it would
 * send (nothing is claimed; the index is kept all the same).
 */
export async function runReminderSweep(deps: JobDeps, now: Date, options: SweepOptions = {}): Promise<SweepNotice[]> {
  const { db } = deps;
  const returned = await returnParked(deps, now, options);
  const state = await loadLadderState(db, now, deps.timeZone);
  const dueNow = new Map(state.candidates.map((c) => [c, remindersDueAt(state.factsOf(c), now)]));
  const dues = state.candidates.map((issue) =>
    (dueNow.get(issue)?.thread ?? []).map(
      (stage): ThreadReminder => ({
        issue,
        stage,
        key: reminderKey(issue.id, stage, state.snoozes.get(issue.id), issue.extensionCount),
        alsoSettles: [],
      }),
    ),
  );
  const groups = slotGroups(state, dueNow);
  const passed = state.candidates.filter(
    (c): c is Candidate & { deadline: Date } => c.deadline !== null && dueNow.get(c)?.redraw === true,
  );
  // Every claim the sweep looks at, once; what it claims itself is added as it goes (the index is set from them).
  const done = await claimedKeys(db, [
    ...dues.flatMap((d) => d.map((t) => t.key)),
    ...groups.flatMap((g) => [
      slotKey(g.target.unitId, g.slot),
      ...g.escalations.map((e) => reminderKey(e.issueId, "escalate", undefined, e.round)),
    ]),
    ...passed.map((c) => passedKey(c.id, c.deadline)),
  ]);
  // The first thread reminder of each issue not sent yet; a regular rung settles the snooze's reminder too.
  const threads = dues.flatMap((d) => {
    const open = d.filter((t) => !done.has(t.key));
    const first = open[0];
    if (!first) return [];
    return [{ ...first, alsoSettles: open.slice(1).map((t) => t.key) }];
  });

  const notices: SweepNotice[] = [...returned];
  for (const item of options.dryRun ? threads : await sendThreadReminders(deps, threads, now)) {
    const chatId = item.issue.sourceChatId ?? "";
    notices.push({
      key: item.key,
      chatId,
      summary: `#${item.issue.number} ${RUNG_LABELS[item.stage]} → ${state.chatName(chatId)}`,
    });
    if (!options.dryRun) for (const key of [item.key, ...item.alsoSettles]) done.add(key);
  }

  if (!options.dryRun) await redrawPassedCards(deps, passed, done, now);

  for (const group of groups) {
    // This slot's card went out already: what came due since waits for the next slot.
    if (done.has(slotKey(group.target.unitId, group.slot))) continue;
    const pending = group.escalations.filter((e) => !done.has(reminderKey(e.issueId, "escalate", undefined, e.round)));
    if (pending.length === 0) continue;
    const sent = options.dryRun ? pending : await sendEscalation(deps, { ...group, escalations: pending }, now);
    if (sent.length === 0) continue;
    if (!options.dryRun) {
      done.add(slotKey(group.target.unitId, group.slot));
      for (const e of sent) done.add(reminderKey(e.issueId, "escalate", undefined, e.round));
    }
    for (const chatId of group.target.chatIds) {
      const summary = escalationSummary(
        sent.map((e) => e.item.number),
        state.chatName(chatId),
      );
      notices.push({ key: escalationMessageKey(chatId, group.slot), chatId, summary });
    }
  }
  await keepIndex(deps, state, now, done, dueNow);
  return notices;
}

/** Claim key of a parked issue's return on its day (in Unix milliseconds). */
function returnKey(issueId: number, until: number): string {
  return `unpark:${issueId}:${until}`;
}

/**
 * Parked issues whose day has come by `now`, their day in Unix milliseconds, read by the index of the day: the status
 * is compared as `"status" || ''` so that SQLite (which keeps no statistics to choose by) does not read every open
 * issue by the index of the status instead.
 */
function parkedDueBy(db: Db, now: Date) {
  return db.$queryRaw<{ id: number; number: number; parkedUntil: number; sourceChatId: string | null }[]>`
    SELECT "id", "number", ${dialectOf(db).epochMs('"Issue"."parkedUntil"')} AS "parkedUntil", "sourceChatId"
    FROM "Issue" WHERE "parkKind" IS NOT NULL AND "parkedUntil" <= ${now}
      AND "status" || '' IN (${Prisma.join(REMINDED_STATUSES)})`;
}

/**
 * Brings back every parked issue whose day has come (behaviour §2.17): 恢复办理 as Riqing's own action, one
 * transaction each, claimed once per issue and day. With `dryRun` it only reports them.
 */
async function returnParked(deps: JobDeps, now: Date, options: SweepOptions): Promise<SweepNotice[]> {
  const notices: SweepNotice[] = [];
  const ctx = jobContext(deps, now);
  for (const issue of await parkedDueBy(deps.db, now)) {
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

/** Thread reminders (or cards redrawn) claimed and queued per transaction. */
const REMINDERS_PER_TRANSACTION = 50;

/** Claim key of the redraw of an issue's card once its deadline (given in ms) has passed. */
function passedKey(issueId: number, deadline: Date): string {
  return `card-overdue:${issueId}:${deadline.getTime()}`;
}

/**
 * Redraws the card of every open issue whose deadline has passed (at most a week ago) and whose card was not redrawn
 * since: the card shows the deadline as a date, and now red and 已超期. Once per issue and deadline (a new deadline
 * is redrawn again when it passes); a patch notifies nobody, so quiet hours do not hold it back.
 */
async function redrawPassedCards(
  deps: JobDeps,
  passed: readonly (Candidate & { deadline: Date })[],
  done: Set<string>,
  now: Date,
): Promise<void> {
  const due = passed
    .map((issue) => ({ keys: [passedKey(issue.id, issue.deadline)], issueId: issue.id }))
    .filter((w) => !w.keys.some((key) => done.has(key)));
  for (let i = 0; i < due.length; i += REMINDERS_PER_TRANSACTION) {
    const batch = due.slice(i, i + REMINDERS_PER_TRANSACTION);
    try {
      const redrawn = await transaction(deps.db, async (tx) => {
        const claimed = await claimAllWhile(tx, batch, "card.overdue", REMINDED_STATUSES);
        for (const w of claimed) {
          await syncIssueCard(tx, w.issueId, { now, timeZone: deps.timeZone }, { redrawOnly: true });
        }
        return claimed;
      });
      for (const w of redrawn) for (const key of w.keys) done.add(key);
    } catch (error) {
      const issueIds = batch.map((w) => w.issueId);
      deps.log.warn({ err: error, issueIds }, "overdue cards not redrawn; trying again on the next sweep");
    }
  }
}

/** Outbox key of the escalation card of one slot in one leader group. */
function escalationMessageKey(chatId: string, slot: Date): string {
  return `escalate:${chatId}:${slot.toISOString()}`;
}

/**
 * The escalations a sweep may send (what is due for each issue at its instant, `dueNow`), by target: those that came
 * due at or before the target's latest slot (and are not more than a week past the slot they were due for).
 */
function slotGroups(state: LadderState, dueNow: ReadonlyMap<Candidate, RemindersDue>): SlotGroup[] {
  const groups = new Map<number, SlotGroup>();
  for (const issue of state.candidates) {
    const escalation = state.escalationOf(issue);
    const slot = dueNow.get(issue)?.escalationSlot;
    if (!escalation || !slot) continue;
    const group = groups.get(escalation.target.unitId) ?? { target: escalation.target, slot, escalations: [] };
    group.escalations.push(escalation);
    groups.set(escalation.target.unitId, group);
  }
  return [...groups.values()];
}

/**
 * The first instant after `after` (and not after `until`, unless null) at which a reminder sweep would send something
 * not sent yet, as things stand (nextReminderSend of each issue), or a parked issue comes back. What is due at `after`
 * already is left to the sweep at `after`. Null when there is none. Claims and sends nothing; keeps the index of
 * what it read, as a sweep at `after` would.
 */
async function nextReminderAt(
  deps: Pick<JobDeps, "db" | "timeZone">,
  after: Date,
  until: Date | null,
): Promise<Date | null> {
  const { db, timeZone } = deps;
  // What the index puts at or before `after` (due, or changed since it was looked at): read and its index kept.
  const state = await loadLadderState(db, after, timeZone);
  await keepIndex(
    deps,
    state,
    after,
    await claimedKeys(
      db,
      state.candidates.flatMap((issue) => doneKeys(state, issue, after, timeZone)),
    ),
  );
  // Then what it puts later: a send comes no earlier than the index says.
  const later = await loadLadderState(db, after, timeZone, () =>
    readCandidates(
      db,
      Prisma.sql`"nextReminderAt" > ${after}${until ? Prisma.sql` AND "nextReminderAt" <= ${until}` : Prisma.empty}`,
    ),
  );
  let best = until?.getTime() ?? Number.POSITIVE_INFINITY;
  let found = false;
  const consider = (at: number) => {
    if (at > after.getTime() && at <= best) {
      best = at;
      found = true;
    }
  };
  for (const look of [state, later]) {
    const done = await claimedKeys(
      db,
      look.candidates.flatMap((issue) => doneKeys(look, issue, after, timeZone)),
    );
    for (const issue of look.candidates) {
      const at = nextReminderSend(look.factsOf(issue), doneOf(look, issue, done), after);
      if (at) consider(at.getTime());
    }
  }
  const parked = await db.issue.findFirst({
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

/**
 * Queues thread reminders, each claimed in the transaction that queues it, a batch per transaction: the batch's
 * claims in one insert, the issues' statuses and the cards' contents read together. A reminder claimed elsewhere or
 * become moot (claimAllWhile) is not sent; a batch that fails is tried again on the next sweep. The reminders queued.
 */
async function sendThreadReminders(
  deps: JobDeps,
  items: readonly ThreadReminder[],
  now: Date,
): Promise<ThreadReminder[]> {
  const inThread = items.filter((t) => t.issue.sourceChatId !== null && t.issue.sourceMessageId !== null);
  const sent: ThreadReminder[] = [];
  for (let i = 0; i < inThread.length; i += REMINDERS_PER_TRANSACTION) {
    const batch = inThread.slice(i, i + REMINDERS_PER_TRANSACTION);
    try {
      const queued = await transaction(deps.db, async (tx) => {
        // A regular rung firing when a snooze runs out stands for the snooze's reminder as well.
        const work = batch.map((item) => ({ item, keys: [item.key, ...item.alsoSettles], issueId: item.issue.id }));
        const claimed = await claimAllWhile(tx, work, "reminder", REMINDED_STATUSES);
        const views = await loadReminderViews(
          tx,
          claimed.map(({ item }) => ({ issueId: item.issue.id, stage: item.stage })),
        );
        const done: ThreadReminder[] = [];
        for (const { item } of claimed) {
          const view = views.get(item.issue.id);
          const { sourceChatId: chatId, sourceMessageId: messageId } = item.issue;
          if (!view || chatId === null || messageId === null) continue;
          const card = reminderCard(view, now, deps.timeZone);
          await replyCard(tx, { key: item.key, chatId, messageId, card, inThread: true });
          done.push(item);
        }
        return done;
      });
      sent.push(...queued);
    } catch (error) {
      const issueIds = batch.map((t) => t.issue.id);
      deps.log.warn({ err: error, issueIds }, "reminders not sent; trying again on the next sweep");
    }
  }
  return sent;
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
      const work = group.escalations.map((escalation) => ({
        escalation,
        keys: [reminderKey(escalation.issueId, "escalate", undefined, escalation.round)],
        issueId: escalation.issueId,
      }));
      const claimed = (await claimAllWhile(tx, work, "reminder", REMINDED_STATUSES)).map((w) => w.escalation);
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
