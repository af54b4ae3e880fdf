/**
 * The receiver thread (issue 17), in webhook mode: Lark's events are received, verified, stored and acknowledged on a
 * worker thread of their own, so an acknowledgement never waits for the processing of earlier events, a digest sweep
 * or a collection of the main thread's heap. The thread owns the bot's public HTTP port: it answers `POST
 * /lark/events` itself and forwards every other request (health, metrics, the board, the Open311 API, the sandbox) to
 * the bot's Koa app on a loopback port. It writes the inbox table over a connection of its own (libSQL on the inbox's
 * SQLite file, or a small pg pool) and tells the main thread what it stored (lark/inbox-store.ts); the main thread's
 * Inbox processes it. Card answers travel back through shared memory (lark/answer-slots.ts). Its log lines go to the
 * bot's logger.
 *
 * It loads neither Prisma nor the Lark SDK (the webhook decrypts with node:crypto): the thread costs a V8 isolate,
 * and a database driver (plain node:http, not Koa; no zod, no logger of its own: each module loaded here is loaded a
 * second time, in the thread's own isolate). The long connection needs the SDK's WSClient and so stays on the main
 * thread (app/create-riqing.ts).
 *
 * The thread runs this very module (config/module-thread.ts), marked in its workerData.
 */

import {
  Agent,
  createServer,
  request as forwardRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { isMainThread, parentPort, type Worker, workerData } from "node:worker_threads";
import { moduleThread } from "../../config/module-thread.ts";
import { BUSY_TIMEOUT_MS, isPostgresUrl, openSqlite, sqlitePath } from "../../db/sqlite-file.ts";
import type { Log, Logger } from "../../log.ts";
import { AnswerSlots } from "../answer-slots.ts";
import { type CardAnswer, InboxStore, type InboxWriter, type StoredEvent } from "../inbox-store.ts";
import { createSink } from "./sink.ts";
import { createWebhookHandler } from "./webhook.ts";

/** The key in the worker's workerData that tells this module it runs as the receiver thread. */
const ROLE = "riqing.receiverThread";

/**
 * The thread's young generation, in MB: what one request allocates is small and short-lived, and V8's default
 * (semi-spaces growing to 16 MB each) would only add RSS.
 */
const THREAD_YOUNG_MB = 4;

/** Tries of a store that finds the inbox file's write lock taken before it waits a millisecond between tries. */
const BUSY_SPINS = 100;

/** What the main thread gives the receiver thread. */
export interface ReceiverSettings {
  host: string;
  /** The public port (0: any free one; the thread reports the one it got). */
  port: number;
  /** The loopback port of the bot's own app, where every other request goes. */
  appPort: number;
  /** POST /lark/events is answered here. */
  webhook: { encryptKey?: string; verificationToken: string };
  /** The inbox's database: its SQLite file (db/inbox-db.ts) or the PostgreSQL database. */
  inboxUrl: string;
  /** The answer slots' memory (lark/answer-slots.ts). */
  answerSlots: SharedArrayBuffer;
  /** The bot clock's shift from the real one (app/bot-clock.ts), read for the webhook's timestamp window. */
  clockShift: SharedArrayBuffer;
}

/** Thread → main. */
type Report =
  | { type: "ready"; port: number }
  | { type: "failed"; message: string }
  | { type: "stored"; events: StoredEvent[] }
  | { type: "received"; eventType: string; outcome: "stored" | "duplicate" }
  | { type: "rejected"; reason: string }
  | { type: "log"; level: LogLevel; fields: object; msg: string }
  | { type: "stopped" };

/** Main → thread. */
type Order = { type: "answer"; slot: number; answer: CardAnswer | undefined } | { type: "stop" };

/** What the main thread hears from the receiver thread. */
export interface ReceiverListener {
  stored(events: StoredEvent[]): void;
  received(eventType: string, outcome: "stored" | "duplicate"): void;
  rejected(reason: string): void;
}

/** The running receiver thread, seen from the main thread. */
export interface ReceiverThread {
  /** The public port it listens on. */
  port: number;
  /** Hands a card callback's answer to the receiver waiting in `slot`. */
  deliver(slot: number, answer: CardAnswer | undefined): void;
  /** Stops taking requests and events, lets the stores under way finish, and ends the thread. */
  stop(): Promise<void>;
}

/** How long after the thread stopped unexpectedly a new one is started. */
const RESTART_DELAY_MS = 1_000;

/**
 * Starts the receiver thread; resolves once it listens, rejects when it cannot. Should the thread stop unexpectedly
 * (it should not: every request's failure is answered 500), a new one is started on the same port. Its log lines
 * are written with `log`.
 */
export async function startReceiverThread(
  settings: ReceiverSettings,
  listener: ReceiverListener,
  log: Logger,
): Promise<ReceiverThread> {
  let current = await spawn(settings, listener, log, restart);
  let stopping = false;
  /** The wait before a new thread, and then its start; both end at stop. */
  let waiting: NodeJS.Timeout | undefined;
  let starting: Promise<void> | undefined;
  function restart(): void {
    if (stopping) return;
    log.fatal("the receiver thread stopped; Lark's events are not received until a new one runs");
    waiting = setTimeout(() => {
      waiting = undefined;
      starting = spawn({ ...settings, port: current.port }, listener, log, restart).then(
        (started) => {
          current = started;
          log.info({ port: started.port }, "a new receiver thread runs");
        },
        (error: unknown) => {
          log.fatal({ err: error }, "cannot start a new receiver thread; trying again");
          restart();
        },
      );
    }, RESTART_DELAY_MS);
    waiting.unref();
  }
  return {
    port: current.port,
    deliver: (slot, answer) => current.worker.postMessage({ type: "answer", slot, answer } satisfies Order),
    async stop() {
      stopping = true;
      clearTimeout(waiting);
      // A thread being started is the one to stop.
      await starting;
      current.worker.postMessage({ type: "stop" } satisfies Order);
      await current.ended;
    },
  };
}

/** One receiver thread, once it listens; `lost` is called if it stops before it was told to. */
function spawn(
  settings: ReceiverSettings,
  listener: ReceiverListener,
  log: Logger,
  lost: () => void,
): Promise<{ worker: Worker; port: number; ended: Promise<void> }> {
  const worker = moduleThread(import.meta.url, {
    workerData: { [ROLE]: settings },
    resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_MB },
  });
  let ended: () => void = () => {};
  const end = new Promise<void>((resolve) => {
    ended = resolve;
  });
  return new Promise((resolve, reject) => {
    let running = false;
    let told = false;
    worker.on("message", (report: Report) => {
      switch (report.type) {
        case "ready":
          running = true;
          resolve({ worker, port: report.port, ended: end });
          return;
        case "failed":
          reject(new Error(report.message));
          return;
        case "stored":
          listener.stored(report.events);
          return;
        case "received":
          listener.received(report.eventType, report.outcome);
          return;
        case "rejected":
          listener.rejected(report.reason);
          return;
        case "log":
          log[report.level]({ ...report.fields, thread: "receiver" }, report.msg);
          return;
        case "stopped":
          told = true;
          ended();
      }
    });
    worker.on("error", (error) => {
      if (!running) reject(error);
      else log.error({ err: error }, "the receiver thread failed");
    });
    worker.on("exit", (code) => {
      ended();
      if (!running) reject(new Error(`the receiver thread stopped with exit code ${code}`));
      else if (!told) lost();
    });
  });
}

type LogLevel = "info" | "warn" | "error";

/**
 * The thread's log: each call goes to the bot's logger on the main thread, which levels, censors and writes it as it
 * does its own lines (so the thread needs no logger of its own). Fields that cannot cross (a function, say) are sent
 * as text.
 */
function relayLog(report: (message: Report) => void): Log {
  const relay =
    (level: LogLevel) =>
    (fields: unknown, msg?: string): void => {
      const given =
        typeof fields === "string" ? { fields: {}, msg: fields } : { fields: fields as object, msg: msg ?? "" };
      try {
        report({ type: "log", level, ...given });
      } catch {
        report({ type: "log", level, fields: { fields: String(given.fields) }, msg: given.msg });
      }
    };
  return { info: relay("info"), warn: relay("warn"), error: relay("error") } as Log;
}

/** Request headers that belong to one connection, not to the request forwarded. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection"]);

function forwardable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

function answerJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

/** On the receiver thread: receives, stores and acknowledges; forwards the rest. */
async function serve(port: NonNullable<typeof parentPort>, settings: ReceiverSettings): Promise<void> {
  const report = (message: Report) => port.postMessage(message);
  const log = relayLog(report);
  const { writer, close: closeWriter } = await openWriter(settings.inboxUrl, log);
  const store = new InboxStore(
    writer,
    {
      stored: (events) => report({ type: "stored", events }),
      received: (eventType, outcome) => report({ type: "received", eventType, outcome }),
    },
    log,
    new AnswerSlots(settings.answerSlots),
  );
  const sink = createSink(store, log);
  const shift = new Float64Array(settings.clockShift);

  const agent = new Agent({ keepAlive: true });
  const webhook = createWebhookHandler({
    ...settings.webhook,
    sink,
    log,
    onRejected: (reason) => report({ type: "rejected", reason }),
    now: () => Date.now() + (shift[0] ?? 0),
  });
  let stopping = false;

  /** Everything but Lark's events is the bot's app's: the request and its answer pass through as they stream. */
  const forward = (request: IncomingMessage, response: ServerResponse) => {
    const upstream = forwardRequest({
      host: "127.0.0.1",
      port: settings.appPort,
      method: request.method,
      path: request.url,
      headers: forwardable(request.headers),
      agent,
    });
    upstream.on("response", (answer) => {
      response.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
      answer.pipe(response);
    });
    upstream.on("error", (error) => {
      log.warn({ err: error, url: request.url }, "cannot reach the bot's app");
      if (response.headersSent) response.destroy();
      else answerJson(response, 502, { error: "bot unavailable" });
    });
    response.on("close", () => upstream.destroy());
    request.pipe(upstream);
  };

  const serveRequest = async (request: IncomingMessage, response: ServerResponse) => {
    // After a stop began, a connection kept alive may still carry requests: they get 503 (Lark delivers again
    // later), and every answer closes its connection so the stop need not wait for it.
    if (stopping) {
      response.shouldKeepAlive = false;
      request.resume();
      return answerJson(response, 503, { error: "shutting down" });
    }
    if (request.method !== "POST" || new URL(request.url ?? "/", "http://x").pathname !== "/lark/events") {
      return forward(request, response);
    }
    try {
      const { status, body } = await webhook(request);
      answerJson(response, status, body);
    } catch (error) {
      log.error({ err: error, url: request.url }, "request failed");
      answerJson(response, 500, { error: "internal error" });
    }
  };

  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const listeningServer = createServer((request, response) => void serveRequest(request, response));
      listeningServer.listen(settings.port, settings.host, () => resolve(listeningServer));
      listeningServer.once("error", reject);
    });
  } catch (error) {
    await closeWriter();
    report({ type: "failed", message: String((error as Error).message ?? error) });
    port.close();
    return;
  }
  report({ type: "ready", port: (server.address() as { port: number }).port });

  port.on("message", (order: Order) => {
    if (order.type === "answer") {
      store.deliver(order.slot, order.answer);
      return;
    }
    void (async () => {
      // Requests under way finish; idle kept-alive connections are closed, busy ones answer 503 from now on.
      stopping = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await store.settled();
      agent.destroy();
      await closeWriter();
      report({ type: "stopped" });
      port.close();
    })();
  });
}

/** The inbox table's writer over a connection of the thread's own. */
async function openWriter(inboxUrl: string, log: Log): Promise<{ writer: InboxWriter; close(): Promise<void> }> {
  if (isPostgresUrl(inboxUrl)) {
    const { default: pg } = await import("pg");
    // DateTime columns are timestamps without a zone, read and written in UTC (db/client.ts).
    const pool = new pg.Pool({ connectionString: inboxUrl, max: 2, options: "-c TimeZone=UTC" });
    // An idle connection that breaks is replaced at the next store; its error must not end the thread.
    pool.on("error", (error) => log.warn({ err: error }, "a connection to the inbox's database broke"));
    return {
      writer: {
        postgres: true,
        insert: async (sql, args) => (await pool.query(sql, args)).rows,
      },
      close: () => pool.end(),
    };
  }
  const sqlite = openSqlite(sqlitePath(inboxUrl));
  // The main thread's inbox marks events done on this file too. SQLite's own wait for its write lock sleeps 1, 2, 5,
  // 10 ms… between tries, which an acknowledgement would feel; the marks hold the lock for well under a millisecond,
  // so the store tries again at once instead, turning its event loop between tries, up to the usual busy timeout.
  sqlite.exec("PRAGMA busy_timeout = 0");
  const statements = new Map<string, ReturnType<typeof sqlite.prepare>>();
  return {
    writer: {
      postgres: false,
      async insert(sql, args) {
        let statement = statements.get(sql);
        if (!statement) {
          // Batches come in a few sizes; keep the statements of the latest ones.
          if (statements.size >= 32) statements.clear();
          statement = sqlite.prepare(sql);
          statements.set(sql, statement);
        }
        const deadline = performance.now() + BUSY_TIMEOUT_MS;
        for (let tries = 1; ; tries++) {
          try {
            return statement.all(args) as { id: number; eventId: string }[];
          } catch (error) {
            if ((error as { code?: string }).code !== "SQLITE_BUSY" || performance.now() > deadline) throw error;
            // At once at first; after many tries (a long write on the other side) a millisecond apart.
            await new Promise((resolve) => (tries < BUSY_SPINS ? setImmediate(resolve) : setTimeout(resolve, 1)));
          }
        }
      },
    },
    close: async () => {
      sqlite.close();
    },
  };
}

if (!isMainThread && parentPort && (workerData as Record<string, unknown> | null)?.[ROLE]) {
  await serve(parentPort, (workerData as Record<string, ReceiverSettings>)[ROLE] as ReceiverSettings);
}
