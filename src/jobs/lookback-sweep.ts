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
import { inChunks } from "../db/in-chunks.ts";
import { claimedKeys, claimOnce } from "../db/once.ts";
import { orgOf } from "../db/org-queries.ts";
import { dialectOf } from "../db/sql-dialect.ts";
import { transaction } from "../db/transaction.ts";
import { MAX_LOOKBACK_DAYS } from "../domain/clock-settings.ts";
import {
  LOOKBACK_STALE_MS,
  type LookbackFacts,
  lookbackDueAt,
  nextLookbackAsk,
  nextLookbackAttention,
} from "../domain/sweep-schedule.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { sentMessageId } from "../lark/outbox.ts";
import { lookbackCard } from "../presenters/reminder-card.ts";
import { stripReportWord } from "../texts/words.ts";
import { chatClocks } from "./chat-clocks.ts";
import { claimAllWhile } from "./claims.ts";
import { type Job, jobContext, type SweepNotice, type SweepOptions } from "./job.ts";
import { type IndexedRow, indexedColumns, orgReview, setIndex } from "./sweep-index.ts";

const DAY_MS = 24 * 3_600_000;
/** The name the look-back sweep keeps its index under (see sweep-index.ts). */
const LOOKBACK_INDEX = "lookback";

/** Claim and outbox key of the look-back question of an issue. */
export function lookbackKey(issueId: number): string {
  return `lookback:${issueId}`;
}

/**
 * Asks the look-backs due at `now` and opens the issues of confirmed rebounds whose notice has been sent; reports
 * both. With `dryRun` it only reports the questions it would ask (and keeps the index all the same).
 */
export async function runLookbackSweep(deps: JobDeps, now: Date, options: SweepOptions = {}): Promise<SweepNotice[]> {
  const notices = await askLookbacks(deps, now, options);
  if (!options.dryRun) notices.push(...(await fileConfirmedRebounds(deps, now)));
  return notices;
}

/** An issue as a look-back sweep reads it (readLookbacks), times in Unix milliseconds. */
interface LookbackRow extends IndexedRow {
  number: number;
  status: string;
  closedAt: number | null;
  sourceChatId: string | null;
  sourceMessageId: string | null;
  reporterId: number | null;
  /** 1 when a rebound of it was filed already, else 0. */
  rebounded: number;
}

/**
 * The issues matching `where` (SQL on "Issue") as a look-back sweep reads them, whether rebounded included, earliest
 * closed first, in one statement: written by hand like the statistics, the times read as numbers.
 */
function readLookbacks(db: JobDeps["db"], where: Prisma.Sql): Promise<LookbackRow[]> {
  return db.$queryRaw<LookbackRow[]>`
    SELECT ${indexedColumns(db, "nextLookbackAt")}, "number", "status",
      ${dialectOf(db).epochMs('"Issue"."closedAt"')} AS "closedAt", "sourceChatId", "sourceMessageId", "reporterId",
      CASE WHEN EXISTS (SELECT 1 FROM "Issue" AS "rebound" WHERE "rebound"."reboundOfId" = "Issue"."id")
        THEN 1 ELSE 0 END AS "rebounded"
    FROM "Issue" WHERE ${where} ORDER BY "Issue"."closedAt"`;
}

/** What the question shows, read for the issues asked only. */
const QUESTION_SELECT = {
  id: true,
  category: { select: { name: true } },
  grid: { select: { name: true } },
  point: { select: { name: true } },
  reporter: { select: { openId: true } },
} as const satisfies Prisma.IssueSelect;

/**
 * The issues a look-back sweep at `now` reads, with their facts (null for one that is never asked: not closed, no
 * reporter in chat — an issue another system filed pulls the status itself —, or already rebounded): by default those
 * the index puts at or before `now` (and not out of reach); when the org or a chat's settings changed since the
 * index was kept, every issue closed recently enough to be asked now or later.
 */
async function loadLookbacks(db: JobDeps["db"], now: Date, timeZone: string, rows?: Prisma.Sql) {
  const org = await orgOf(db);
  const review = orgReview(org, LOOKBACK_INDEX);
  const clocks = chatClocks(org);
  // A look-back is due at most three days after its day, which comes at most the longest look-back in force (and
  // the quiet hours) after the close: an index further back than that (the close the triggers set) is never due.
  const longest = Math.max(
    0,
    ...[clocks.defaults, ...clocks.byChat.values()].map((s) => Math.min(s.lookbackDays, MAX_LOOKBACK_DAYS)),
  );
  const reach = new Date(now.getTime() - LOOKBACK_STALE_MS - (longest + 1) * DAY_MS);
  const indexed = Prisma.sql`"nextLookbackAt" <= ${now} AND "nextLookbackAt" >= ${reach}`;
  const recent = Prisma.sql`"status" = 'closed' AND "closedAt" >= ${reach}`;
  const read = await readLookbacks(db, rows ?? (review.stale ? Prisma.sql`(${indexed}) OR (${recent})` : indexed));
  const factsOf = (issue: LookbackRow): LookbackFacts | null => {
    const asked =
      issue.status === "closed" &&
      issue.sourceChatId !== null &&
      issue.sourceMessageId !== null &&
      issue.reporterId !== null &&
      issue.rebounded === 0;
    if (!asked || issue.closedAt === null) return null;
    const settings = clocks.settingsOf(issue.sourceChatId);
    return {
      closedAt: issue.closedAt,
      lookbackDays: Math.min(settings.lookbackDays, MAX_LOOKBACK_DAYS),
      quietHours: settings.reminders.quietHours,
      timeZone,
    };
  };
  return { read, factsOf, chatName: clocks.nameOf, review };
}

type Lookbacks = Awaited<ReturnType<typeof loadLookbacks>>;

/**
 * Sets the index of every issue read to when its look-back is next due (see sweep-index.ts), from the claims in
 * `asked` (one not looked up counts as not taken: the index comes earlier, never later).
 */
async function keepIndex(db: JobDeps["db"], state: Lookbacks, now: Date, asked: ReadonlySet<string>): Promise<void> {
  await setIndex(
    db,
    "nextLookbackAt",
    now,
    state.read.map((issue) => {
      const facts = state.factsOf(issue);
      const next = facts && nextLookbackAttention(facts, asked.has(lookbackKey(issue.id)), now.getTime());
      return { row: issue, next };
    }),
  );
  state.review.kept();
}

/** Look-back questions claimed and queued per transaction. */
const QUESTIONS_PER_TRANSACTION = 50;

async function askLookbacks(deps: JobDeps, now: Date, options: SweepOptions): Promise<SweepNotice[]> {
  const { db } = deps;
  const state = await loadLookbacks(db, now, deps.timeZone);
  const due = state.read.filter((issue) => {
    const facts = state.factsOf(issue);
    return facts !== null && lookbackDueAt(facts, now.getTime());
  });
  const done = await claimedKeys(
    db,
    due.map((i) => lookbackKey(i.id)),
  );
  const notices: SweepNotice[] = [];
  const asking = due.filter((i) => !done.has(lookbackKey(i.id)));
  // What the questions show, read for those asked (a dry run asks none).
  const shown = new Map(
    (
      await inChunks(
        (options.dryRun ? [] : asking).map((i) => i.id),
        (ids) => db.issue.findMany({ where: { id: { in: ids } }, select: QUESTION_SELECT }),
      )
    ).map((q) => [q.id, q]),
  );
  const questions = asking.flatMap((issue) => {
    const chatId = issue.sourceChatId ?? "";
    const notice = {
      key: lookbackKey(issue.id),
      chatId,
      summary: lookbackSummary(issue.number, state.chatName(chatId)),
    };
    if (options.dryRun) {
      notices.push(notice);
      return [];
    }
    const question = shown.get(issue.id);
    if (!question) return [];
    const content = lookbackCard(
      lookbackViewOf({ ...issue, ...question, closedAt: issue.closedAt === null ? now : new Date(issue.closedAt) }),
      deps.timeZone,
    );
    return [{ notice, messageId: issue.sourceMessageId ?? "", content, keys: [notice.key], issueId: issue.id }];
  });
  // Claimed and queued a batch per transaction (claimAllWhile: one insert of the claims, the statuses read together).
  for (let i = 0; i < questions.length; i += QUESTIONS_PER_TRANSACTION) {
    const batch = questions.slice(i, i + QUESTIONS_PER_TRANSACTION);
    try {
      const asked = await transaction(db, async (tx) => {
        const claimed = await claimAllWhile(tx, batch, "lookback", ["closed"]);
        for (const { notice, messageId, content } of claimed) {
          await replyCard(tx, { key: notice.key, chatId: notice.chatId, messageId, card: content, inThread: true });
        }
        return claimed;
      });
      for (const { notice } of asked) {
        notices.push(notice);
        done.add(notice.key);
      }
    } catch (error) {
      const issueIds = batch.map((q) => q.issueId);
      deps.log.warn({ err: error, issueIds }, "look-backs not asked; trying again on the next sweep");
    }
  }
  await keepIndex(db, state, now, done);
  return notices;
}

/**
 * The first instant after `after` (and not after `until`, unless null) at which the sweep would ask a look-back not
 * asked yet (nextLookbackAsk); what is due at `after` already is left to the sweep at `after`. Null when there is
 * none. Asks nothing; keeps the index of what it read, as a sweep at `after` would.
 */
async function nextLookbackAt(
  deps: Pick<JobDeps, "db" | "timeZone">,
  after: Date,
  until: Date | null,
): Promise<Date | null> {
  const { db, timeZone } = deps;
  const due = await loadLookbacks(db, after, timeZone);
  await keepIndex(
    db,
    due,
    after,
    await claimedKeys(
      db,
      due.read.map((i) => lookbackKey(i.id)),
    ),
  );
  const later = await loadLookbacks(
    db,
    after,
    timeZone,
    Prisma.sql`"nextLookbackAt" > ${after}${until ? Prisma.sql` AND "nextLookbackAt" <= ${until}` : Prisma.empty}`,
  );
  let best: number | null = null;
  for (const state of [due, later]) {
    const asked = await claimedKeys(
      db,
      state.read.map((i) => lookbackKey(i.id)),
    );
    for (const issue of state.read) {
      const facts = state.factsOf(issue);
      const at = facts && nextLookbackAsk(facts, asked.has(lookbackKey(issue.id)), after.getTime());
      if (at && (until === null || at <= until.getTime()) && (best === null || at < best)) best = at;
    }
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
    where: { type: "lookback_rebound", at: { gte: new Date(now.getTime() - LOOKBACK_STALE_MS) } },
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
