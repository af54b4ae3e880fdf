/**
 * Outbound pacing: an evening's worth of digests and reminders leaves through the real outbox sender and Lark client
 * to the emulator, which enforces Lark's limits (50/s and 1000/min per API, 5/s per chat). The rows are what the
 * product writes: the reminder sweep's thread reminders and escalations (run for real, so it claims and enqueues),
 * and each work and leader group's digest card built from buildDigest (without the ranking chart, whose rendering
 * is timed in the digest section). Measured: the time from the sender's start to the last message, against the
 * earliest finish Lark's limits allow for the same messages, and every rate-limit answer (there must be none). The
 * city's people are users of the emulated tenant and members of their chats, so every mention goes as written: what
 * Lark refused (a row failed, a message sent again without its mentions, any other unexpected call) fails the run.
 *
 * Then the city's 18:00 for real (issue 17): the digest sweep at the digest time — every work and leader group's digest
 * with its ranking chart (drawn on the chart thread, which the sweep of a few minutes before started), the chart
 * uploaded and the card queued — while the outbox sender runs, as in the bot. Measured: the time from the sweep's start to the last digest sent, against the earliest finish
 * Lark's limits allow for its uploads and sends (each API's 50/s and 1000/min, 5/s per chat; a lower bound: it lets a
 * send go before its chart's upload), and how long the sweep itself took (every digest prepared and queued).
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Database from "libsql";
import { DEFAULT_OFFICE_HOURS } from "../src/config/office-hours.ts";
import { openDb } from "../src/db/client.ts";
import { openSqlite, sqlitePath } from "../src/db/sqlite-file.ts";
import { DEFAULT_MIN_RANKED_ISSUES } from "../src/domain/metrics.ts";
import { type ApiCall, LarkEmulator } from "../src/emulator/index.ts";
import { digestDueAt, digestKey, runDigestSweep } from "../src/jobs/digest-sweep.ts";
import { runReminderSweep } from "../src/jobs/reminder-sweep.ts";
import { LarkClient } from "../src/lark/client.ts";
import { enqueue, OutboxSender } from "../src/lark/outbox.ts";
import { ImageKeys } from "../src/lark/photos.ts";
import { silentLogger } from "../src/log.ts";
import { digestCard } from "../src/presenters/digest-card.ts";
import { buildDigest } from "../src/reports/digest.ts";
import { generateCity } from "./city/generate.ts";
import { type BoundCall, earliestFinish, LARK_LIMITS } from "./lib/lark-bound.ts";
import { round } from "./lib/stats.ts";

const APP_ID = "cli_benchpacing000001";
const APP_SECRET = "bench-secret";

/** Options of {@link runPacing}. */
export interface PacingOptions {
  streets: number;
  communitiesPerStreet: number;
  /** Thread reminders due (the rest of the messages are digests and escalations). */
  reminders: number;
  now: Date;
  date: string;
  timeZone: string;
  seed: number;
  timeoutMs: number;
  keepDir?: boolean;
}

function isRateLimited(call: ApiCall): boolean {
  return call.status === 429 || call.code === 230020 || call.code === 99991400;
}

/**
 * Counts, from now on, what Lark refused while an outbox sender runs: the messages the outbox had to send again
 * without their mentions, and the emulator's unexpected answers other than rate limits (counted apart). Both must be
 * 0 (the harness fails otherwise): a refusal makes a part measure retries instead of sending.
 */
function watchRefusals(emu: LarkEmulator) {
  const from = emu.unexpectedCalls.length;
  let mentionRefusals = 0;
  return {
    onMentionRefused: () => {
      mentionRefusals++;
    },
    counts: () => ({
      mentionRefusals,
      unexpected: emu.unexpectedCalls.slice(from).filter((u) => !(u.call && isRateLimited(u.call))).length,
    }),
  };
}

/** A chat of the city's database: its id, name and unit. */
type BoundChat = { chatId: string; name: string; unitId: number };

/**
 * The generated city's tenant on the Lark side, read from its database: every Person a user (same open_id and name),
 * since Lark refuses a card that @-mentions an open_id it does not know (230099); every bound chat a group with the
 * bot, whose members are the people with a duty in the chat's unit, in the departments beside it (a street's
 * departments answer for issues in its communities) or in the units beneath them — everyone its cards mention, and
 * the reporters of its issues. Returns the chats.
 */
function registerCity(emu: LarkEmulator, sqlite: Database.Database): BoundChat[] {
  const people = sqlite.prepare(`SELECT openId, name FROM Person`).all() as { openId: string; name: string }[];
  for (const person of people) emu.addUser(person);
  const chats = sqlite
    .prepare(
      `WITH RECURSIVE reach(chatId, unitId) AS (
         SELECT chatId, unitId FROM ChatBinding
         UNION
         SELECT chat.chatId, department.id FROM ChatBinding chat
           JOIN Unit own ON own.id = chat.unitId
           JOIN Unit department ON department.parentId = own.parentId AND department.level = 'department'
         UNION
         SELECT reach.chatId, Unit.id FROM reach JOIN Unit ON Unit.parentId = reach.unitId
       )
       SELECT chat.chatId, chat.name, chat.unitId, json_group_array(DISTINCT Person.openId) AS members
       FROM ChatBinding chat JOIN reach ON reach.chatId = chat.chatId
         JOIN Duty ON Duty.unitId = reach.unitId JOIN Person ON Person.id = Duty.personId
       GROUP BY chat.chatId`,
    )
    .all() as (BoundChat & { members: string })[];
  for (const chat of chats) {
    emu.addChat({ chatId: chat.chatId, name: chat.name, members: JSON.parse(chat.members) as string[] });
  }
  return chats;
}

/** Runs the pacing benchmark (see the module comment). */
export async function runPacing(options: PacingOptions): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), "riqing-bench-pacing-"));
  const databaseUrl = `file:${join(dir, "riqing.db")}`;
  const emu = await LarkEmulator.start({ appId: APP_ID, appSecret: APP_SECRET, callLogLimit: 100 });
  try {
    const city = await generateCity({
      databaseUrl,
      streets: options.streets,
      communitiesPerStreet: options.communitiesPerStreet,
      gridsPerCommunity: 2,
      // Enough issues that the last day holds the reminders wanted (about 1.5 × as many as due, per day).
      issues: Math.max(2_000, Math.round(options.reminders * 14 * 1.5)),
      days: 14,
      dueTarget: options.reminders,
      dueFromHours: 24,
      now: options.now,
      date: options.date,
      timeZone: options.timeZone,
      seed: options.seed,
    });

    // The people, the chats and the messages reminders reply to must exist on the Lark side.
    const sqlite = openSqlite(sqlitePath(databaseUrl));
    const chats = registerCity(emu, sqlite);
    const due = sqlite
      .prepare<{ now: number }>(
        `SELECT Issue.id, sourceChatId, Person.openId AS reporter FROM Issue JOIN Person ON Person.id = reporterId
         WHERE status IN ('reported', 'assigned', 'accepted')
           AND deadline >= @now - ${15 * 24 * 3_600_000} AND deadline <= @now + ${72 * 3_600_000}`,
      )
      .all({ now: options.now.getTime() }) as { id: number; sourceChatId: string; reporter: string }[];
    const setSource = sqlite.prepare(`UPDATE Issue SET sourceMessageId = ? WHERE id = ?`);
    for (const issue of due) {
      const sent = await emu.userSends({
        chatId: issue.sourceChatId,
        from: issue.reporter,
        text: `上报：问题 ${issue.id}`,
      });
      setSource.run(sent.messageId, issue.id);
    }

    // What the product writes: the reminder sweep for real, and every digest card.
    const db = await openDb(databaseUrl);
    const deps = {
      db,
      log: silentLogger,
      timeZone: options.timeZone,
      officeHours: DEFAULT_OFFICE_HOURS,
      dataDir: dir,
      admins: [],
      policy: {},
      publishPhotos: async () => [],
      uploadFile: async () => "file_bench",
    };
    let started = performance.now();
    const notices = await runReminderSweep(deps, options.now, {});
    const sweepMs = performance.now() - started;
    started = performance.now();
    for (const chat of chats) {
      const data = await buildDigest(db, {
        unitId: chat.unitId,
        date: options.date,
        now: options.now,
        timeZone: options.timeZone,
        minRankedIssues: DEFAULT_MIN_RANKED_ISSUES,
      });
      await enqueue(db, {
        // Not under the sweep's claim key: the 18:00 part queues the same digests under it, and the same key would
        // send Lark the same uuid, which it answers with this first message instead of sending another.
        key: `bench:${digestKey(chat.chatId, options.date)}`,
        kind: "send",
        chatId: chat.chatId,
        target: chat.chatId,
        msgType: "interactive",
        content: JSON.stringify(digestCard(data, { imageKey: null })),
      });
    }
    const digestsMs = performance.now() - started;
    const rows = sqlite
      .prepare(`SELECT kind, chatId, length(content) AS size FROM OutboxMessage WHERE status = 'pending'`)
      .all() as { kind: string; chatId: string | null; size: number }[];
    sqlite.close();

    // Send them all and watch.
    const calls: ApiCall[] = [];
    const onCall = (call: ApiCall) => {
      if (call.method === "POST" && call.path.startsWith("/open-apis/im/v1/messages")) calls.push(call);
    };
    emu.on("call", onCall);
    let done = 0;
    let failed = 0;
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const settle = () => {
      if (done + failed >= rows.length) finish();
    };
    const client = new LarkClient({ appId: APP_ID, appSecret: APP_SECRET, domain: emu.baseUrl, logger: silentLogger });
    const refusals = watchRefusals(emu);
    const sender = new OutboxSender({
      db,
      client,
      logger: silentLogger,
      onMentionRefused: refusals.onMentionRefused,
      onSent: () => {
        done++;
        settle();
      },
      onFailed: () => {
        failed++;
        settle();
      },
    });
    const start = Date.now();
    sender.start();
    const timedOut = await Promise.race([
      finished.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(resolve, options.timeoutMs, true).unref()),
    ]);
    await sender.stop();
    // The 18:00 part's sends are its own: this part's last message and rate-limit answers are counted without them.
    emu.off("call", onCall);
    const refused = refusals.counts();
    const burst = await digestBurst({ db, deps, client, emu, options, timeoutMs: options.timeoutMs });
    await db.$disconnect();

    const ok = calls.filter((c) => c.status === 200 && c.code === 0);
    const last = Math.max(...ok.map((c) => c.time));
    const bound: BoundCall[] = rows.map((r) => ({
      keys: [`api:${r.kind}`, `chat:${r.chatId}`],
      release: start,
    }));
    const minimumMs = earliestFinish(bound, LARK_LIMITS) - start;
    const takenMs = last - start;
    const byKind = (kind: string) => rows.filter((r) => r.kind === kind).length;
    return {
      messages: rows.length,
      chats: new Set(rows.map((r) => r.chatId)).size,
      sends: byKind("send"),
      replies: byKind("reply"),
      reminderNotices: notices.length,
      remindersDue: city.due,
      averageCardKB: round(rows.reduce((sum, r) => sum + r.size, 0) / Math.max(1, rows.length) / 1024, 1),
      setup: {
        citySeconds: round(city.seconds, 1),
        reminderSweepSeconds: round(sweepMs / 1000, 2),
        digestsSeconds: round(digestsMs / 1000, 2),
      },
      sent: done,
      failed,
      timedOut,
      takenSeconds: round(takenMs / 1000, 2),
      minimumSeconds: round(minimumMs / 1000, 2),
      ratio: round(minimumMs / takenMs, 3),
      rateLimited: calls.filter(isRateLimited).length,
      ...refused,
      burst,
    };
  } finally {
    await emu.close();
    if (options.keepDir) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

interface BurstInput {
  db: Awaited<ReturnType<typeof openDb>>;
  deps: Omit<Parameters<typeof runDigestSweep>[0], "publishPhotos">;
  client: LarkClient;
  emu: LarkEmulator;
  options: PacingOptions;
  timeoutMs: number;
}

/** The 18:00 digest sweep for real, with the outbox sending as it goes (see the module comment). */
async function digestBurst(input: BurstInput): Promise<Record<string, unknown>> {
  const { db, client, emu, options } = input;
  const images = new ImageKeys(db, client);
  const deps = {
    ...input.deps,
    publishPhotos: async (photos: { sha256: string; path: string }[]) => {
      return images.ofPhotos(input.deps.dataDir, photos);
    },
    // As in the bot: the sweep tells the sender of each digest it queued.
    queued: () => sender.notify(),
  };
  const calls: ApiCall[] = [];
  emu.on("call", (call) => {
    if (call.method === "POST" && /^\/open-apis\/im\/v1\/(images|messages)/.test(call.path)) calls.push(call);
  });
  let sent = 0;
  let failed = 0;
  let expected = Number.POSITIVE_INFINITY;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const settle = () => {
    if (sent + failed >= expected) finish();
  };
  const refusals = watchRefusals(emu);
  const sender = new OutboxSender({
    db,
    client,
    logger: silentLogger,
    onMentionRefused: refusals.onMentionRefused,
    onSent: () => {
      sent++;
      settle();
    },
    onFailed: () => {
      failed++;
      settle();
    },
  });
  const at = digestDueAt("18:00", options.date, options.timeZone);
  // The scheduler's sweep of a few minutes before, which finds nothing due and starts the chart thread.
  await runDigestSweep(deps, new Date(at.getTime() - 3 * 60_000), {});
  const start = Date.now();
  sender.start();
  const notices = await runDigestSweep(deps, at, {});
  const sweepMs = Date.now() - start;
  expected = notices.length;
  settle();
  const timedOut = await Promise.race([
    finished.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(resolve, input.timeoutMs, true).unref()),
  ]);
  await sender.stop();
  const ok = calls.filter((c) => c.status === 200 && c.code === 0);
  const uploads = ok.filter((c) => c.path.endsWith("/images"));
  const sends = ok.filter((c) => c.path.includes("/messages"));
  const bound: BoundCall[] = [
    ...uploads.map(() => ({ keys: ["api:image"], release: start })),
    ...notices.map((n) => ({ keys: ["api:send", `chat:${n.chatId}`], release: start })),
  ];
  const minimumMs = earliestFinish(bound, LARK_LIMITS) - start;
  const takenMs = Math.max(...sends.map((c) => c.time)) - start;
  return {
    digests: notices.length,
    uploads: uploads.length,
    sent,
    failed,
    timedOut,
    sweepSeconds: round(sweepMs / 1000, 2),
    takenSeconds: round(takenMs / 1000, 2),
    minimumSeconds: round(minimumMs / 1000, 2),
    takenOverMinimum: round(takenMs / minimumMs, 2),
    rateLimited: calls.filter(isRateLimited).length,
    ...refusals.counts(),
  };
}
