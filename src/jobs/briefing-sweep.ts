/**
 * The 工作简报 (behaviour §15) as a sweep: each leader group bound to a street gets the briefing of the week just ended
 * on Monday and of the month just ended on the 1st, at its briefing time (default 09:00 local), as a card with the
 * headline figures and the .docx as a file message.
 *
 * Exactly once per chat, cadence and period: the claim key `briefing:<chatId>:<week|month>:<first day>` is taken in
 * the transaction that queues both messages (behaviour §15.5). The document is made and uploaded before the claim
 * (an upload cannot join a transaction); a second instance racing for the same slot at worst uploads a copy nobody
 * posts, and gets the same number (db/briefing-numbers.ts). A briefing missed while the bot was down goes out when it
 * is back, within {@link LATE_LIMIT_MS} of its time; an older one is news to nobody (and a new install does not post
 * last month's the first time it starts).
 */

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { JobDeps } from "../commands/deps.ts";
import { prepareBriefing } from "../commands/prepare-briefing.ts";
import { claimedKeys, claimOnce } from "../db/once.ts";
import { transaction } from "../db/transaction.ts";
import { briefingPeriod, CADENCES, type Cadence, lastEndedPeriod } from "../domain/briefing-period.ts";
import { type ClockSettings, clockSettings } from "../domain/clock-settings.ts";
import { localDateString, type Period } from "../domain/deadline.ts";
import { enqueue } from "../lark/outbox.ts";
import { briefingCard } from "../presenters/briefing-card.ts";
import { briefingSummary, issueNumber } from "../texts/briefing.ts";
import type { Job, SweepNotice, SweepOptions } from "./job.ts";

/** How long after its time a briefing is still sent. */
const LATE_LIMIT_MS = 3 * 24 * 3_600_000;

/** A leader group of a street, as the sweep reads it. */
interface BriefingChat {
  chatId: string;
  name: string | null;
  unitId: number;
  settings: ClockSettings;
}

/** Claim key (and outbox key of the card) of a chat's briefing of one period. */
export function briefingKey(chatId: string, cadence: Cadence, period: Period, timeZone: string): string {
  return `briefing:${chatId}:${cadence}:${localDateString(period.from, timeZone)}`;
}

/** The leader groups bound to a street. */
async function briefingChats(deps: Pick<JobDeps, "db">): Promise<BriefingChat[]> {
  const rows = await deps.db.chatBinding.findMany({
    where: { purpose: "leader", unit: { level: "street" } },
    select: { chatId: true, name: true, unitId: true, settings: true },
    orderBy: { id: "asc" },
  });
  return rows.map((row) => ({ ...row, settings: clockSettings(row.settings) }));
}

function enabled(chat: BriefingChat, cadence: Cadence): boolean {
  return cadence === "week" ? chat.settings.briefing.weekly : chat.settings.briefing.monthly;
}

/** When a period's briefing is due in a chat: its briefing time on the day after the period. */
function dueAt(chat: BriefingChat, period: Period): Date {
  return new Date(period.to.getTime() + chat.settings.briefing.time * 60_000);
}

/** One briefing a chat is due: which period, under which key. */
interface DueBriefing {
  chat: BriefingChat;
  cadence: Cadence;
  period: Period;
  key: string;
}

/** The briefings due at `now` (the last period ended, its time come and not long gone) and not claimed yet. */
async function dueBriefings(deps: Pick<JobDeps, "db" | "timeZone">, now: Date): Promise<DueBriefing[]> {
  const candidates: DueBriefing[] = [];
  for (const chat of await briefingChats(deps)) {
    for (const cadence of CADENCES.filter((c) => enabled(chat, c))) {
      const period = lastEndedPeriod(cadence, now, deps.timeZone);
      const late = now.getTime() - dueAt(chat, period).getTime();
      if (late < 0 || late > LATE_LIMIT_MS) continue;
      candidates.push({ chat, cadence, period, key: briefingKey(chat.chatId, cadence, period, deps.timeZone) });
    }
  }
  const done = await claimedKeys(
    deps.db,
    candidates.map((c) => c.key),
  );
  return candidates.filter((c) => !done.has(c.key));
}

/**
 * Sends every briefing due at `now` that was not sent yet, and reports them; with `dryRun` it only reports which it
 * would send (and numbers nothing). A briefing that fails is logged and tried again at the next sweep.
 */
export async function runBriefingSweep(deps: JobDeps, now: Date, options: SweepOptions = {}): Promise<SweepNotice[]> {
  const due = await dueBriefings(deps, now);
  const notices: SweepNotice[] = [];
  for (const item of due) {
    try {
      const notice = options.dryRun ? await describe(deps, item, now) : await send(deps, item, now);
      if (notice) notices.push(notice);
    } catch (error) {
      deps.log.error(
        { err: error, chatId: item.chat.chatId, key: item.key },
        "briefing failed; trying again on the next sweep",
      );
    }
  }
  return notices;
}

function specOf(item: DueBriefing, dryRun: boolean) {
  const { chat, cadence, period } = item;
  return {
    unitId: chat.unitId,
    cadence,
    period,
    minRankedIssues: chat.settings.minRankedIssues,
    scoring: chat.settings.scoring,
    settings: chat.settings.briefing,
    dryRun,
  };
}

function noticeOf(item: DueBriefing, unitName: string, number: number, periodName: string): SweepNotice {
  return {
    key: item.key,
    chatId: item.chat.chatId,
    summary: briefingSummary(unitName, issueNumber(number), periodName, item.chat.name ?? item.chat.chatId),
  };
}

async function describe(deps: JobDeps, item: DueBriefing, now: Date): Promise<SweepNotice> {
  const { data } = await prepareBriefing(deps, specOf(item, true), now);
  return noticeOf(item, data.unit.name, data.number, data.periodName);
}

/** Makes, uploads and (if still unclaimed) queues one briefing; null when another process sent it meanwhile. */
async function send(deps: JobDeps, item: DueBriefing, now: Date): Promise<SweepNotice | null> {
  const { data, docx, fileName } = await prepareBriefing(deps, specOf(item, false), now);
  // A folder of this attempt's own: another instance may be writing the same briefing at the same moment.
  await mkdir(join(deps.dataDir, "briefings"), { recursive: true });
  const dir = await mkdtemp(join(deps.dataDir, "briefings", `${item.cadence}-`));
  try {
    const path = join(dir, fileName);
    await writeFile(path, docx);
    const fileKey = await deps.uploadFile(path, fileName);
    const sent = await transaction(deps.db, async (tx) => {
      const claim = { unitId: item.chat.unitId, cadence: item.cadence, number: data.number };
      if (!(await claimOnce(tx, item.key, "briefing", claim))) return false;
      const message = { kind: "send", chatId: item.chat.chatId, target: item.chat.chatId } as const;
      await enqueue(tx, {
        ...message,
        key: item.key,
        msgType: "interactive",
        content: JSON.stringify(briefingCard(data)),
      });
      await enqueue(tx, { ...message, key: `${item.key}:file`, msgType: "file", content: { file_key: fileKey } });
      return true;
    });
    return sent ? noticeOf(item, data.unit.name, data.number, data.periodName) : null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The first instant after `after` (and not after `until`, unless null) at which a leader group's briefing falls due
 * and was not sent: the briefing time after the period containing `after`, or after the one before it when that one
 * is still unsent. Reads only.
 */
async function nextBriefingAt(
  deps: Pick<JobDeps, "db" | "timeZone">,
  after: Date,
  until: Date | null,
): Promise<Date | null> {
  const candidates: { at: Date; key: string }[] = [];
  for (const chat of await briefingChats(deps)) {
    for (const cadence of CADENCES.filter((c) => enabled(chat, c))) {
      for (const period of [
        lastEndedPeriod(cadence, after, deps.timeZone),
        briefingPeriod(cadence, after, deps.timeZone),
      ]) {
        const at = dueAt(chat, period);
        if (at.getTime() > after.getTime()) {
          candidates.push({ at, key: briefingKey(chat.chatId, cadence, period, deps.timeZone) });
        }
      }
    }
  }
  const done = await claimedKeys(
    deps.db,
    candidates.map((c) => c.key),
  );
  const next = candidates
    .filter((c) => !done.has(c.key) && (until === null || c.at.getTime() <= until.getTime()))
    .sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  return next?.at ?? null;
}

/** The weekly and monthly 工作简报: each street leader group's, once per period. */
export const briefingJob: Job = {
  name: "briefing.periodic",
  schedule: "* * * * *",
  run: runBriefingSweep,
  nextDueAt: nextBriefingAt,
};
