import { lookbackViewOf, reboundNoticeKey } from "../commands/answer-lookback.ts";
import { replyCard } from "../commands/say.ts";
import { lookbackSummary, reboundIssueText, reboundSummary } from "../texts/sweeps.ts";

/**
 * 回头看 (behaviour §6) as a sweep. Two steps, both idempotent functions of `now`:
 *
 * 1. Ask: `lookbackDays` (default 7, per chat) after an issue was closed, the bot asks the reporter in the issue
 *    thread whether the problem came back, with [未反弹] [已反弹]. Claimed once per issue (`lookback:<issueId>`), not
 *    in the chat's quiet hours, not for an issue that already has a rebound, and not when more than three days late.
 * 2. File confirmed rebounds: 已反弹 (answer-lookback.ts) records the answer and posts a notice to the chat. Once
 *    that notice is sent, this sweep opens the new issue as a thread reply to it — so the new issue has a thread of
 *    its own — linked to the closed one as its rebound, with the same grid, point and category (`lookback-filed:`).
 */

import type { JobDeps } from "../commands/deps.ts";
import { fileIssue } from "../commands/file-issue.ts";
import { claimOnce } from "../db/once.ts";
import { transaction } from "../db/transaction.ts";
import { type ClockSettings, clockSettings, MAX_LOOKBACK_DAYS } from "../domain/clock-settings.ts";
import { afterQuietHours, heldSince, isQuietAt } from "../domain/quiet-hours.ts";
import { mergeRanges } from "../domain/time-ranges.ts";
import { sentMessageId } from "../lark/outbox.ts";
import { lookbackCard } from "../presenters/reminder-card.ts";
import { stripReportWord } from "../texts/words.ts";
import { claimedKeys, claimWhile } from "./claims.ts";
import { type Job, jobContext, type SweepNotice, type SweepOptions } from "./job.ts";

const DAY_MS = 24 * 3_600_000;
/** A look-back this late is dropped. */
const STALE_AFTER_MS = 3 * DAY_MS;

/** Claim and outbox key of the look-back question of an issue. */
export function lookbackKey(issueId: number): string {
  return `lookback:${issueId}`;
}

/**
 * Asks the look-backs due at `now` and opens the issues of confirmed rebounds whose notice has been sent; reports
 * both. With `dryRun` it only reports the questions it would ask.
 */
export async function runLookbackSweep(deps: JobDeps, now: Date, options: SweepOptions = {}): Promise<SweepNotice[]> {
  const notices = await askLookbacks(deps, now, options);
  if (!options.dryRun) notices.push(...(await fileConfirmedRebounds(deps, now)));
  return notices;
}

/**
 * Closed issues whose look-back may fall between `from` (three days late at most) and `until` (null: any time); with
 * `since` (a sweep after an earlier one), only those whose look-back day came after `since` (or was held by quiet
 * hours that ended since).
 */
async function loadLookbacks(
  db: JobDeps["db"],
  window: { from: Date; until: Date | null; since?: Date; timeZone: string },
) {
  const { from, until, since } = window;
  const bindings = await db.chatBinding.findMany({ select: { chatId: true, name: true, settings: true } });
  const settingsByChat = new Map(bindings.map((b) => [b.chatId, clockSettings(b.settings)]));
  const defaults = clockSettings({});
  const settingsOf = (chatId: string | null): ClockSettings => settingsByChat.get(chatId ?? "") ?? defaults;
  const chatName = (chatId: string) => bindings.find((b) => b.chatId === chatId)?.name ?? chatId;
  const inForce = [defaults, ...settingsByChat.values()].filter((s) => s.lookbackDays > 0);
  if (inForce.length === 0) return { candidates: [], settingsOf, chatName };
  const days = inForce.map((s) => Math.min(s.lookbackDays, MAX_LOOKBACK_DAYS));
  const ranges =
    since === undefined || until === null
      ? [
          {
            gte: new Date(from.getTime() - (Math.max(...days) * DAY_MS + STALE_AFTER_MS)),
            lte: until === null ? undefined : new Date(until.getTime() - Math.min(...days) * DAY_MS),
          },
        ]
      : mergeRanges(
          inForce.map((s) => {
            const start = heldSince(since, until, s.reminders.quietHours, window.timeZone).getTime();
            const back = Math.min(s.lookbackDays, MAX_LOOKBACK_DAYS) * DAY_MS;
            return { gt: new Date(start - back), lte: new Date(until.getTime() - back) };
          }),
        );
  const rows = await Promise.all(
    ranges.map((closedAt) =>
      db.issue.findMany({
        where: {
          status: "closed",
          closedAt,
          sourceChatId: { not: null },
          sourceMessageId: { not: null },
          // The reporter is asked; an issue another system filed has none in chat (it pulls the status itself).
          reporterId: { not: null },
          rebounds: { none: {} },
        },
        select: {
          id: true,
          number: true,
          closedAt: true,
          sourceChatId: true,
          sourceMessageId: true,
          category: { select: { name: true } },
          grid: { select: { name: true } },
          point: { select: { name: true } },
          reporter: { select: { openId: true } },
        },
        orderBy: { closedAt: "asc" },
      }),
    ),
  );
  const candidates = [...new Map(rows.flat().map((r) => [r.id, r])).values()];
  return { candidates, settingsOf, chatName };
}

async function askLookbacks(deps: JobDeps, now: Date, options: SweepOptions): Promise<SweepNotice[]> {
  const { db } = deps;
  const { candidates, settingsOf, chatName } = await loadLookbacks(db, {
    from: now,
    until: now,
    since: options.since,
    timeZone: deps.timeZone,
  });
  const due = candidates.filter((issue) => isDue(issue.closedAt, settingsOf(issue.sourceChatId), now, deps.timeZone));
  const done = await claimedKeys(
    db,
    due.map((i) => lookbackKey(i.id)),
  );
  const notices: SweepNotice[] = [];
  for (const issue of due.filter((i) => !done.has(lookbackKey(i.id)))) {
    const chatId = issue.sourceChatId ?? "";
    const messageId = issue.sourceMessageId ?? "";
    const notice = { key: lookbackKey(issue.id), chatId, summary: lookbackSummary(issue.number, chatName(chatId)) };
    if (options.dryRun) {
      notices.push(notice);
      continue;
    }
    const content = lookbackCard(lookbackViewOf({ ...issue, closedAt: issue.closedAt ?? now }), deps.timeZone);
    try {
      const asked = await transaction(db, async (tx) => {
        if (!(await claimWhile(tx, notice.key, "lookback", issue.id, ["closed"]))) return false;
        await replyCard(tx, { key: notice.key, chatId, messageId, card: content, inThread: true });
        return true;
      });
      if (asked) notices.push(notice);
    } catch (error) {
      deps.log.warn({ err: error, issueId: issue.id }, "look-back not asked; trying again on the next sweep");
    }
  }
  return notices;
}

function isDue(closedAt: Date | null, settings: ClockSettings, now: Date, timeZone: string): boolean {
  if (closedAt === null || settings.lookbackDays === 0) return false;
  const quiet = settings.reminders.quietHours;
  if (isQuietAt(now, quiet, timeZone)) return false;
  const at = afterQuietHours(new Date(closedAt.getTime() + settings.lookbackDays * DAY_MS), quiet, timeZone).getTime();
  return at <= now.getTime() && now.getTime() - at <= STALE_AFTER_MS;
}

/**
 * The first instant after `after` (and not after `until`, unless null) at which the sweep would ask a look-back not
 * asked yet — at its day, or when the quiet hours holding it end; what is due at `after` already is left to the sweep
 * at `after`. Null when there is none. Reads only.
 */
async function nextLookbackAt(
  deps: Pick<JobDeps, "db" | "timeZone">,
  after: Date,
  until: Date | null,
): Promise<Date | null> {
  const { candidates, settingsOf } = await loadLookbacks(deps.db, { from: after, until, timeZone: deps.timeZone });
  const done = await claimedKeys(
    deps.db,
    candidates.map((i) => lookbackKey(i.id)),
  );
  const a = after.getTime();
  let best: number | null = null;
  for (const issue of candidates) {
    if (done.has(lookbackKey(issue.id)) || issue.closedAt === null) continue;
    const settings = settingsOf(issue.sourceChatId);
    const quiet = settings.reminders.quietHours;
    const first = [
      issue.closedAt.getTime() + settings.lookbackDays * DAY_MS,
      ...(isQuietAt(after, quiet, deps.timeZone) ? [a] : []),
    ]
      .map((t) => afterQuietHours(new Date(t), quiet, deps.timeZone).getTime())
      .filter((t) => t > a && (until === null || t <= until.getTime()))
      .sort((x, y) => x - y)
      .find((t) => isDue(issue.closedAt, settings, new Date(t), deps.timeZone));
    if (first !== undefined && (best === null || first < best)) best = first;
  }
  return best === null ? null : new Date(best);
}

/** Claim key of the new issue opened for a confirmed rebound. */
function filedKey(issueId: number): string {
  return `lookback-filed:${issueId}`;
}

/** Opens the new issue of every rebound confirmed in the last days whose notice has been sent. */
async function fileConfirmedRebounds(deps: JobDeps, now: Date): Promise<SweepNotice[]> {
  const { db } = deps;
  const confirmed = await db.issueEvent.findMany({
    where: { type: "lookback_rebound", at: { gte: new Date(now.getTime() - STALE_AFTER_MS) } },
    select: { issueId: true, actor: { select: { openId: true, name: true } } },
  });
  const done = await claimedKeys(
    db,
    confirmed.map((e) => filedKey(e.issueId)),
  );
  const notices: SweepNotice[] = [];
  for (const event of confirmed.filter((e) => !done.has(filedKey(e.issueId)))) {
    const noticeId = await sentMessageId(db, reboundNoticeKey(event.issueId));
    if (!noticeId || !event.actor) continue;
    try {
      const filed = await fileRebound(deps, event.issueId, event.actor, noticeId, now);
      if (filed) notices.push(filed);
    } catch (error) {
      deps.log.warn({ err: error, issueId: event.issueId }, "rebound issue not opened; trying again on the next sweep");
    }
  }
  return notices;
}

async function fileRebound(
  deps: JobDeps,
  originalId: number,
  reporter: { openId: string; name: string },
  noticeId: string,
  now: Date,
): Promise<SweepNotice | null> {
  return transaction(deps.db, async (tx) => {
    if (!(await claimOnce(tx, filedKey(originalId), "lookback.rebound", { issueId: originalId }))) return null;
    const original = await tx.issue.findUniqueOrThrow({
      where: { id: originalId },
      select: { number: true, text: true, gridId: true, sourceChatId: true },
    });
    const chatId = original.sourceChatId ?? "";
    const binding = await tx.chatBinding.findUnique({ where: { chatId }, select: { unitId: true } });
    const chatUnitId = binding?.unitId ?? original.gridId;
    if (chatUnitId === null) return null;
    const { id } = await fileIssue(
      tx,
      {
        chatId,
        chatUnitId,
        reporter,
        text: reboundIssueText(original.number, stripReportWord(original.text)),
        photos: [],
        sourceMessageId: noticeId,
        reportedAt: now,
        reboundOfId: originalId,
      },
      jobContext(deps, now),
    );
    const filed = await tx.issue.findUniqueOrThrow({ where: { id }, select: { number: true } });
    return { key: filedKey(originalId), chatId, summary: reboundSummary(original.number, filed.number) };
  });
}

/** The 回头看 question, the look-back days after an issue is closed. */
export const lookbackJob: Job = {
  name: "lookback.ask",
  schedule: "* * * * *",
  run: runLookbackSweep,
  nextDueAt: nextLookbackAt,
};
