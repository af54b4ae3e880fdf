/**
 * Ingest benchmark: signed, encrypted im.message.receive_v1 report events (a photo and report text each, spread over
 * the work groups of a generated org, a share of them delivered twice) are POSTed on an open-loop schedule, first to
 * the bare SDK dispatcher (baseline), then to the real bot in webhook mode with the emulator as Lark (photo
 * downloads and uploads, card replies). Measured: acknowledgement latency of both, filing latency (event sent → issue
 * and photo committed, seen by polling the bot's database), filing throughput, reply delivery against what Lark's
 * limits allow, the outbox's drain time, the bot's peak RSS, and lost or duplicated issues and cards.
 */

import { randomFillSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundle } from "../../scripts/build.js";
import { openDb } from "../../src/db/client.ts";
import { closeInboxDb, openInboxDb } from "../../src/db/inbox-db.ts";
import { migrate } from "../../src/db/migrate.ts";
import { type ApiCall, LarkEmulator } from "../../src/emulator/index.ts";
import { importOrg } from "../../src/org/import-org.ts";
import { createPostgresDatabase } from "../../test/support/postgres.ts";
import { ask, isTyped, nextMessage, startChild, waitForExit } from "../lib/child.ts";
import { type BoundCall, earliestFinish, LARK_LIMITS, type LimitRules } from "../lib/lark-bound.ts";
import { summarizeProfile } from "../lib/profile.ts";
import { intBetween, pick, seeded } from "../lib/rng.ts";
import { epochNow, round, roundSummary, summarize } from "../lib/stats.ts";
import { reportText } from "../lib/texts.ts";
import type { LoadResult, LoadRun, PreparedRequest } from "./load.ts";
import { writeIngestOrg } from "./org.ts";
import type { ServerConfig } from "./server.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const APP_ID = "cli_benchbenchbench01";
const APP_SECRET = "bench-secret";
const ENCRYPT_KEY = "bench-encrypt-key";
const VERIFICATION_TOKEN = "bench-verification-token";
const POLL_MS = 10;
/** Rows that may commit after a higher id did: at most the transactions the bots run at once, with room to spare. */
const LATE_COMMITS = 500;

/** One ingest scenario. */
export interface IngestOptions {
  /**
   * "lark-limits": Lark's limits everywhere; "capacity": per-app API limits lifted in the emulator and the pacer;
   * "capacity-3": the same with three instances of the bot sharing a PostgreSQL database.
   */
  label: "lark-limits" | "capacity" | "capacity-3";
  chats: number;
  /** Distinct reports (messages); redeliveries come on top. */
  messages: number;
  /** Offered requests per second (originals and redeliveries alike). */
  rate: number;
  /** Share of the messages delivered a second time (half with the same event_id, half with a new one). */
  redeliverFraction: number;
  photoKB: number;
  seed: number;
  /** Give up waiting for the bot to finish after this long (from the first request). */
  settleTimeoutMs: number;
  /** Write a CPU profile of the bot process here. */
  profileDir?: string;
  keepDir?: boolean;
  /** Run the bot on PostgreSQL: the admin URL of a server, on which a database of its own is created. */
  postgres?: string;
  /** Bot instances sharing the database, the requests spread over them as a load balancer would (PostgreSQL). */
  instances?: number;
}

interface Message {
  messageId: string;
  eventId: string;
  chatId: string;
}

interface PlannedRequest {
  message: number;
  kind: "first" | "same-event" | "new-event";
}

/** A JPEG-looking photo of `kb` kilobytes, different every time (photos are stored by content hash). */
function photo(kb: number): Buffer {
  const data = Buffer.alloc(Math.max(64, kb * 1024));
  randomFillSync(data);
  data.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00], 0);
  data.set([0xff, 0xd9], data.length - 2);
  return data;
}

/** Originals in message order; each redelivery lands a little after its original, among later messages. */
function plan(options: IngestOptions, random: () => number): PlannedRequest[] {
  const slots: { at: number; request: PlannedRequest }[] = [];
  const maxOffset = Math.max(10, Math.round(options.rate));
  for (let i = 0; i < options.messages; i++) {
    slots.push({ at: i, request: { message: i, kind: "first" } });
    if (random() < options.redeliverFraction) {
      const kind = random() < 0.5 ? "same-event" : "new-event";
      slots.push({ at: i + intBetween(random, 1, maxOffset) + 0.5, request: { message: i, kind } });
    }
  }
  return slots.sort((a, b) => a.at - b.at).map((s) => s.request);
}

interface LoadOutcome {
  result: LoadResult;
  ackMs: number[];
  failed: number;
}

async function runLoad(urls: string[], rate: number, requestsFile: string): Promise<LoadOutcome> {
  const child = startChild(join(HERE, "load.ts"));
  try {
    await nextMessage(child, (m) => (isTyped(m) && m.type === "ready" ? true : undefined), 30_000);
    const job: LoadRun = { type: "run", urls, rate, requestsFile, timeoutMs: 30_000 };
    const result = await ask<LoadResult>(child, job, 30 * 60_000);
    const ackMs: number[] = [];
    let failed = 0;
    for (const [i, status] of result.status.entries()) {
      if (status === 200) ackMs.push((result.ackAt[i] ?? 0) - (result.sentAt[i] ?? 0));
      else failed++;
    }
    return { result, ackMs, failed };
  } finally {
    child.kill();
    await waitForExit(child, 5_000);
  }
}

interface ServerStats {
  maxRssMB: number;
  /** CPU time and SQL statements since the server was ready. */
  cpuMs: number;
  statements: number;
  rssMB: number;
  heapUsedMB: number;
  /** How long the event loop was held up since ready: p99 and longest. */
  loopDelayMs: { p99: number; max: number };
}

/** The Node flags `npm start` runs the bot with (package.json), so the bot is measured as it runs in production. */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(HERE, "../../package.json"), "utf8")) as { scripts: { start: string } };
  return (
    /^node((?: --\S+)*) (?:bin|dist)\/riqing\.js start$/.exec(pkg.scripts.start)?.[1]?.split(" ").filter(Boolean) ?? []
  );
}

let serverBuilt: Promise<string> | undefined;

/**
 * server.ts and the bot built as `npm start` runs it (scripts/build.js: JavaScript, the bot's packages loaded when a
 * path needs them, no TypeScript loader), into dist-bench/ beside dist/; once per process.
 */
function builtServer(): Promise<string> {
  if (!serverBuilt) {
    const outdir = join(HERE, "../../dist-bench");
    serverBuilt = bundle({ "ingest-server": join(HERE, "server.ts") }, outdir).then(() =>
      join(outdir, "ingest-server.js"),
    );
  }
  return serverBuilt;
}

async function startServer(config: ServerConfig, nodeFlags: string[]) {
  const env = { BENCH_SERVER: JSON.stringify(config) };
  const child = startChild(await builtServer(), [], { env, nodeFlags });
  const port = await nextMessage(
    child,
    (m) => (isTyped(m) && m.type === "ready" ? (m as unknown as { port: number }).port : undefined),
    60_000,
  );
  return {
    url: `http://127.0.0.1:${port}/lark/events`,
    async stop(): Promise<ServerStats> {
      const stats = await ask<ServerStats>(child, { type: "stop" }, 120_000);
      await waitForExit(child, 30_000);
      return stats;
    },
    kill: () => child.kill("SIGKILL"),
  };
}

/** Lark rate-limit answers: HTTP 429 (per app) or code 230020 (per chat) / 99991400. */
function isRateLimited(call: ApiCall): boolean {
  return call.status === 429 || call.code === 230020 || call.code === 99991400;
}

/** Warnings and errors in the bot's log, by message. */
function logSummary(file: string): { warnings: number; errors: number; top: Record<string, number> } {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { warnings: 0, errors: 0, top: {} };
  }
  let warnings = 0;
  let errors = 0;
  const top: Record<string, number> = {};
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string };
      if ((entry.level ?? 0) >= 50) errors++;
      else if ((entry.level ?? 0) >= 40) warnings++;
      const key = entry.msg ?? "?";
      top[key] = (top[key] ?? 0) + 1;
    } catch {
      // a partial last line
    }
  }
  return { warnings, errors, top };
}

/** Keeps the busiest of the per-thread profiles in `dir` (the main thread's) as `target`, and removes `dir`. */
function keepMainThreadProfile(dir: string, target: string): void {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  const busiest = files
    .map((f) => ({ file: join(dir, f), summary: summarizeProfile(join(dir, f)) }))
    .sort((a, b) => b.summary.totalMs - b.summary.idleMs - (a.summary.totalMs - a.summary.idleMs))[0];
  if (busiest) renameSync(busiest.file, target);
  rmSync(dir, { recursive: true, force: true });
}

/** Runs one ingest scenario and returns its figures (see the module comment). */
export async function runIngest(options: IngestOptions): Promise<Record<string, unknown>> {
  const random = seeded(options.seed);
  const dir = mkdtempSync(join(tmpdir(), `riqing-bench-ingest-${options.label}-`));
  const lifted = options.label !== "lark-limits";
  const emu = await LarkEmulator.start({
    appId: APP_ID,
    appSecret: APP_SECRET,
    encryptKey: ENCRYPT_KEY,
    verificationToken: VERIFICATION_TOKEN,
    callLogLimit: 100,
    ...(lifted && { rateLimits: { perApiPerSecond: 1e9, perApiPerMinute: 1e9 } }),
  });
  const rules: LimitRules = lifted ? { chat: LARK_LIMITS.chat ?? [] } : LARK_LIMITS;
  const cleanups: (() => unknown)[] = [];
  try {
    // ── the org, in the bot's database and in the emulator ──
    const postgres = options.postgres ? await createPostgresDatabase(options.postgres) : undefined;
    if (postgres) cleanups.push(() => postgres.drop());
    const databaseUrl = postgres?.url ?? `file:${join(dir, "riqing.db")}`;
    await migrate(databaseUrl);
    const org = writeIngestOrg(join(dir, "org.yaml"), options.chats, random);
    const setupDb = await openDb(databaseUrl);
    const imported = await importOrg(setupDb, join(dir, "org.yaml"));
    await setupDb.$disconnect();
    if (!imported.ok) throw new Error(`bench org did not import: ${JSON.stringify(imported.problems.slice(0, 3))}`);
    for (const p of org.people) emu.addUser({ openId: p.openId, name: p.name });
    for (const c of [...org.chats, org.leaderChat]) emu.addChat({ chatId: c.chatId, name: c.name, members: c.members });

    // ── the messages: stored in the emulator (so the bot can download their photos), events kept for sending ──
    const messages: Message[] = [];
    for (let i = 0; i < options.messages; i++) {
      const chat = org.chats[i % org.chats.length];
      if (!chat) throw new Error("no chats");
      const reporter = pick(random, chat.reporters);
      const sent = await emu.userSends({
        chatId: chat.chatId,
        from: reporter.openId,
        text: reportText(random, pick(random, reporter.places)),
        images: [photo(options.photoKB)],
      });
      if (!sent.eventId) throw new Error("the emulator did not address the message to the bot");
      messages.push({ messageId: sent.messageId, eventId: sent.eventId, chatId: chat.chatId });
    }
    const envelopes = new Map(emu.events().map((e) => [e.eventId, e.envelope]));
    const planned = plan(options, random);
    const requests: PreparedRequest[] = planned.map(({ message, kind }) => {
      const envelope = envelopes.get((messages[message] as Message).eventId);
      if (!envelope) throw new Error("missing envelope");
      const payload = kind === "new-event" ? emu.buildEnvelope(envelope.header.event_type, envelope.event) : envelope;
      return emu.buildWebhookRequest(payload, { encrypt: true });
    });
    envelopes.clear();
    const requestsFile = join(dir, "requests.json");
    writeFileSync(requestsFile, JSON.stringify(requests));
    const firstRequest = new Map<number, number>();
    for (const [i, p] of planned.entries()) if (p.kind === "first") firstRequest.set(p.message, i);

    // ── baseline: the bare SDK dispatcher, same payloads, same schedule ──
    const sdkConfig: ServerConfig = {
      mode: "sdk",
      appId: APP_ID,
      appSecret: APP_SECRET,
      encryptKey: ENCRYPT_KEY,
      verificationToken: VERIFICATION_TOKEN,
    };
    const sdk = await startServer(sdkConfig, []);
    cleanups.push(sdk.kill);
    const baseline = await runLoad([sdk.url], options.rate, requestsFile);
    const sdkStats = await sdk.stop();

    // ── the bot ──
    const logFile = join(dir, "bot.log");
    const botConfig: ServerConfig = {
      ...sdkConfig,
      mode: "riqing",
      larkDomain: emu.baseUrl,
      databaseUrl,
      dataDir: dir,
      logFile,
      liftApiLimits: lifted,
    };
    // One profile per thread (the chart thread, if any, has its own); the main thread's is kept, as bot-<label>.cpuprofile.
    const profileRaw = options.profileDir ? join(options.profileDir, `raw-${options.label}`) : undefined;
    const profileFlags = profileRaw ? ["--cpu-prof", `--cpu-prof-dir=${profileRaw}`] : [];
    if (profileRaw) mkdirSync(profileRaw, { recursive: true });
    const bots = [await startServer(botConfig, [...startFlags(), ...profileFlags])];
    for (let i = 1; i < (options.instances ?? 1); i++) bots.push(await startServer(botConfig, startFlags()));
    for (const bot of bots) cleanups.push(bot.kill);

    const calls: ApiCall[] = [];
    emu.on("call", (call) => {
      if (call.path.startsWith("/open-apis/im/")) calls.push(call);
    });
    // The bot's database, watched from here (SQLite or PostgreSQL alike, through the product's client).
    const watch = await openDb(databaseUrl);
    const watchInbox = await openInboxDb(databaseUrl, watch);
    cleanups.push(() => watch.$disconnect());
    cleanups.push(() => closeInboxDb(watchInbox, watch));
    const backlogNow = async () => ({
      inbox: await watchInbox.inboundEvent.count({ where: { status: "pending" } }),
      outbox: await watch.outboxMessage.count({ where: { status: "pending" } }),
    });
    const committedAt = new Map<string, number>();
    let lastId = 0;
    let peakInbox = 0;
    let peakOutbox = 0;
    let polls = 0;
    let polling: Promise<void> | undefined;
    const pollOnce = async () => {
      const now = epochNow();
      // Ids are handed out when rows are written but seen when their transactions commit, which on PostgreSQL need
      // not be in id order: look a little behind the highest id seen.
      const rows = await watch.issue.findMany({
        where: { id: { gt: Math.max(0, lastId - LATE_COMMITS) } },
        orderBy: { id: "asc" },
        take: 10_000,
        select: { id: true, sourceMessageId: true },
      });
      for (const row of rows) {
        lastId = Math.max(lastId, row.id);
        if (row.sourceMessageId && !committedAt.has(row.sourceMessageId)) committedAt.set(row.sourceMessageId, now);
      }
      if (polls++ % 10 === 0) {
        const backlog = await backlogNow();
        peakInbox = Math.max(peakInbox, backlog.inbox);
        peakOutbox = Math.max(peakOutbox, backlog.outbox);
      }
    };
    // One poll at a time: a slow one is not piled on.
    const poll = () => {
      polling ??= pollOnce().finally(() => {
        polling = undefined;
      });
      return polling;
    };
    const poller = setInterval(poll, POLL_MS);
    cleanups.push(() => clearInterval(poller));

    const started = epochNow();
    const load = await runLoad(
      bots.map((bot) => bot.url),
      options.rate,
      requestsFile,
    );
    const loadDone = epochNow();
    // Wait (bounded) until every message is filed and nothing is left in the inbox or the outbox.
    let settled = false;
    while (epochNow() - started < options.settleTimeoutMs) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const state = await backlogNow();
      if (committedAt.size >= messages.length && state.inbox === 0 && state.outbox === 0) {
        settled = true;
        break;
      }
    }
    clearInterval(poller);
    await polling;
    await poll();
    const allStats = await Promise.all(bots.map((bot) => bot.stop()));
    const botStats = {
      maxRssMB: Math.max(...allStats.map((s) => s.maxRssMB)),
      cpuMs: allStats.reduce((n, s) => n + s.cpuMs, 0),
      statements: allStats.reduce((n, s) => n + s.statements, 0),
      loopDelayMs: {
        p99: Math.max(...allStats.map((s) => s.loopDelayMs.p99)),
        max: Math.max(...allStats.map((s) => s.loopDelayMs.max)),
      },
    };
    if (options.profileDir && profileRaw)
      keepMainThreadProfile(profileRaw, join(options.profileDir, `bot-${options.label}.cpuprofile`));

    // ── figures ──
    const firstSent = Math.min(...load.result.sentAt.filter(Number.isFinite));
    const filingMs: number[] = [];
    const commits: number[] = [];
    for (const [i, m] of messages.entries()) {
      const at = committedAt.get(m.messageId);
      const sentAt = load.result.sentAt[firstRequest.get(i) ?? -1];
      if (at === undefined || sentAt === undefined) continue;
      filingMs.push(at - sentAt);
      commits.push(at);
    }
    commits.sort((a, b) => a - b);
    const k10 = Math.floor(commits.length * 0.1);
    const k90 = Math.max(k10 + 1, Math.floor(commits.length * 0.9) - 1);
    const sustained = (k90 - k10) / (((commits[k90] ?? 0) - (commits[k10] ?? 0)) / 1000);

    const photos = {
      withPhoto: (await watch.photo.groupBy({ by: ["issueId"], where: { stage: "before" } })).length,
      issues: await watch.issue.count(),
    };
    const bySource = new Map(messages.map((m) => [m.messageId, m]));
    const cardsPerSource = new Map<string, number>();
    for (const m of emu.messages()) {
      if (m.sender.type === "app" && m.parentId && bySource.has(m.parentId)) {
        cardsPerSource.set(m.parentId, (cardsPerSource.get(m.parentId) ?? 0) + 1);
      }
    }
    const lost = messages.filter((m) => !committedAt.has(m.messageId)).length;
    const duplicatedIssues = Math.max(0, photos.issues - committedAt.size);
    const duplicatedCards = [...cardsPerSource.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);

    const replies = calls.filter((c) => c.method === "POST" && c.path.endsWith("/reply") && c.status === 200);
    const replyTimes = replies.map((c) => c.time).sort((a, b) => a - b);
    const boundCalls: BoundCall[] = replies.map((c) => {
      const source = decodeURIComponent(c.path.split("/")[5] ?? "");
      return {
        keys: ["api:reply", `chat:${bySource.get(source)?.chatId ?? source}`],
        release: committedAt.get(source) ?? firstSent,
      };
    });
    const lastReply = replyTimes[replyTimes.length - 1] ?? Number.NaN;
    const firstReply = replyTimes[0] ?? Number.NaN;
    const achievedRate = (replyTimes.length - 1) / ((lastReply - firstReply) / 1000);
    const chatsWithReplies = new Set(boundCalls.map((c) => c.keys[1])).size;
    const boundRate = lifted ? chatsWithReplies * 5 : Math.min(50, chatsWithReplies * 5);
    const boundFinish = earliestFinish(boundCalls, rules);
    const lastCommit = commits[commits.length - 1] ?? Number.NaN;
    const byApi = (suffix: RegExp) => calls.filter((c) => suffix.test(c.path) && c.status === 200).length;

    const ackBot = summarize(load.ackMs);
    const ackSdk = summarize(baseline.ackMs);
    const log = logSummary(logFile);
    return {
      label: options.label,
      chats: options.chats,
      messages: options.messages,
      requests: requests.length,
      redelivered: requests.length - options.messages,
      offeredRate: options.rate,
      photoKB: options.photoKB,
      limits: lifted
        ? "per-chat 5/s only (per-app API limits lifted)"
        : "Lark's: 50/s and 1000/min per API, 5/s per chat",
      settled,
      generatorLagMs: round(Math.max(load.result.lagMs, baseline.result.lagMs)),
      ack: {
        bot: roundSummary(ackBot, 2),
        sdkBaseline: roundSummary(ackSdk, 2),
        p99Ratio: round(ackBot.p99 / ackSdk.p99, 2),
        p50Ratio: round(ackBot.p50 / ackSdk.p50, 2),
        failedBot: load.failed,
        failedBaseline: baseline.failed,
      },
      filingMs: roundSummary(summarize(filingMs), 0),
      throughput: {
        sustainedPerSecond: round(sustained, 1),
        overallPerSecond: round(commits.length / ((lastCommit - firstSent) / 1000), 1),
        sendSeconds: round((loadDone - started) / 1000, 1),
      },
      replies: {
        sent: replies.length,
        achievedPerSecond: round(achievedRate, 1),
        boundPerSecond: boundRate,
        rateRatio: round(achievedRate / boundRate, 3),
        finishVsBound: round((boundFinish - firstSent) / (lastReply - firstSent), 3),
        drainSeconds: round((lastReply - lastCommit) / 1000, 2),
        peakOutboxBacklog: peakOutbox,
      },
      peakInboxBacklog: peakInbox,
      // Everything the bot(s) did while the load ran and drained (acknowledgements, duplicates and cards included),
      // per report filed.
      perReport: {
        statements: round(botStats.statements / committedAt.size, 1),
        cpuMs: round(botStats.cpuMs / committedAt.size, 2),
      },
      calls: {
        download: byApi(/\/resources\//),
        uploadImage: byApi(/\/images$/),
        reply: replies.length,
        rateLimited: calls.filter(isRateLimited).length,
        unexpected: emu.unexpectedCalls.filter((u) => !(u.call && isRateLimited(u.call))).length,
      },
      integrity: {
        filed: committedAt.size,
        lost,
        duplicatedIssues,
        duplicatedCards,
        issuesWithoutPhoto: Math.max(0, photos.issues - photos.withPhoto),
        messagesWithoutCard: messages.filter((m) => !cardsPerSource.has(m.messageId)).length,
      },
      rssMB: { botPeak: round(botStats.maxRssMB), sdkPeak: round(sdkStats.maxRssMB) },
      // The longest the bot's event loop was held up (a request waits that long before it is even read).
      loopDelayMs: { p99: round(botStats.loopDelayMs.p99, 1), max: round(botStats.loopDelayMs.max, 1) },
      botLog: log,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // already closed
      }
    }
    await emu.close();
    if (options.keepDir) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
