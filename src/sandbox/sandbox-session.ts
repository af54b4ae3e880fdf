import { randomBytes } from "node:crypto";
import type Router from "@koa/router";
import { createRiqing, type Riqing } from "../app/create-riqing.ts";
import type { BoardLinkSettings } from "../commands/board-link.ts";
import type { Config } from "../config/env.ts";
import { LarkEmulator } from "../emulator/index.ts";
import type { Logger } from "../log.ts";
import { SANDBOX_TEXTS } from "../texts/sandbox.ts";
import { type SandboxFiles, wipeSandbox } from "./sandbox-files.ts";
import { loadSnapshot, type SandboxSnapshot } from "./sandbox-snapshot.ts";
import { type Demo, type DemoTenant, populateEmulator, readDemo, seedDemo } from "./seed-demo.ts";
import { startOfWorkday, VirtualClock } from "./virtual-clock.ts";

/** The sandbox app's id: any id of Lark's shape (the long-connection client insists on it). */
const SANDBOX_APP_ID = "cli_5a4db0c5a4db0c00";
const CONNECT_TIMEOUT_MS = 15_000;

/** One run of the demo: its database, the emulator, the real bot connected to it, and the virtual clock. */
export interface SandboxSession {
  /** Made when the demo is seeded (first run, reset), kept while it is resumed. */
  id: string;
  /** Whether this run continues a saved sandbox rather than starting from the demo. */
  resumed: boolean;
  emu: LarkEmulator;
  riqing: Riqing;
  clock: VirtualClock;
  tenant: DemoTenant;
  /** Display names of the bot and of every demo person by open_id. */
  names: { bot: string; people: ReadonlyMap<string, string> };
  /** Each demo person's private chat with the bot, by open_id. */
  p2pChats: ReadonlyMap<string, string>;
  /** How the sandbox's board links are signed (a new secret every run) and where they point. */
  board: BoardLinkSettings;
}

/** What `bootSession` needs. */
export interface BootOptions {
  config: Config;
  files: SandboxFiles;
  log: Logger;
  port: number;
  /** Start from the demo even when the saved sandbox could be resumed. */
  fresh: boolean;
  /** Where the virtual clock starts from the demo; default 09:00 local today. */
  clockStart?: Date;
  /** The sandbox's own HTTP routes, mounted on the bot's server. */
  routes: (router: Router) => void;
}

/**
 * Resumes the saved sandbox (database, chats and clock of one session), or, on first run, when asked to start fresh,
 * or when the saved chats and the database do not belong together, empties the sandbox folder and seeds the demo.
 * Then starts the emulator (lenient: it records nothing as unexpected) and the real bot against it over the long
 * connection, the production default, and waits until the bot is connected.
 */
export async function bootSession(options: BootOptions): Promise<SandboxSession> {
  const { files, log } = options;
  const saved = options.fresh ? undefined : await resumable(files, log);
  if (!saved) wipeSandbox(files);
  const { sessionId, tenant } = saved?.demo ?? (await seedDemo(files.databaseUrl));
  const clock = new VirtualClock(
    saved
      ? new Date(saved.snapshot.clock)
      : (options.clockStart ?? startOfWorkday(new Date(), options.config.timezone)),
  );
  const appSecret = randomBytes(16).toString("hex");
  const emu = await LarkEmulator.start({
    appId: SANDBOX_APP_ID,
    appSecret,
    appName: SANDBOX_TEXTS.botName,
    now: clock.epoch,
    strict: false,
    ...(saved && { state: saved.snapshot.emulator }),
  });
  try {
    if (!saved) populateEmulator(emu, tenant);
    const connected = waitForConnection(emu);
    const config: Config = {
      ...options.config,
      lark: { appId: SANDBOX_APP_ID, appSecret, domain: emu.baseUrl, eventMode: "ws" },
      databaseUrl: files.databaseUrl,
      dataDir: files.dir,
      // Only this machine's browser may reach the sandbox, whatever HOST says.
      host: "127.0.0.1",
      port: options.port,
      // Board links of the sandbox live as long as this run: a new secret each time it starts.
      board: { ...options.config.board, secret: options.config.board.secret ?? randomBytes(32).toString("hex") },
    };
    const publicUrl = () => `http://127.0.0.1:${riqing.port}`;
    const riqing: Riqing = await createRiqing(config, {
      log,
      clock,
      routes: options.routes,
      publicUrl,
    });
    try {
      await riqing.start();
      await connected;
    } catch (error) {
      await riqing.stop();
      throw error;
    }
    return {
      id: sessionId,
      resumed: saved !== undefined,
      emu,
      riqing,
      clock,
      tenant,
      names: { bot: SANDBOX_TEXTS.botName, people: new Map(tenant.people.map((p) => [p.openId, p.name])) },
      p2pChats: new Map(tenant.people.map((p) => [p.openId, emu.p2pChatId(p.openId)])),
      board: { secret: config.board.secret as string, baseUrl: publicUrl, hours: config.board.linkHours },
    };
  } catch (error) {
    await emu.close();
    throw error;
  }
}

/** The saved sandbox and its database's demo, when both exist and belong to the same session. */
async function resumable(
  files: SandboxFiles,
  log: Logger,
): Promise<{ snapshot: SandboxSnapshot; demo: Demo } | undefined> {
  const snapshot = loadSnapshot(files, log);
  if (!snapshot) return undefined;
  const demo = await readDemo(files.databaseUrl);
  if (demo?.sessionId === snapshot.sessionId) return { snapshot, demo };
  log.warn("the saved sandbox chats and its database do not belong together; starting from the demo");
  return undefined;
}

function waitForConnection(emu: LarkEmulator): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emu.off("ws.connected", done);
      reject(new Error("the bot did not connect to the sandbox emulator in time"));
    }, CONNECT_TIMEOUT_MS);
    function done() {
      clearTimeout(timer);
      resolve();
    }
    emu.once("ws.connected", done);
  });
}

/** Stops the bot, then the emulator. */
export async function stopSession(session: SandboxSession): Promise<void> {
  await session.riqing.stop();
  await session.emu.close();
}

/** Waits until the bot has finished its scheduled runs, processed every received event and sent everything in its outbox. */
export async function settleSession(session: SandboxSession): Promise<void> {
  const { riqing } = session;
  for (let round = 0; round < 50; round++) {
    await riqing.scheduled();
    await riqing.inbox.idle();
    await riqing.outbox.drain();
    const pending = await riqing.inboxDb.inboundEvent.count({ where: { status: "pending" } });
    const queued = await riqing.db.outboxMessage.count({ where: { status: "pending" } });
    if (pending === 0 && queued === 0) return;
  }
  throw new Error("the sandbox bot did not settle");
}
