import { readFile } from "node:fs/promises";
import { createServer, type RequestListener, type Server } from "node:http";
import { extname, join } from "node:path";
import type Router from "@koa/router";
import { issueOfCardKey } from "./commands/sync-issue-card.ts";
import type { Config } from "./config/env.ts";
import { type Db, openDb, postgresOf } from "./db/client.ts";
import { databaseInfo } from "./db/database-info.ts";
import { AdvisoryLaneLocks } from "./db/lane-locks.ts";
import { migrate } from "./db/migrate.ts";
import { handleClockCardAction } from "./features/clock-card-actions.ts";
import type { FeatureDeps } from "./features/deps.ts";
import { digestCommand } from "./features/digest-command.ts";
import { ledgerCommand, ledgerExportsIdle, resumeLedgerExports } from "./features/ledger-command.ts";
import { createRouter, type RouterExtensions } from "./features/router.ts";
import { statsCommand } from "./features/stats-command.ts";
import { createApp } from "./http/app.ts";
import { Scheduler } from "./jobs/scheduler.ts";
import { LarkClient } from "./lark/client.ts";
import { Inbox } from "./lark/inbox.ts";
import { OutboxSender } from "./lark/outbox.ts";
import { downloadMessageImages, ensureImageKey } from "./lark/photos.ts";
import { type LongConnection, startLongConnection } from "./lark/receivers/long-connection.ts";
import { createSink } from "./lark/receivers/sink.ts";
import { createWebhookHandler } from "./lark/receivers/webhook.ts";
import { SharedPacer } from "./lark/shared-pacer.ts";
import { createLogger, type Logger } from "./log.ts";
import { Metrics } from "./ops/metrics.ts";
import { ensureCatalogue } from "./org/catalogue.ts";

/** A running bot. */
export interface Riqing {
  db: Db;
  client: LarkClient;
  inbox: Inbox;
  outbox: OutboxSender;
  metrics: Metrics;
  /** The port the HTTP server listens on (useful when started on port 0). */
  port: number;
  botOpenId: string;
  /** Runs every scheduled sweep (reminders, look-back, digest) at the bot's clock now. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/** What startRiqing needs besides the configuration. */
export interface StartOptions {
  log: Logger;
  /** The bot's clock; the sandbox passes its virtual clock. */
  now?: () => Date;
  /** Listen address: 127.0.0.1 in the sandbox, all interfaces in production. */
  host?: string;
  extensions?: RouterExtensions;
  /** Run the schedules on their own (default). Tests turn this off and call tick() at the instants they choose. */
  schedule?: boolean;
  /** Extra HTTP routes on the same server (the sandbox page). */
  routes?: (router: Router) => void;
}

/**
 * Starts the bot: migrate → database → Lark client → inbox, outbox and scheduler → HTTP (webhook, health, metrics)
 * → long connection. Returns a handle whose stop() shuts down in reverse: schedules and intake first, then
 * in-flight work, then the DB.
 */
export async function startRiqing(config: Config, options: StartOptions): Promise<Riqing> {
  const { log } = options;
  const lark = config.lark;
  if (!lark) throw new Error("startRiqing needs Lark credentials (the sandbox provides its emulator's)");
  const now = options.now ?? (() => new Date());
  const applied = await migrate(config.databaseUrl);
  if (applied.length) log.info({ applied }, "database migrated");
  const db = await openDb(config.databaseUrl);
  const catalogue = await ensureCatalogue(db);
  log.info({ catalogue }, "category catalogue ready");

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

  const names = new Map<string, string>();
  const deps: FeatureDeps = {
    db,
    log,
    now,
    timeZone: config.timezone,
    admins: config.admins,
    policy: {},
    dataDir: config.dataDir,
    botOpenId: bot.openId,
    async fetchPhotos(messageId, imageKeys) {
      const results = await downloadMessageImages(client, messageId, imageKeys, { dataDir: config.dataDir });
      return results.map((r) =>
        r.ok
          ? { ok: true, photo: { sha256: r.sha256, path: r.path, size: r.size, mime: r.mime } }
          : { ok: false, reason: r.message },
      );
    },
    async publishPhotos(photos) {
      for (const photo of photos) await ensureImageKey(db, client, photo.sha256, join(config.dataDir, photo.path));
    },
    async uploadFile(path, fileName) {
      const fileType = extname(fileName).toLowerCase() === ".xlsx" ? "xls" : "stream";
      return client.uploadFile({ file: await readFile(path), fileType, fileName });
    },
    async userName(openId) {
      const known = names.get(openId) ?? (await db.person.findUnique({ where: { openId } }))?.name;
      if (known) return known;
      try {
        const user = await client.getUser(openId);
        names.set(openId, user.name);
        return user.name;
      } catch (error) {
        log.warn({ err: error, openId }, "cannot read user name");
        return "";
      }
    },
  };

  const extensions: RouterExtensions = {
    ...options.extensions,
    commands: { stats: statsCommand, ledger: ledgerCommand, digest: digestCommand, ...options.extensions?.commands },
    cardActions: [handleClockCardAction, ...(options.extensions?.cardActions ?? [])],
  };
  const inbox = new Inbox(db, createRouter(deps, extensions), log, metrics, { ...(lanes && { lanes }) });
  const outbox = new OutboxSender({
    db,
    client,
    logger: log,
    metrics: { depth: (n) => metrics.outboxDepth.set(n), result: (r) => metrics.sent(r.kind, r.outcome, r.code) },
    onSent: async (sent) => {
      const issueId = issueOfCardKey(sent.key);
      if (issueId !== null && sent.messageId) {
        await db.issue.update({ where: { id: issueId }, data: { cardMessageId: sent.messageId } });
      }
    },
  });

  const sink = createSink(inbox, log);
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
    larkEvents: createWebhookHandler({
      encryptKey: lark.encryptKey,
      verificationToken: lark.verificationToken,
      sink,
      log,
      onRejected: (reason) => metrics.rejected(reason),
      now: () => now().getTime(),
    }),
    extend: options.routes,
  });

  const scheduler = new Scheduler({ deps, clock: now, log });
  inbox.start();
  outbox.start();
  await resumeLedgerExports(deps);
  if (options.schedule ?? true) scheduler.start();
  const server = await listen(app.callback(), config.port, options.host ?? "0.0.0.0");
  const port = (server.address() as { port: number }).port;
  log.info({ port, eventMode: lark.eventMode }, "riqing started");
  let connection: LongConnection | undefined;
  if (lark.eventMode === "ws") {
    connection = startLongConnection({ appId: lark.appId, appSecret: lark.appSecret, domain: lark.domain, sink, log });
  }

  return {
    db,
    client,
    inbox,
    outbox,
    metrics,
    port,
    botOpenId: bot.openId,
    tick: () => scheduler.tick(),
    async stop() {
      await scheduler.stop();
      connection?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await inbox.stop();
      await lanes?.close();
      await ledgerExportsIdle();
      await outbox.stop();
      await db.$disconnect();
      log.info("riqing stopped");
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

/**
 * `riqing start`: the production bot, or the sandbox when no Lark credentials are configured; `reset` (sandbox only)
 * starts the sandbox from the demo state instead of resuming it.
 */
export async function start(config: Config, options: { reset?: boolean } = {}): Promise<void> {
  const log = createLogger(config.logLevel);
  const running =
    config.mode === "sandbox"
      ? await (await import("./sandbox/start-sandbox.ts")).startSandbox(config, log, options)
      : await startRiqing(config, { log });
  const shutdown = (signal: string) => {
    log.info({ signal }, "shutting down");
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}
