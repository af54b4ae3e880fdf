import { replyCard } from "../features/say.ts";
/**
 * The reminder ladder (SPEC 4.4) as a sweep: an idempotent function of `now` that sends whatever rung is due and was
 * not sent before.
 *
 * Rungs of an open issue (reported, assigned or accepted — a rectified issue waits for its verifier, not its
 * responder) with a deadline, timed by the ladder of the chat it was reported in (see clock-settings.ts):
 *   - before   deadline − beforeHours: the assignee (or, while nobody is assigned, the secretaries), in the issue
 *              thread; moot once the deadline has passed.
 *   - deadline at the deadline: assignee and secretaries, in the thread; moot once the escalation is due.
 *   - escalate deadline + escalateAfterHours: the leader group of the street above the grid (the nearest unit above
 *              it with a leader group), all issues of one sweep in one consolidated card per group.
 *   - again    when a snooze (延后提醒) runs out, one more reminder in the thread, unless another rung fires then.
 * A rung due in the quiet hours waits for their end; while a chat's quiet hours last, nothing is sent. A snooze holds
 * the thread rungs (not the escalation, which is for leaders). Each rung is claimed once per issue with the key
 * `remind:<issueId>:<rung>` in the transaction that queues its message, so restarts and concurrent instances send it
 * once; a rung that became moot (issue rectified or closed meanwhile) is neither claimed nor sent. Rungs more than
 * a week late are dropped (the evening digest lists every overdue issue anyway).
 */

import { createHash } from "node:crypto";
import { loadIssueView } from "../commands/sync-issue-card.ts";
import type { Db, Tx } from "../db/client.ts";
import { claimOnce } from "../db/once.ts";
import { orgOf, type UnitRef, unitChain } from "../db/org-queries.ts";
import type { IssueStatus } from "../domain/types.ts";
import { transaction } from "../features/transaction.ts";
import {
  type EscalationItem,
  escalationCard,
  type ReminderStage,
  type ReminderView,
  reminderCard,
} from "../lark/cards/reminder-card.ts";
import { enqueue } from "../lark/outbox.ts";
import { claimedKeys, claimWhile } from "./claims.ts";
import {
  clockSettings,
  ladderFor,
  MAX_BEFORE_HOURS,
  MAX_ESCALATE_AFTER_HOURS,
  type ReminderLadder,
} from "./clock-settings.ts";
import type { JobDeps, SweepNotice, SweepOptions } from "./job-deps.ts";
import { afterQuietHours, isQuietAt } from "./quiet-hours.ts";
import { snoozesOf } from "./snooze-reminders.ts";

/** Statuses in which an issue is nagged: its rectification clock is running. */
export const REMINDED_STATUSES: readonly IssueStatus[] = ["reported", "assigned", "accepted"];

/** A rung is dropped when it is this late. */
const STALE_AFTER_MS = 7 * 24 * 3_600_000;
const HOUR_MS = 3_600_000;

/** Every rung of the ladder. */
export type ReminderRung = ReminderStage | "escalate";

const RUNG_LABELS: Readonly<Record<ReminderRung, string>> = {
  before: "到期前提醒",
  deadline: "到期提醒",
  again: "延后后再次提醒",
  escalate: "超期上报",
};

/** Claim key of one rung of one issue; a snooze's reminder is keyed by the snooze's end. */
export function reminderKey(issueId: number, rung: ReminderRung, snoozeEnd?: Date): string {
  return rung === "again" ? `remind:${issueId}:again:${snoozeEnd?.getTime() ?? 0}` : `remind:${issueId}:${rung}`;
}

const CANDIDATE_SELECT = {
  id: true,
  number: true,
  deadline: true,
  gridId: true,
  sourceChatId: true,
  sourceMessageId: true,
  category: { select: { code: true, name: true } },
  grid: { select: { name: true } },
  point: { select: { name: true } },
  assigneePerson: { select: { name: true } },
  assigneeUnit: { select: { name: true } },
} as const;

type Candidate = Awaited<ReturnType<typeof loadCandidates>>[number];

/** A thread reminder that is due for an issue. */
interface ThreadReminder {
  issue: Candidate;
  stage: ReminderStage;
  key: string;
  /** Claim keys the same message settles too (a snooze that ran out while a regular rung fires). */
  alsoSettles: string[];
}

/** What may be due for one issue at one instant: thread reminders in order of preference, and the escalation. */
interface DueRungs {
  thread: ThreadReminder[];
  escalate: boolean;
}

async function loadCandidates(db: Db, now: Date) {
  const earliest = now.getTime() - STALE_AFTER_MS - (MAX_ESCALATE_AFTER_HOURS + 24) * HOUR_MS;
  const latest = now.getTime() + MAX_BEFORE_HOURS * HOUR_MS;
  return db.issue.findMany({
    where: { status: { in: [...REMINDED_STATUSES] }, deadline: { gte: new Date(earliest), lte: new Date(latest) } },
    select: CANDIDATE_SELECT,
    orderBy: { deadline: "asc" },
  });
}

/**
 * Sends the reminder rungs due at `now` that were not sent before, and reports them. With `dryRun` it only reports
 * what it would send (nothing is claimed).
 */
export async function runReminderSweep(deps: JobDeps, now: Date, options: SweepOptions = {}): Promise<SweepNotice[]> {
  const { db } = deps;
  const bindings = await db.chatBinding.findMany({
    select: { chatId: true, name: true, unitId: true, purpose: true, settings: true },
  });
  const settingsByChat = new Map(bindings.map((b) => [b.chatId, clockSettings(b.settings)]));
  const chatName = (chatId: string) => bindings.find((b) => b.chatId === chatId)?.name ?? chatId;
  const candidates = await loadCandidates(db, now);
  const snoozes = await snoozesOf(
    db,
    candidates.map((c) => c.id),
  );

  const dues: DueRungs[] = [];
  const escalations: Candidate[] = [];
  for (const issue of candidates) {
    const settings = settingsByChat.get(issue.sourceChatId ?? "") ?? clockSettings({});
    const ladder = ladderFor(settings, issue.category?.code ?? null);
    const due = dueRungs(issue, ladder, snoozes.get(issue.id), now, deps.timeZone);
    dues.push(due);
    if (due.escalate) escalations.push(issue);
  }
  const done = await claimedKeys(db, [
    ...dues.flatMap((d) => d.thread.map((t) => t.key)),
    ...escalations.map((i) => reminderKey(i.id, "escalate")),
  ]);
  // The first thread reminder of each issue not sent yet; a regular rung settles the snooze's reminder too.
  const threads = dues.flatMap((d) => {
    const open = d.thread.filter((t) => !done.has(t.key));
    const first = open[0];
    if (!first) return [];
    return [{ ...first, alsoSettles: open.slice(1).map((t) => t.key) }];
  });

  const notices: SweepNotice[] = [];
  for (const item of threads) {
    const chatId = item.issue.sourceChatId ?? "";
    const summary = `#${item.issue.number} ${RUNG_LABELS[item.stage]} → ${chatName(chatId)}`;
    if (options.dryRun || (await sendThreadReminder(deps, item, now))) notices.push({ key: item.key, chatId, summary });
  }

  const pending = escalations.filter((i) => !done.has(reminderKey(i.id, "escalate")));
  for (const group of await groupByLeaderChats(db, pending, bindings)) {
    const sent = options.dryRun ? group.entries : await sendEscalation(deps, group, now);
    if (sent.length === 0) continue;
    const numbers = sent.map((e) => `#${e.item.number}`).join("、");
    for (const chatId of group.chatIds) {
      const summary = `${RUNG_LABELS.escalate} ${sent.length} 件（${numbers}）→ ${chatName(chatId)}`;
      notices.push({ key: `escalate:${chatId}`, chatId, summary });
    }
  }
  return notices;
}

/** The rungs of one issue due at `now` (see the top of this file). */
function dueRungs(
  issue: Candidate,
  ladder: ReminderLadder,
  snoozeEnd: Date | undefined,
  now: Date,
  timeZone: string,
): DueRungs {
  const { deadline } = issue;
  if (!ladder.enabled || deadline === null || isQuietAt(now, ladder.quietHours, timeZone)) {
    return { thread: [], escalate: false };
  }
  const t = now.getTime();
  const fires = (at: number) => {
    const when = afterQuietHours(new Date(at), ladder.quietHours, timeZone).getTime();
    return when <= t && t - when <= STALE_AFTER_MS;
  };
  const escalateAt = deadline.getTime() + ladder.escalateAfterHours * HOUR_MS;
  const escalate = ladder.escalateAfterHours > 0 && issue.gridId !== null && fires(escalateAt);
  if (issue.sourceChatId === null || issue.sourceMessageId === null) return { thread: [], escalate };
  if (snoozeEnd !== undefined && snoozeEnd.getTime() > t) return { thread: [], escalate };

  const rung = (stage: ReminderStage, snooze?: Date): ThreadReminder => ({
    issue,
    stage,
    key: reminderKey(issue.id, stage, snooze),
    alsoSettles: [],
  });
  const thread: ThreadReminder[] = [];
  if (ladder.beforeHours > 0 && t < deadline.getTime() && fires(deadline.getTime() - ladder.beforeHours * HOUR_MS)) {
    thread.push(rung("before"));
  } else if (ladder.atDeadline && (ladder.escalateAfterHours === 0 || t < escalateAt) && fires(deadline.getTime())) {
    thread.push(rung("deadline"));
  }
  if (snoozeEnd !== undefined && fires(snoozeEnd.getTime())) thread.push(rung("again", snoozeEnd));
  return { thread, escalate };
}

/**
 * What the reminder card of `stage` shows for an issue, read inside the caller's transaction: before the deadline
 * and after a snooze it mentions the assignee (the secretaries while nobody is assigned), at the deadline both.
 * Undefined for an issue without a deadline.
 */
export async function loadReminderView(
  tx: Tx,
  issueId: number,
  stage: ReminderStage,
): Promise<ReminderView | undefined> {
  const view = await loadIssueView(tx, issueId);
  if (view.deadline === null) return undefined;
  const assignees = view.assignee?.mentions ?? [];
  const mentions =
    stage === "deadline"
      ? [...new Set([...assignees, ...view.dispatchers])]
      : assignees.length > 0
        ? assignees
        : view.dispatchers;
  return {
    issueId,
    number: view.number,
    category: view.category?.name ?? null,
    grid: view.grid,
    point: view.point,
    deadline: view.deadline,
    stage,
    mentions,
  };
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

/** One line of an escalation, with the issue it is about. */
interface EscalationEntry {
  issueId: number;
  item: EscalationItem;
}

/** The escalations that go to the same leader groups. */
interface EscalationGroup {
  chatIds: string[];
  entries: EscalationEntry[];
}

/**
 * Groups escalations by the leader groups they go to: those bound to the nearest unit above the grid (normally the
 * street) that has any. Issues with no leader group above them are left out (and stay unclaimed).
 */
async function groupByLeaderChats(
  db: Db,
  issues: readonly Candidate[],
  bindings: readonly { chatId: string; unitId: number; purpose: string }[],
): Promise<EscalationGroup[]> {
  const leaderChats = new Map<number, string[]>();
  for (const b of bindings) {
    if (b.purpose === "leader") leaderChats.set(b.unitId, [...(leaderChats.get(b.unitId) ?? []), b.chatId]);
  }
  const org = await orgOf(db);
  const chains = new Map<number, UnitRef[]>();
  const groups = new Map<string, EscalationGroup>();
  for (const issue of issues) {
    if (issue.gridId === null || issue.deadline === null) continue;
    let chain = chains.get(issue.gridId);
    if (!chain) {
      chain = unitChain(org, issue.gridId);
      chains.set(issue.gridId, chain);
    }
    const chatIds = chain
      .slice(1)
      .map((u) => leaderChats.get(u.id))
      .find((c) => c !== undefined);
    if (!chatIds) continue;
    const entry: EscalationEntry = {
      issueId: issue.id,
      item: {
        number: issue.number,
        category: issue.category?.name ?? null,
        community: chain.find((u) => u.level === "community")?.name ?? null,
        grid: issue.grid?.name ?? null,
        point: issue.point?.name ?? null,
        assignee: issue.assigneePerson?.name ?? issue.assigneeUnit?.name ?? null,
        deadline: issue.deadline,
      },
    };
    const groupKey = chatIds.join(",");
    const group = groups.get(groupKey) ?? { chatIds, entries: [] };
    group.entries.push(entry);
    groups.set(groupKey, group);
  }
  return [...groups.values()];
}

/**
 * Claims the escalations of one group and queues one card per leader group listing those it claimed, in one
 * transaction. The message key is derived from the claimed issues, so a concurrent sweep that claimed others sends
 * its own list rather than being swallowed by this one.
 */
async function sendEscalation(deps: JobDeps, group: EscalationGroup, now: Date): Promise<EscalationEntry[]> {
  try {
    return await transaction(deps.db, async (tx) => {
      const claimed: EscalationEntry[] = [];
      for (const entry of group.entries) {
        const key = reminderKey(entry.issueId, "escalate");
        if (await claimWhile(tx, key, "reminder", entry.issueId, REMINDED_STATUSES)) claimed.push(entry);
      }
      if (claimed.length === 0) return [];
      const ids = claimed
        .map((c) => c.issueId)
        .sort((a, b) => a - b)
        .join(",");
      const hash = createHash("sha256").update(ids).digest("hex").slice(0, 16);
      const content = escalationCard(
        claimed.map((c) => c.item),
        now,
      );
      for (const chatId of group.chatIds) {
        await enqueue(tx, {
          key: `escalate:${chatId}:${hash}`,
          kind: "send",
          chatId,
          target: chatId,
          msgType: "interactive",
          content: JSON.stringify(content),
        });
      }
      return claimed;
    });
  } catch (error) {
    deps.log.warn({ err: error, chatIds: group.chatIds }, "escalation not sent; trying again on the next sweep");
    return [];
  }
}
