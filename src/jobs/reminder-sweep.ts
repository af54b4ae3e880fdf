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
import { ladderFor, MAX_ESCALATE_AFTER_HOURS } from "../domain/clock-settings.ts";
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
  type ThreadStage,
} from "../domain/sweep-schedule.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { enqueue } from "../lark/outbox.ts";
import { type EscalationItem, escalationCards, type ReminderStage, reminderCard } from "../presenters/reminder-card.ts";
import { escalationSummary, RUNG_LABELS, returnSummary } from "../texts/sweeps.ts";
import { type ChatClocks, chatClocks } from "./chat-clocks.ts";
import { claimAllWhile } from "./claims.ts";
import { type Job, jobContext, type SweepNotice, type SweepOptions } from "./job.ts";
import { type IndexedRow, indexedValues, type OrgReview, orgReview, setIndex } from "./sweep-index.ts";

/** The name the reminder sweep keeps its index under (see sweep-index.ts). */
const REMINDER_INDEX = "reminder";

const HOUR_MS = 3_600_000;

/** Every rung of the ladder. */
export type ReminderRung = ReminderStage | "escalate";

/** Claim key of one rung of one issue; a snooze's reminder is keyed by the snooze's end (Unix milliseconds). */
export function reminderKey(issueId: number, rung: ReminderRung, snoozeEnd?: number, round = 0): string {
  if (rung === "again") return `remind:${issueId}:again:${snoozeEnd ?? 0}`;
  // After an approved extension (behaviour §2.15) the ladder runs again for the new deadline: one round per extension.
  return round > 0 ? `remind:${issueId}:${rung}:x${round}` : `remind:${issueId}:${rung}`;
}

/** Slots as ISO text, by Unix milliseconds: a sweep asks for the same few slots' keys for every issue it reads. */
const slotTexts = new Map<number, string>();

function slotText(slot: number): string {
  let text = slotTexts.get(slot);
  if (text === undefined) {
    if (slotTexts.size >= 1_000) slotTexts.clear();
    text = new Date(slot).toISOString();
    slotTexts.set(slot, text);
  }
  return text;
}

/** Slot claim keys by unit and slot: a sweep asks for the key of its latest slot for every escalation it reads. */
const slotKeys = new Map<number, Map<number, string>>();

/** Claim key of the escalation card of one slot (Unix milliseconds) for the leader groups of one unit. */
function slotKey(unitId: number, slot: number): string {
  let ofUnit = slotKeys.get(unitId);
  if (!ofUnit) {
    if (slotKeys.size >= 1_000) slotKeys.clear();
    ofUnit = new Map();
    slotKeys.set(unitId, ofUnit);
  }
  let key = ofUnit.get(slot);
  if (key === undefined) {
    if (ofUnit.size >= 100) ofUnit.clear();
    key = `escalate:${unitId}:${slotText(slot)}`;
    ofUnit.set(slot, key);
  }
  return key;
}

/** An issue as a sweep reads it (readCandidates), times in Unix milliseconds; names come from the org snapshot. */
type CandidateRow = [
  id: number,
  updatedAt: number,
  stored: number | null,
  number: number,
  deadline: number | null,
  gridId: number | null,
  pointId: number | null,
  categoryId: number | null,
  sourceChatId: string | null,
  sourceMessageId: string | null,
  extensionCount: number,
  status: string,
  parkKind: string | null,
  /** Until when its reminders are put off, when it was ever snoozed (snoozeEndSql). */
  snoozeEnd: number | string | null,
];

/**
 * The issues matching `where` (SQL on "Issue") as a sweep reads them, with their snoozes, in one statement. Written
 * by hand like the statistics (Prisma's turning every DateTime into a Date through text cost more than the
 * statement), and read as one JSON text (SqlDialect.jsonRows): 10,000 issues due at 1M.
 */
async function readCandidates(db: Db, where: Prisma.Sql): Promise<CandidateRow[]> {
  const { epochMs, jsonRows } = dialectOf(db);
  const values = [
    ...indexedValues(db, "nextReminderAt"),
    Prisma.sql`"number"`,
    epochMs('"Issue"."deadline"'),
    Prisma.sql`"gridId"`,
    Prisma.sql`"pointId"`,
    Prisma.sql`"categoryId"`,
    Prisma.sql`"sourceChatId"`,
    Prisma.sql`"sourceMessageId"`,
    Prisma.sql`"extensionCount"`,
    Prisma.sql`"status"`,
    Prisma.sql`"parkKind"`,
    snoozeEndSql(db),
  ];
  const [read] = await db.$queryRaw<
    { rows: string }[]
  >`SELECT ${jsonRows(values)} AS "rows" FROM "Issue" WHERE ${where}`;
  return JSON.parse(read?.rows ?? "[]") as CandidateRow[];
}

/** The end of a snooze as read, if any. */
function snoozeOf(snoozeEnd: number | string | null): number | undefined {
  const end = snoozeEnd === null ? Number.NaN : Number(snoozeEnd);
  return Number.isFinite(end) ? end : undefined;
}

/** Leader groups that escalations go to together: those bound to one unit, with the union of their slots. */
interface LeaderTarget {
  unitId: number;
  chatIds: string[];
  /** Minutes after local midnight, sorted, at least one. */
  slots: readonly number[];
}

/** Where a grid's escalations go (none without a leader group above it) and the community its cards name. */
interface GridEscalation {
  target: LeaderTarget | undefined;
  community: string | null;
}

/** What the ladder takes from one org snapshot, worked out once for it (see laddersOf). */
interface Ladders {
  org: Org;
  clocks: ChatClocks;
  /** Category codes by id: a chat's ladder may differ by category. */
  categoryCodes: ReadonlyMap<number, string>;
  /** The leader groups bound to each unit that has any. */
  targets: ReadonlyMap<number, LeaderTarget>;
  /** Each grid's escalation, filled as grids are asked for (gridEscalation). */
  grids: Map<number, GridEscalation>;
}

const laddersByOrg = new WeakMap<Org, Ladders>();

/** The ladder's view of the org snapshot `org`, made the first time it is asked for. */
function laddersOf(org: Org): Ladders {
  let ladders = laddersByOrg.get(org);
  if (!ladders) {
    const clocks = chatClocks(org);
    const leaderChats = new Map<number, string[]>();
    for (const b of org.bindings.values()) {
      if (b.purpose === "leader") leaderChats.set(b.unitId, [...(leaderChats.get(b.unitId) ?? []), b.chatId]);
    }
    const targets = new Map<number, LeaderTarget>();
    for (const [unitId, chatIds] of leaderChats) {
      const slots = [...new Set(chatIds.flatMap((c) => clocks.settingsOf(c).escalationTimes))].sort((a, b) => a - b);
      targets.set(unitId, { unitId, chatIds, slots });
    }
    ladders = {
      org,
      clocks,
      categoryCodes: new Map(org.categories.map((c) => [c.id, c.code])),
      targets,
      grids: new Map(),
    };
    laddersByOrg.set(org, ladders);
  }
  return ladders;
}

/** A grid's escalation: the leader groups of the nearest unit above it that has any. */
function gridEscalation(ladders: Ladders, gridId: number): GridEscalation {
  let grid = ladders.grids.get(gridId);
  if (!grid) {
    const chain = unitChain(ladders.org, gridId);
    grid = {
      target: chain
        .slice(1)
        .map((u) => ladders.targets.get(u.id))
        .find((t) => t !== undefined),
      community: chain.find((u) => u.level === "community")?.name ?? null,
    };
    ladders.grids.set(gridId, grid);
  }
  return grid;
}

/** An issue's escalation: when it comes due, the leader groups it goes to (and their slots), and its claim key. */
interface Escalation {
  dueAt: number;
  slots: readonly number[];
  target: LeaderTarget;
  key: string;
}

/** An issue a sweep looks at, with what decides its ladder (it is its own ReminderFacts) and its index as read. */
interface Candidate extends ReminderFacts, IndexedRow {
  number: number;
  /** Approved extensions: the round of the ladder (see reminderKey). */
  extensionCount: number;
  gridId: number | null;
  categoryId: number | null;
  pointId: number | null;
  sourceChatId: string | null;
  sourceMessageId: string | null;
  /** Open and not parked: it has a ladder. */
  reminded: boolean;
  escalation: Escalation | undefined;
  /** Claim key of its card's redraw once its deadline has passed (passedKey); none without a deadline. */
  passedKey: string | undefined;
}

/** An issue with an escalation, so with a deadline and a grid. */
type Escalated = Candidate & { deadline: number; gridId: number; escalation: Escalation };

function isEscalated(issue: Candidate): issue is Escalated {
  return issue.escalation !== undefined && issue.deadline !== null && issue.gridId !== null;
}

/** A thread reminder that is due for an issue. */
interface ThreadReminder {
  issue: Candidate;
  stage: ReminderStage;
  key: string;
  /** Claim keys the same message settles too (a snooze that ran out while a regular rung fires). */
  alsoSettles: string[];
}

/** The escalations due for one target at one slot (Unix milliseconds). */
interface SlotGroup {
  target: LeaderTarget;
  slot: number;
  issues: Escalated[];
}

/** What the ladder reads for a sweep (or a look ahead): the issues it looks at, as their ladders stand. */
interface LadderState {
  ladders: Ladders;
  /** The open, unparked ones first among `looked`, earliest deadline first. */
  candidates: Candidate[];
  /** Every issue read, those without a ladder (closed, parked) included: the index is set for each. */
  looked: Candidate[];
  /** The org revision the state was read at, or null when the index is up to date with it. */
  review: OrgReview;
}

/** An issue's ladder has rungs when it is open and not parked (a parked one comes back by parkedUntil instead). */
function isReminded(status: string, parkKind: string | null): boolean {
  return REMINDED_STATUSES.some((s) => s === status) && parkKind === null;
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
  return [...new Map([...due, ...open].map((r) => [r[0], r])).values()];
}

/** A candidate row with its ladder, snooze and escalation. */
function candidateOf(ladders: Ladders, row: CandidateRow, timeZone: string): Candidate {
  const [
    id,
    updatedAt,
    stored,
    number,
    deadline,
    gridId,
    pointId,
    categoryId,
    sourceChatId,
    sourceMessageId,
    extensionCount,
    status,
    parkKind,
    snoozeEnd,
  ] = row;
  const code = categoryId === null ? undefined : ladders.categoryCodes.get(categoryId);
  const ladder = ladderFor(ladders.clocks.settingsOf(sourceChatId), code ?? null);
  const target =
    ladder.enabled && ladder.escalateAfterHours !== 0 && deadline !== null && gridId !== null
      ? gridEscalation(ladders, gridId).target
      : undefined;
  return {
    id,
    updatedAt,
    stored,
    number,
    extensionCount,
    gridId,
    categoryId,
    pointId,
    sourceChatId,
    sourceMessageId,
    reminded: isReminded(status, parkKind),
    deadline,
    inThread: sourceChatId !== null && sourceMessageId !== null,
    ladder,
    snoozeEnd: snoozeOf(snoozeEnd),
    escalation:
      target && deadline !== null
        ? {
            dueAt: deadline + ladder.escalateAfterHours * HOUR_MS,
            slots: target.slots,
            target,
            key: reminderKey(id, "escalate", undefined, extensionCount),
          }
        : undefined,
    passedKey: deadline === null ? undefined : passedKey(id, deadline),
    timeZone,
  };
}

/** Reads the ladder's state for the issues `rows` says (the due ones by default) as they stand at `now`. */
async function loadLadderState(
  db: Db,
  now: Date,
  timeZone: string,
  rows?: (review: OrgReview) => Promise<CandidateRow[]>,
): Promise<LadderState> {
  const org = await orgOf(db);
  const review = orgReview(org, REMINDER_INDEX);
  const ladders = laddersOf(org);
  const read = await (rows ?? ((r) => loadCandidates(db, now, r)))(review);
  // Earliest deadline first: the order of reminders and of the lines of an escalation card.
  const looked = read
    .map((row) => candidateOf(ladders, row, timeZone))
    .sort((a, b) => (a.deadline ?? 0) - (b.deadline ?? 0) || a.id - b.id);
  return { ladders, candidates: looked.filter((c) => c.reminded), looked, review };
}

/** The claim keys that say what of an issue's ladder was done, as of `at` (the slot card: the latest slot's). */
function doneKeys(issue: Candidate, at: number): string[] {
  const { escalation } = issue;
  return [
    reminderKey(issue.id, "before", undefined, issue.extensionCount),
    reminderKey(issue.id, "deadline", undefined, issue.extensionCount),
    ...(issue.snoozeEnd !== undefined ? [reminderKey(issue.id, "again", issue.snoozeEnd)] : []),
    ...(issue.passedKey !== undefined ? [issue.passedKey] : []),
    ...(escalation
      ? [escalation.key, slotKey(escalation.target.unitId, slotAtOrBefore(at, escalation.slots, issue.timeZone))]
      : []),
  ];
}

/** What of an issue's ladder was done, from the claims a set holds (each key built when it is asked about). */
class LadderClaims implements ReminderDone {
  constructor(
    private readonly issue: Candidate,
    private readonly done: ReadonlySet<string>,
  ) {}

  thread(stage: ThreadStage): boolean {
    const { issue } = this;
    return this.done.has(reminderKey(issue.id, stage, issue.snoozeEnd, issue.extensionCount));
  }

  get escalation(): boolean {
    const { escalation } = this.issue;
    return escalation !== undefined && this.done.has(escalation.key);
  }

  get redraw(): boolean {
    const { passedKey } = this.issue;
    return passedKey !== undefined && this.done.has(passedKey);
  }

  slotCard(slot: number): boolean {
    const { escalation } = this.issue;
    return escalation !== undefined && this.done.has(slotKey(escalation.target.unitId, slot));
  }
}

/**
 * Sets the index of every issue the sweep at `now` looked at to when the sweep next has something to do for it
 * (nextReminderAttention), from the claims in `done` (a claim not looked up counts as not taken: the index then
 * comes earlier, never later, and the sweep at that time looks the claim up); an issue without a ladder gets none.
 * `dueNow` holds what is due at `now` for the issues the sweep worked it out for.
 */
async function keepIndex(
  deps: Pick<JobDeps, "db">,
  state: LadderState,
  now: Date,
  done: ReadonlySet<string>,
  dueNow?: ReadonlyMap<Candidate, RemindersDue>,
): Promise<void> {
  const t = now.getTime();
  await setIndex(
    deps.db,
    "nextReminderAt",
    now,
    state.looked.map((issue) => ({
      row: issue,
      next: issue.reminded ? nextReminderAttention(issue, new LadderClaims(issue, done), t, dueNow?.get(issue)) : null,
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
  const { clocks } = state.ladders;
  const dueNow = new Map<Candidate, RemindersDue>();
  for (const issue of state.candidates) dueNow.set(issue, remindersDueAt(issue, now.getTime()));
  const dues = state.candidates.map((issue) =>
    (dueNow.get(issue)?.thread ?? []).map(
      (stage): ThreadReminder => ({
        issue,
        stage,
        key: reminderKey(issue.id, stage, issue.snoozeEnd, issue.extensionCount),
        alsoSettles: [],
      }),
    ),
  );
  const groups = slotGroups(state.candidates, dueNow);
  const passed = state.candidates.filter(
    (c): c is Candidate & { passedKey: string } => c.passedKey !== undefined && dueNow.get(c)?.redraw === true,
  );
  // Every claim the sweep looks at, once; what it claims itself is added as it goes (the index is set from them).
  const done = await claimedKeys(db, [
    ...dues.flatMap((d) => d.map((t) => t.key)),
    ...groups.flatMap((g) => [slotKey(g.target.unitId, g.slot), ...g.issues.map((issue) => issue.escalation.key)]),
    ...passed.map((c) => c.passedKey),
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
      summary: `#${item.issue.number} ${RUNG_LABELS[item.stage]} → ${clocks.nameOf(chatId)}`,
    });
    if (!options.dryRun) for (const key of [item.key, ...item.alsoSettles]) done.add(key);
  }

  if (!options.dryRun) await redrawPassedCards(deps, passed, done, now);

  for (const group of groups) {
    // This slot's card went out already: what came due since waits for the next slot.
    if (done.has(slotKey(group.target.unitId, group.slot))) continue;
    const pending = group.issues.filter((issue) => !done.has(issue.escalation.key));
    if (pending.length === 0) continue;
    const sent = options.dryRun
      ? pending
      : await sendEscalation(deps, state.ladders, { ...group, issues: pending }, now);
    if (sent.length === 0) continue;
    if (!options.dryRun) {
      done.add(slotKey(group.target.unitId, group.slot));
      for (const issue of sent) done.add(issue.escalation.key);
    }
    for (const chatId of group.target.chatIds) {
      const summary = escalationSummary(
        sent.map((issue) => issue.number),
        clocks.nameOf(chatId),
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
 * Parked issues whose day has come by `now`, earliest first, their day in Unix milliseconds, read by the index of
 * the day: the status is compared as `"status" || ''` so that SQLite (which keeps no statistics to choose by) does
 * not read every open issue by the index of the status instead.
 */
function parkedDueBy(db: Db, now: Date) {
  return db.$queryRaw<{ id: number; number: number; parkedUntil: number; sourceChatId: string | null }[]>`
    SELECT "id", "number", ${dialectOf(db).epochMs('"Issue"."parkedUntil"')} AS "parkedUntil", "sourceChatId"
    FROM "Issue" WHERE "parkKind" IS NOT NULL AND "parkedUntil" <= ${now}
      AND "status" || '' IN (${Prisma.join(REMINDED_STATUSES)})
    ORDER BY "parkedUntil", "id"`;
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

/** Claim key of the redraw of an issue's card once its deadline (Unix milliseconds) has passed. */
function passedKey(issueId: number, deadline: number): string {
  return `card-overdue:${issueId}:${deadline}`;
}

/**
 * Redraws the card of every open issue whose deadline has passed (at most a week ago) and whose card was not redrawn
 * since: the card shows the deadline as a date, and now red and 已超期. Once per issue and deadline (a new deadline
 * is redrawn again when it passes); a patch notifies nobody, so quiet hours do not hold it back.
 */
async function redrawPassedCards(
  deps: JobDeps,
  passed: readonly (Candidate & { passedKey: string })[],
  done: Set<string>,
  now: Date,
): Promise<void> {
  const due = passed
    .map((issue) => ({ keys: [issue.passedKey], issueId: issue.id }))
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

/** Outbox key of the escalation card of one slot (Unix milliseconds) in one leader group. */
function escalationMessageKey(chatId: string, slot: number): string {
  return `escalate:${chatId}:${slotText(slot)}`;
}

/**
 * The escalations a sweep may send (what is due for each issue at its instant, `dueNow`), by target: those that came
 * due at or before the target's latest slot (and are not more than a week past the slot they were due for).
 */
function slotGroups(candidates: readonly Candidate[], dueNow: ReadonlyMap<Candidate, RemindersDue>): SlotGroup[] {
  const groups = new Map<number, SlotGroup>();
  for (const issue of candidates) {
    const slot = dueNow.get(issue)?.escalationSlot;
    if (!isEscalated(issue) || slot === undefined) continue;
    const { target } = issue.escalation;
    const group = groups.get(target.unitId) ?? { target, slot, issues: [] };
    group.issues.push(issue);
    groups.set(target.unitId, group);
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
  const a = after.getTime();
  // What the index puts at or before `after` (due, or changed since it was looked at): read and its index kept.
  const state = await loadLadderState(db, after, timeZone);
  await keepIndex(
    deps,
    state,
    after,
    await claimedKeys(
      db,
      state.candidates.flatMap((issue) => doneKeys(issue, a)),
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
    if (at > a && at <= best) {
      best = at;
      found = true;
    }
  };
  for (const look of [state, later]) {
    const done = await claimedKeys(
      db,
      look.candidates.flatMap((issue) => doneKeys(issue, a)),
    );
    for (const issue of look.candidates) {
      const at = nextReminderSend(issue, new LadderClaims(issue, done), a);
      if (at !== null) consider(at);
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
async function sendEscalation(deps: JobDeps, ladders: Ladders, group: SlotGroup, now: Date): Promise<Escalated[]> {
  const { target, slot } = group;
  try {
    return await transaction(deps.db, async (tx) => {
      const key = slotKey(target.unitId, slot);
      if (!(await claimOnce(tx, key, "reminder.escalation", { unitId: target.unitId, slot: slotText(slot) }))) {
        return [];
      }
      const work = group.issues.map((issue) => ({ issue, keys: [issue.escalation.key], issueId: issue.id }));
      const claimed = (await claimAllWhile(tx, work, "reminder", REMINDED_STATUSES)).map((w) => w.issue);
      if (claimed.length === 0) {
        await tx.jobRun.delete({ where: { key } });
        return [];
      }
      const accountable = await accountableOf(
        tx,
        claimed.map((c) => c.id),
      );
      const items = claimed.flatMap((issue) => {
        const people = accountable.get(issue.id);
        return people ? [{ ...escalationItem(ladders, issue), accountable: people }] : [];
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

/** An issue's line in an escalation card, with the names of the org snapshot (who answers for it is read when sent). */
function escalationItem(ladders: Ladders, issue: Escalated): Omit<EscalationItem, "accountable"> {
  const { category, grid, point } = filedUnder(ladders.org, issue);
  return {
    number: issue.number,
    category: category?.name ?? null,
    community: gridEscalation(ladders, issue.gridId).community,
    grid: grid?.name ?? null,
    point: point?.name ?? null,
    deadline: new Date(issue.deadline),
  };
}

/** The reminder ladder: before the deadline, at it, and the escalation to the leader groups. */
export const reminderJob: Job = {
  name: "reminder.ladder",
  schedule: "* * * * *",
  run: runReminderSweep,
  nextDueAt: nextReminderAt,
};
