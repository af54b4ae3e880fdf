import { readFile } from "node:fs/promises";
import { createServer, type RequestListener, type Server } from "node:http";
import type Router from "@koa/router";
import { open311Routes } from "../api/open311-routes.ts";
import type { BoardFeed } from "../board/board-feed.ts";
import { boardRoutes } from "../board/board-routes.ts";
import { answerElsewhere } from "../commands/answer-elsewhere.ts";
import { BackgroundTasks } from "../commands/background.ts";
import type { FeatureDeps } from "../commands/deps.ts";
import { issueOfCardKey, issueOfCardPatchKey, renewIssueCard } from "../commands/sync-issue-card.ts";
import type { Config } from "../config/env.ts";
import { type Db, openDb, postgresOf } from "../db/client.ts";
import { databaseInfo } from "../db/database-info.ts";
import { closeInboxDb, inboxFile, openInboxDb } from "../db/inbox-db.ts";
import { AdvisoryLaneLocks } from "../db/lane-locks.ts";
import { migrate } from "../db/migrate.ts";
import { orgOf } from "../db/org-queries.ts";
import { transaction } from "../db/transaction.ts";
import { prepareMatching } from "../domain/match.ts";
import { boardCommand, handleBoardCardAction } from "../features/board-link.ts";
import { handleClockCardAction } from "../features/clock-card-actions.ts";
import { digestCommand } from "../features/digest-command.ts";
import { ledgerCommand, resumeLedgerExports } from "../features/ledger-command.ts";
import { createRouter, type RouterExtensions } from "../features/router.ts";
import { statsCommand } from "../features/stats-command.ts";
import { createApp } from "../http/app.ts";
import { Scheduler } from "../jobs/scheduler.ts";
import { AnswerSlots } from "../lark/answer-slots.ts";
import { fileTypeOf, LarkClient } from "../lark/client.ts";
import { LarkCode } from "../lark/errors.ts";
import { Inbox, inboxWriterOf } from "../lark/inbox.ts";
import { type CardAnswer, InboxStore } from "../lark/inbox-store.ts";
import { OutboxSender } from "../lark/outbox.ts";
import { downloadMessageImages, ImageKeys } from "../lark/photos.ts";
import { startLongConnection } from "../lark/receivers/long-connection.ts";
import type { ReceiverListener } from "../lark/receivers/receiver-thread.ts";
import { createSink } from "../lark/receivers/sink.ts";
import { SharedPacer } from "../lark/shared-pacer.ts";
import { verifyPeople } from "../lark/verify-people.ts";
import type { Logger } from "../log.ts";
import { Metrics } from "../ops/metrics.ts";
import { ensureCatalogue } from "../org/catalogue.ts";
import { BotClock } from "./bot-clock.ts";
import { limitHeapGrowth } from "./limit-heap-growth.ts";

/** A running bot. */
export interface Riqing {
  db: Db;
  /** The inbound events' database: on SQLite a file of its own (db/inbox-db.ts), on PostgreSQL `db`. */
  inboxDb: Db;
  client: LarkClient;
  inbox: Inbox;
  outbox: OutboxSender;
  /** Work beside the chats (ledger exports); `idle()` waits for it. */
  background: BackgroundTasks;
  metrics: Metrics;
  /**
   * The public port once started (useful when started on port 0): the receiver thread's in webhook mode, the app's
   * over the long connection.
   */
  port: number;
  botOpenId: string;
  /** Runs every scheduled sweep (reminders, look-back, digest) at the bot's clock now. */
  tick(): Promise<void>;
  /** Waits until the scheduled runs started so far (the one at start included) are done. */
  scheduled(): Promise<void>;
  /**
   * Starts the queues and the schedules, then the receiving: in webhook mode the bot's app on loopback and the
   * receiver thread (lark/receivers/receiver-thread.ts), which holds the public port; in ws mode the app on the public
   * port and the long connection on this thread.
   */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** What createRiqing needs besides the configuration. */
export interface RiqingOptions {
  log: Logger;
  /** The bot's clock; the sandbox passes its virtual clock. */
  clock?: BotClock;
  extensions?: RouterExtensions;
  /** Run the schedules on their own (default). Tests turn this off and call tick() at the instants they choose. */
  schedule?: boolean;
  /** Extra HTTP routes on the same server (the sandbox page). */
  routes?: (router: Router) => void;
  /**
   * Where people reach the bot when RIQING_PUBLIC_URL is not set: the sandbox and tests, whose port is known only
   * once the server listens.
   */
  publicUrl?: () => string;
}

/**
 * Wires the bot: migrate → database → Lark client → inbox, outbox and scheduler → HTTP app (webhook in webhook mode,
 * health, metrics). Nothing runs until start(): then the queues and schedules, the HTTP server and the long connection.
 * stop() shuts down in reverse: schedules and receiving first, then in-flight work, then the database.
 */
export async function createRiqing(config: Config, options: RiqingOptions): Promise<Riqing> {
  const { log } = options;
  const lark = config.lark;
  if (!lark) throw new Error("createRiqing needs Lark credentials (the sandbox provides its emulator's)");
  const clock = options.clock ?? new BotClock();
  const now = clock.now;
  limitHeapGrowth();
  const applied = await migrate(config.databaseUrl);
  if (applied.length) log.info({ applied }, "database migrated");
  const db = await openDb(config.databaseUrl);
  const inboxDb = await openInboxDb(config.databaseUrl, db);
  const catalogue = await ensureCatalogue(db);
  log.info({ catalogue }, "category catalogue ready");
  prepareMatching((await orgOf(db)).categories);

  // Instances sharing a PostgreSQL database pace their Lark calls together and take turns on each chat's events.
  const postgres = postgresOf(db);
  const pacer = postgres ? new SharedPacer(postgres, log) : undefined;
  const lanes = postgres ? new AdvisoryLaneLocks(config.databaseUrl, log) : undefined;

  const metrics = new Metrics();
  const client = new LarkClient({
    appId: lark.appId,
    appSecret: lark.appSecret,
    domain: lark.domain,
    logger: log,
    ...(pacer && { pacer }),
  });
  const bot = await client.botInfo();
  log.info({ botOpenId: bot.openId, name: bot.appName }, "connected to Lark");
  await checkPeople(db, client, log, now());

  const outbox = new OutboxSender({
    db,
    client,
    logger: log,
    metrics: { depth: (n) => metrics.outboxDepth.set(n), result: (r) => metrics.sent(r.kind, r.outcome, r.code) },
    onMentionRefused: (openIds) => checkPeople(db, client, log, now(), openIds),
    onFailed: async (failed) => {
      const issueId = issueOfCardPatchKey(failed.key);
      if (issueId !== null && failed.code === LarkCode.tooOldToUpdate) {
        await transaction(db, (tx) =>
          renewIssueCard(tx, issueId, failed.key, { now: now(), timeZone: config.timezone }),
        );
      } else {
        await transaction(db, (tx) => answerElsewhere(tx, inboxDb, failed));
      }
    },
    onSent: async (sent) => {
      const issueId = issueOfCardKey(sent.key);
      if (issueId !== null && sent.messageId) {
        // Raw, as every statement a filed report costs: Prisma does not compile it.
        await db.$executeRaw`UPDATE "Issue" SET "cardMessageId" = ${sent.messageId}, "updatedAt" = ${new Date()}
          WHERE "id" = ${issueId}`;
        // The card of an issue another system filed (sent to the chat, not a reply) opens the issue's thread.
        if (sent.kind === "send") {
          await db.issue.updateMany({
            where: { id: issueId, sourceMessageId: null },
            data: { sourceMessageId: sent.messageId },
          });
        }
      }
    },
  });
  const queued = () => outbox.notify();

  const names = new Map<string, string>();
  const images = new ImageKeys(db, client);
  const background = new BackgroundTasks(queued);
  const secret = config.board.secret;
  const publicUrl = config.board.publicUrl ? () => config.board.publicUrl as string : options.publicUrl;
  const deps: FeatureDeps = {
    db,
    databaseUrl: config.databaseUrl,
    log,
    now,
    timeZone: config.timezone,
    officeHours: config.officeHours,
    admins: config.admins,
    policy: {},
    dataDir: config.dataDir,
    botOpenId: bot.openId,
    queued,
    background,
    async fetchPhotos(messageId, imageKeys) {
      const results = await downloadMessageImages(client, messageId, imageKeys, { dataDir: config.dataDir });
      return results.map((r) =>
        r.ok
          ? { ok: true, photo: { sha256: r.sha256, path: r.path, size: r.size, mime: r.mime, firstSeen: r.firstSeen } }
          : { ok: false, reason: r.message },
      );
    },
    async publishPhotos(photos) {
      return images.ofPhotos(config.dataDir, photos);
    },
    async uploadFile(path, fileName) {
      return client.uploadFile({ file: await readFile(path), fileType: fileTypeOf(fileName), fileName });
    },
    async userName(openId) {
      // Kept once known: a name names a person only when their Person row is made (an existing row keeps its own).
      const known =
        names.get(openId) ?? (await db.person.findUnique({ where: { openId }, select: { name: true } }))?.name;
      if (known) {
        names.set(openId, known);
        return known;
      }
      try {
        const user = await client.getUser(openId);
        names.set(openId, user.name);
        return user.name;
      } catch (error) {
        log.warn({ err: error, openId }, "cannot read user name");
        return "";
      }
    },
    ...(secret && publicUrl && { board: { secret, baseUrl: publicUrl, hours: config.board.linkHours } }),
  };

  const extensions: RouterExtensions = {
    ...options.extensions,
    commands: {
      stats: statsCommand,
      ledger: ledgerCommand,
      digest: digestCommand,
      board: boardCommand,
      ...options.extensions?.commands,
    },
    cardActions: [handleClockCardAction, handleBoardCardAction, ...(options.extensions?.cardActions ?? [])],
  };
  // Card callbacks wait where they were received for the answers the inbox hands over (lark/answer-slots.ts).
  const answerSlots = new SharedArrayBuffer(AnswerSlots.SIZE * Int32Array.BYTES_PER_ELEMENT);
  let receiving: Receiving | undefined;
  const inbox = new Inbox(db, inboxDb, createRouter(deps, extensions), log, metrics, {
    ...(lanes && { lanes }),
    afterEach: queued,
    answers: { cells: new Int32Array(answerSlots), deliver: (slot, answer) => receiving?.deliver(slot, answer) },
  });
  const listener: ReceiverListener = {
    stored: (events) => inbox.arrived(events),
    received: (eventType, outcome) => metrics.received(eventType, outcome),
    rejected: (reason) => metrics.rejected(reason),
  };

  let feed: BoardFeed | undefined;
  const apiContext = {
    db,
    log,
    now,
    timeZone: config.timezone,
    officeHours: config.officeHours,
    admins: config.admins,
    policy: deps.policy,
  };
  const app = createApp({
    log,
    metrics,
    health: [
      {
        name: "database",
        check: async () => {
          const { kind, version } = await databaseInfo(db);
          return { kind, version };
        },
      },
      {
        name: "lark",
        check: async () => {
          await client.botInfo();
          return undefined;
        },
      },
    ],
    board: (router) => {
      feed = boardRoutes(router, {
        db,
        log,
        now,
        timeZone: config.timezone,
        officeHours: config.officeHours,
        admins: config.admins,
        dataDir: config.dataDir,
        links: deps.board,
        login:
          config.board.login === "feishu"
            ? {
                authorizeUrl: (redirectUri, state) => client.authorizeUrl(redirectUri, state),
                userOf: (code, redirectUri) => client.userOfCode(code, redirectUri),
              }
            : undefined,
      });
    },
    api: (router) =>
      open311Routes(router, {
        ...apiContext,
        secret,
        publicUrl,
        queued,
      }),
    extend: options.routes,
  });

  const scheduler = new Scheduler({ deps, clock: now, log });
  let server: Server | undefined;
  const riqing: Riqing = {
    db,
    inboxDb,
    client,
    inbox,
    outbox,
    background,
    metrics,
    port: 0,
    botOpenId: bot.openId,
    tick: () => scheduler.tick(),
    scheduled: () => scheduler.idle(),
    async start() {
      inbox.start();
      outbox.start();
      await resumeLedgerExports(deps);
      if (options.schedule ?? true) scheduler.start();
      if (lark.eventMode === "webhook") {
        // The bot's app listens on loopback only; the receiver thread forwards to it what is not Lark's.
        server = await listen(app.callback(), 0, "127.0.0.1");
        // Imported when started, so that a build puts the thread's module in a file of its own (scripts/build.js).
        const { startReceiverThread } = await import("../lark/receivers/receiver-thread.ts");
        receiving = await startReceiverThread(
          {
            host: config.host,
            port: config.port,
            appPort: (server.address() as { port: number }).port,
            webhook: { encryptKey: lark.encryptKey, verificationToken: lark.verificationToken },
            inboxUrl: postgres ? config.databaseUrl : `file:${inboxFile(config.databaseUrl)}`,
            answerSlots,
            clockShift: clock.shift.buffer as SharedArrayBuffer,
          },
          listener,
          log,
        );
      } else {
        server = await listen(app.callback(), config.port, config.host);
        receiving = receiveOverLongConnection(lark, inboxDb, answerSlots, listener, log);
      }
      riqing.port = receiving.port ?? (server.address() as { port: number }).port;
      log.info({ host: config.host, port: riqing.port, eventMode: lark.eventMode }, "riqing started");
    },
    async stop() {
      await scheduler.stop();
      // Open board streams never end on their own, and the servers wait for open responses before they close.
      feed?.close();
      await receiving?.stop();
      const open = server;
      if (open) {
        await new Promise<void>((resolve) => {
          open.close(() => resolve());
          open.closeIdleConnections();
        });
      }
      await inbox.stop();
      await lanes?.close();
      await background.idle();
      await outbox.stop();
      await closeInboxDb(inboxDb, db);
      await db.$disconnect();
      log.info("riqing stopped");
    },
  };
  return riqing;
}

/**
 * Asks Lark which people's open_ids it knows (all, or those given) and records it, so unknown ones are named instead
 * of @-mentioned (one unknown mention makes Lark refuse a whole card). A refusal (e.g. no contact scope) is logged
 * with its hint; mentions then stay as they are, guarded by the outbox's retry without mentions.
 */
async function checkPeople(db: Db, client: LarkClient, log: Logger, at: Date, openIds?: string[]): Promise<void> {
  try {
    const { checked, unknown } = await verifyPeople(db, client, { now: at, ...(openIds && { openIds }) });
    if (unknown.length > 0) {
      log.warn({ checked, unknown }, "Lark does not know these open_ids; they are named, not @-mentioned (run doctor)");
    }
  } catch (error) {
    log.warn({ err: error }, "cannot check people's open_ids with Lark; mentions are not verified");
  }
}

/** Where Lark's events are received, stored and acknowledged. */
interface Receiving {
  /** The public port, when the receiving holds it (the receiver thread). */
  port?: number;
  /** Hands a card callback's answer to the receiver waiting in `slot`. */
  deliver(slot: number, answer: CardAnswer | undefined): void;
  stop(): Promise<void>;
}

/**
 * Long-connection mode receives on the main thread, through the same inbox store the receiver thread runs: the
 * SDK's WSClient comes only with the whole SDK, which a thread of its own would hold a second time (about 50 MB; the
 * sandbox ready at 270–275 MB instead of 223–224 MB), while the acknowledgement over the long connection stays far
 * inside Lark's 3 s under overload (ARCHITECTURE.md, "Acknowledge first").
 */
function receiveOverLongConnection(
  lark: NonNullable<Config["lark"]>,
  inboxDb: Db,
  answerSlots: SharedArrayBuffer,
  listener: ReceiverListener,
  log: Logger,
): Receiving {
  const store = new InboxStore(inboxWriterOf(inboxDb), listener, log, new AnswerSlots(answerSlots));
  const connection = startLongConnection({
    appId: lark.appId,
    appSecret: lark.appSecret,
    domain: lark.domain,
    sink: createSink(store, log),
    log,
  });
  return {
    deliver: (slot, answer) => store.deliver(slot, answer),
    async stop() {
      connection.close();
      await store.settled();
    },
  };
}

function listen(handler: RequestListener, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(handler);
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
