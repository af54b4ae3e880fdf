/**
 * The server side of the ingest benchmark, in a process of its own so its memory and CPU are its own: either the
 * real bot (`createRiqing` in webhook mode against the emulator) or the baseline, the bare SDK `EventDispatcher`
 * behind `adaptKoa` with a no-op handler. Configured by the JSON in BENCH_SERVER; answers over IPC:
 *
 *   → {type: "ready", port}                 once listening on 127.0.0.1
 *   ← {type: "stats"}  → {type: "stats:done", maxRssMB, rssMB, heapUsedMB, cpuMs, statements, loopDelayMs}
 *   ← {type: "stop"}   → {type: "stop:done", ...stats} after a graceful stop, then the process exits
 *
 * The benchmark runs this module built as scripts/build.js builds the bot (ingest.ts), with plain Node and the flags of
 * `npm start`: the bot's modules are imported only in riqing mode, so the baseline process holds the SDK and Koa alone
 * and the two peak RSS figures compare the bot with the bare SDK. Both load the SDK as the built bot does, from its
 * copy in the build (src/lark/sdk.ts).
 *
 * The stats count the CPU time and SQL statements spent since "ready" (start-up left out), for the per-report cost,
 * and how long the event loop was held up meanwhile (p99 and longest): what an acknowledgement waited before its
 * request could even be read.
 *
 * With `liftApiLimits` the bot's pacer forgets Lark's per-app API limits (the per-chat ones stay): the capacity
 * run measures what the bot itself can file, which Lark's 1000/min download limit would otherwise hide.
 */

import { createServer, type Server } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import Koa from "koa";
import { statementsRun } from "../../src/db/statement-count.ts";
import type { RateLimit } from "../../src/lark/pacer.ts";
import { lark } from "../../src/lark/sdk.ts";
import { isTyped } from "../lib/child.ts";
import { maxRssMB, rssMB } from "../lib/stats.ts";

/** What the parent tells the server process. */
export interface ServerConfig {
  mode: "riqing" | "sdk";
  appId: string;
  appSecret: string;
  encryptKey: string;
  verificationToken: string;
  /** The emulator's origin (riqing mode). */
  larkDomain?: string;
  databaseUrl?: string;
  dataDir?: string;
  /** Where the bot's warnings and errors go (riqing mode). */
  logFile?: string;
  liftApiLimits?: boolean;
}

/** CPU time and statements at "ready". */
let atReady = { cpu: process.cpuUsage(), statements: 0 };
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

function stats() {
  const cpu = process.cpuUsage(atReady.cpu);
  return {
    maxRssMB: maxRssMB(),
    rssMB: rssMB(),
    heapUsedMB: process.memoryUsage().heapUsed / 1024 / 1024,
    cpuMs: (cpu.user + cpu.system) / 1000,
    statements: statementsRun() - atReady.statements,
    loopDelayMs: {
      p99: loopDelay.percentile(99) / 1e6,
      max: loopDelay.max / 1e6,
    },
  };
}

async function startSdkBaseline(config: ServerConfig): Promise<{ port: number; stop(): Promise<void> }> {
  const dispatcher = new lark.EventDispatcher({
    encryptKey: config.encryptKey,
    verificationToken: config.verificationToken,
    loggerLevel: lark.LoggerLevel.error,
  }).register({ "im.message.receive_v1": async () => ({}) });
  const app = new Koa();
  app.use(lark.adaptKoa("/lark/events", dispatcher, { autoChallenge: true }));
  const server: Server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function startBot(config: ServerConfig): Promise<{ port: number; stop(): Promise<void> }> {
  const [{ pino }, { createRiqing }, { loadConfig }, { LARK_RATE_RULES }, { createLogger }] = await Promise.all([
    import("pino"),
    import("../../src/app/create-riqing.ts"),
    import("../../src/config/env.ts"),
    import("../../src/lark/pacer.ts"),
    import("../../src/log.ts"),
  ]);
  if (config.liftApiLimits) {
    // Bench-only: the pacer reads its rules by key prefix at every call, so emptying "api" lifts the per-app limits.
    (LARK_RATE_RULES as Record<string, readonly RateLimit[]>).api = [];
  }
  const env = {
    LARK_APP_ID: config.appId,
    LARK_APP_SECRET: config.appSecret,
    LARK_DOMAIN: config.larkDomain,
    LARK_EVENT_MODE: "webhook",
    LARK_ENCRYPT_KEY: config.encryptKey,
    LARK_VERIFICATION_TOKEN: config.verificationToken,
    DATABASE_URL: config.databaseUrl,
    DATA_DIR: config.dataDir,
    PORT: "0",
    LOG_LEVEL: "warn",
  };
  const log = config.logFile
    ? createLogger("warn", pino.destination({ dest: config.logFile, sync: false }))
    : createLogger("silent");
  const bot = await createRiqing(loadConfig(env), { log });
  await bot.start();
  return { port: bot.port, stop: () => bot.stop() };
}

async function main(): Promise<void> {
  const raw = process.env.BENCH_SERVER;
  if (!raw) throw new Error("BENCH_SERVER is not set");
  const config = JSON.parse(raw) as ServerConfig;
  const server = config.mode === "sdk" ? await startSdkBaseline(config) : await startBot(config);
  process.on("message", (message) => {
    if (!isTyped(message)) return;
    if (message.type === "stats") process.send?.({ type: "stats:done", ...stats() });
    if (message.type === "stop") {
      void server.stop().then(() => {
        process.send?.({ type: "stop:done", ...stats() }, () => process.exit(0));
      });
    }
  });
  atReady = { cpu: process.cpuUsage(), statements: statementsRun() };
  loopDelay.enable();
  process.send?.({ type: "ready", port: server.port });
}

main().catch((error: unknown) => {
  console.error("bench server failed:", error);
  process.exit(1);
});
