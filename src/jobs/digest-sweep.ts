/**
 * The evening 日清日报 (behaviour §7) as a sweep: at or after each chat's digest time (default 18:00 local), each work
 * group gets the digest of its unit (normally a community) and each leader group the digest of its unit (normally
 * the street, ranking its communities). Patrol and department groups get none: the patrol group's community digest
 * goes to that community's work group. A chat can opt out with `"digest": false` in its settings.
 *
 * Exactly once per chat and local date: the claim key `digest:<chatId>:<YYYY-MM-DD>` is taken in the transaction that
 * queues the card. A sweep later the same day (the process was down at digest time) still sends it, and a digest
 * sent more than half an hour after its time says 补发 in its title; the next day it is not sent any more.
 */

import pLimit from "p-limit";
import type { JobDeps } from "../commands/deps.ts";
import { type DigestSpec, digestRequest, prepareDigest, presentDigest } from "../commands/prepare-digest.ts";
import { claimedKeys, claimOnce } from "../db/once.ts";
import { transaction } from "../db/transaction.ts";
import { clockSettings, parseTimeOfDay } from "../domain/clock-settings.ts";
import { localDateString, localPeriod, startOfDate } from "../domain/deadline.ts";
import type { ChatPurpose } from "../domain/types.ts";
import { enqueue } from "../lark/outbox.ts";
import type { Card } from "../presenters/card.ts";
import { CHART_THREADS, warmChartThread } from "../reports/chart-thread.ts";
import { buildDigests, type DigestData, type DigestMark, digestChartInput } from "../reports/digest.ts";
import { DIGEST_MARKS, DIGEST_NAME } from "../texts/digest.ts";
import type { Job, SweepNotice, SweepOptions } from "./job.ts";

/** Chat purposes that get the evening digest. */
export const DIGEST_PURPOSES: readonly ChatPurpose[] = ["work", "leader"];

/**
 * Digests presented at once: a chart drawing on each chart thread and a few more waiting for a thread or being
 * uploaded, so no thread waits for the event loop to send it its next chart.
 */
const DIGESTS_AT_ONCE = CHART_THREADS + 3;

/** How long before a digest time the sweep has the chart thread started (see warmChartsBefore). */
const WARM_AHEAD_MS = 5 * 60_000;

/** A digest sent later than this after its time is marked 补发. */
const LATE_AFTER_MS = 30 * 60_000;

const DEFAULT_DIGEST_MINUTES = 18 * 60;

/** Claim key (and outbox key) of a chat's digest for a local date. */
export function digestKey(chatId: string, date: string): string {
  return `digest:${chatId}:${date}`;
}

/** A chat that gets digests, as the sweep reads it. */
export interface DigestChat {
  chatId: string;
  name: string | null;
  unitId: number;
  digestTime: string;
  settings: unknown;
}

/** When the digest of `date` is due in a chat with this digest time ("HH:mm"; a malformed one means 18:00). */
export function digestDueAt(digestTime: string, date: string, timeZone: string): Date {
  const minutes = parseTimeOfDay(digestTime) ?? DEFAULT_DIGEST_MINUTES;
  return new Date(startOfDate(date, timeZone).getTime() + minutes * 60_000);
}

/**
 * Whether a chat's digest of `date` sent at `now` is late (补发): more than half an hour after its digest time. The
 * one rule for the sweep, the card and the CLI.
 */
export function isLateDigest(digestTime: string, date: string, now: Date, timeZone: string): boolean {
  return now.getTime() - digestDueAt(digestTime, date, timeZone).getTime() > LATE_AFTER_MS;
}

/**
 * How the digest of `date` posted at `now` is marked: early before the chat's digest time (not the day's digest),
 * otherwise late (补发) by {@link isLateDigest}.
 */
export function digestMark(digestTime: string, date: string, now: Date, timeZone: string): DigestMark {
  if (now.getTime() < digestDueAt(digestTime, date, timeZone).getTime()) return { early: true };
  return { late: isLateDigest(digestTime, date, now, timeZone) };
}

/** The chats that get digests, optionally only one. */
export async function digestChats(deps: Pick<JobDeps, "db">, chatId?: string): Promise<DigestChat[]> {
  return deps.db.chatBinding.findMany({
    where: { purpose: { in: [...DIGEST_PURPOSES] }, ...(chatId ? { chatId } : {}) },
    select: { chatId: true, name: true, unitId: true, digestTime: true, settings: true },
    orderBy: { id: "asc" },
  });
}

/**
 * The first digest time after `after` (and not after `until`, unless null) of a chat that gets digests, on a day
 * whose digest was not sent (claimed) yet; null when there is none. Reads only.
 */
async function nextDigestAt(
  deps: Pick<JobDeps, "db" | "timeZone">,
  after: Date,
  until: Date | null,
): Promise<Date | null> {
  const chats = (await digestChats(deps)).filter((c) => clockSettings(c.settings).digest);
  // Today's, tomorrow's and the day after's: a chat's next digest time is on one of them.
  const dates: string[] = [];
  for (let day = after; dates.length < 3; day = localPeriod(day, "day", deps.timeZone).to) {
    dates.push(localDateString(day, deps.timeZone));
  }
  const done = await claimedKeys(
    deps.db,
    chats.flatMap((c) => dates.map((d) => digestKey(c.chatId, d))),
  );
  let best: Date | null = null;
  for (const chat of chats) {
    const next = dates
      .filter((d) => !done.has(digestKey(chat.chatId, d)))
      .map((d) => digestDueAt(chat.digestTime, d, deps.timeZone))
      .find((at) => at.getTime() > after.getTime());
    if (next && (best === null || next.getTime() < best.getTime())) best = next;
  }
  return best !== null && until !== null && best.getTime() > until.getTime() ? null : best;
}

/**
 * Sends every digest due at `now` for today's local date that was not sent yet, and reports them. With `dryRun` it
 * only reports which it would send.
 */
export async function runDigestSweep(deps: JobDeps, now: Date, options: SweepOptions = {}): Promise<SweepNotice[]> {
  const date = localDateString(now, deps.timeZone);
  const dueAt = (chat: DigestChat) => digestDueAt(chat.digestTime, date, deps.timeZone).getTime();
  // Today's digests due now, and those due within the warm-up (warmChartsBefore), not sent yet.
  const soon = now.getTime() + WARM_AHEAD_MS;
  const chats = (await digestChats(deps)).filter((c) => clockSettings(c.settings).digest && dueAt(c) <= soon);
  const done = await claimedKeys(
    deps.db,
    chats.map((c) => digestKey(c.chatId, date)),
  );
  const unsent = chats.filter((c) => !done.has(digestKey(c.chatId, date)));
  const due = unsent.filter((c) => dueAt(c) <= now.getTime());
  const noticeOf = (chat: DigestChat) => ({
    key: digestKey(chat.chatId, date),
    chatId: chat.chatId,
    summary: `${date} ${DIGEST_NAME}${isLateDigest(chat.digestTime, date, now, deps.timeZone) ? DIGEST_MARKS.late : ""} → ${chat.name ?? chat.chatId}`,
  });
  if (options.dryRun) return due.map(noticeOf);
  if (due.length === 0) {
    if (unsent.length > 0) await warmChartsBefore(deps);
    return [];
  }
  // Every due digest's figures in one pass (at 18:00 that is every chat's), then each presented and queued.
  const specs = due.map((chat) => digestSpec(chat, date, now, deps.timeZone));
  const built = await buildDigests(
    deps.db,
    specs.map((spec) => digestRequest(deps, spec, now)),
  );
  // Charts render on the chart threads, a few at a time, and digests are queued in this order as they are ready, so
  // the outbox sends the first while later ones are drawn. The digests without a chart come first, each part in chat
  // order: at 18:00 the outbox sends them while the first charts are drawn (a fifth of a city's digests, which
  // otherwise waited behind charts while the outbox had nothing to send).
  const charted = built.map((data) => digestChartInput(data) !== null);
  const order = due.map((_, i) => i).sort((a, b) => Number(charted[a]) - Number(charted[b]));
  const limit = pLimit(DIGESTS_AT_ONCE);
  const presented = new Map(
    order.map((i) => [
      i,
      limit(() => presentDigest(deps, built[i] as DigestData, specs[i] as DigestSpec)).then(
        (digest) => ({ digest }),
        (error: unknown) => ({ error }),
      ),
    ]),
  );
  const notices = new Map<number, SweepNotice>();
  for (const i of order) {
    const chat = due[i] as DigestChat;
    try {
      const outcome = await presented.get(i);
      if (!outcome || "error" in outcome) throw outcome?.error;
      if (await queueDigest(deps, chat, date, now, outcome.digest.card)) {
        notices.set(i, noticeOf(chat));
        // Sent while later digests are drawn: the outbox would otherwise find them at its next poll, seconds on.
        deps.queued?.();
      }
    } catch (error) {
      deps.log.error({ err: error, chatId: chat.chatId, date }, "digest failed; trying again on the next sweep");
    }
  }
  // Reported in chat order.
  return due.flatMap((_, i) => notices.get(i) ?? []);
}

/**
 * Starts the chart thread, a few minutes before a digest time today ({@link WARM_AHEAD_MS}): its first chart (the
 * thread, ECharts, the renderer and the fonts loaded) takes 1–2 s, which at 18:00 held up the first of a city's 420
 * digests and so all of them. The thread is kept once started, so this matters on the first evening after a start. A
 * warm-up that fails is logged; the digests then start the thread themselves.
 */
async function warmChartsBefore(deps: JobDeps): Promise<void> {
  try {
    if (await warmChartThread()) deps.log.info("chart thread started before the digest time");
  } catch (error) {
    deps.log.warn({ err: error }, "the chart thread could not be started before the digest time");
  }
}

function digestSpec(chat: DigestChat, date: string, now: Date, timeZone: string): DigestSpec {
  const mark = digestMark(chat.digestTime, date, now, timeZone);
  const { minRankedIssues, scoring } = clockSettings(chat.settings);
  return { unitId: chat.unitId, date, minRankedIssues, scoring, ...mark };
}

/**
 * Posts a chat's digest of `date` as observed at `now`. From the chat's digest time on it is the day's digest, claimed
 * once per chat and date in the same transaction (补发 when late); false when it had been sent already. Before that
 * time it is an early copy (`riqing digest --force`): titled 截至 HH:mm, queued under a key of its own and not
 * claimed, so the day's digest still goes out at its time.
 */
export async function postDigest(deps: JobDeps, chat: DigestChat, date: string, now: Date): Promise<boolean> {
  const { card } = await prepareDigest(deps, digestSpec(chat, date, now, deps.timeZone), now);
  return queueDigest(deps, chat, date, now, card);
}

/** Claims (unless early) and queues a chat's presented digest card; false when the day's digest was sent already. */
async function queueDigest(deps: JobDeps, chat: DigestChat, date: string, now: Date, card: Card): Promise<boolean> {
  const mark = digestMark(chat.digestTime, date, now, deps.timeZone);
  const key = mark.early ? `digest-early:${chat.chatId}:${date}:${now.getTime()}` : digestKey(chat.chatId, date);
  return transaction(deps.db, async (tx) => {
    const data = { unitId: chat.unitId, date, late: mark.late ?? false };
    if (!mark.early && !(await claimOnce(tx, key, "digest.daily", data))) return false;
    await enqueue(tx, {
      key,
      kind: "send",
      chatId: chat.chatId,
      target: chat.chatId,
      msgType: "interactive",
      content: JSON.stringify(card),
    });
    return true;
  });
}

/** The evening digest: each bound chat's at its digest time, once a day. */
export const digestJob: Job = {
  name: "digest.daily",
  schedule: "* * * * *",
  run: runDigestSweep,
  nextDueAt: nextDigestAt,
};
