import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { BotClock } from "../../src/app/bot-clock.ts";
import { createRiqing, type Riqing } from "../../src/app/create-riqing.ts";
import { loadConfig, secretsOf } from "../../src/config/env.ts";
import { openDb } from "../../src/db/client.ts";
import { LarkEmulator } from "../../src/emulator/index.ts";
import type { RouterExtensions } from "../../src/features/router.ts";
import { createLogger, silentLogger } from "../../src/log.ts";
import { importOrg } from "../../src/org/import-org.ts";
import { createTestDatabase } from "./db.ts";

export const APP_ID = "cli_0123456789abcdef";
export const APP_SECRET = "test-secret";
export const ENCRYPT_KEY = "test-encrypt-key";
export const VERIFICATION_TOKEN = "test-verification-token";
export const BOARD_SECRET = "test-board-secret-0123456789abcdef";

/** Demo org ids (examples/org.yaml), named for the tests. */
export const ORG = {
  chats: {
    xflWork: "oc_a037a3fbeaca47220ac02ffbc075e476",
    dflWork: "oc_01980c0f80449f2753616a53d9a16d9a",
    hpWork: "oc_43be5d834d5870dbc2b5ba57b4f68a68",
    leaders: "oc_4d5ddd6843c3221baf190e97e93ea1a0",
    cgzf: "oc_d38e7f28450b743f1a4bf414dff693dd",
    xflPatrol: "oc_9387ee10d6356cfa2268c744a72b874c",
  },
} as const;

export interface BotHarness {
  emu: LarkEmulator;
  bot: Riqing;
  clock: BotClock;
  dir: string;
  /** The bot's database (a SQLite file in `dir`, or a PostgreSQL database of its own). */
  databaseUrl: string;
  /** Person open_ids by name, from the imported org. */
  people: Map<string, string>;
  /** Waits until every stored event is processed, every ledger export finished and the outbox is empty. */
  settle(): Promise<void>;
  /** Stops the bot gracefully (keeps the database and the emulator); a second call waits for the first. */
  stop(): Promise<void>;
  /** Stops the bot and starts it again on the same database; `whileStopped` runs in between. */
  restart(whileStopped?: () => void | Promise<void>): Promise<void>;
  /**
   * Stops the bot and the emulator, deletes the folder, and fails if the emulator saw a call nobody expected (tests
   * excuse what they provoke with `emu.allow`).
   */
  close(): Promise<void>;
}

/** A person of the demo org reports a problem with a photo in a group (幸福里's work group by default) and the bot
 * has done with it. */
export async function reportProblem(
  h: BotHarness,
  input: { from: string; text?: string; images: Buffer[]; chatId?: string },
): Promise<{ messageId: string }> {
  const sent = await h.emu.userSends({
    chatId: input.chatId ?? ORG.chats.xflWork,
    from: h.people.get(input.from) ?? "",
    text: input.text ?? "上报 幸福路菜市场门口堆物堆料",
    images: input.images,
  });
  await h.settle();
  return sent;
}

/** reportProblem, then the issue the bot filed for it. */
export async function reportIssue(
  h: BotHarness,
  input: { from: string; text?: string; images: Buffer[]; chatId?: string },
) {
  const sent = await reportProblem(h, input);
  return h.bot.db.issue.findFirstOrThrow({ where: { sourceMessageId: sent.messageId } });
}

/**
 * A person of the demo org sends `text` (with @bot) in a group (幸福里's work group by default); returns the bot's
 * replies to that message once it has done with it.
 */
export async function askInChat(h: BotHarness, input: { from: string; text: string; chatId?: string }) {
  const chatId = input.chatId ?? ORG.chats.xflWork;
  const sent = await h.emu.userSends({
    chatId,
    from: h.people.get(input.from) ?? "",
    text: input.text,
    mentionBot: true,
  });
  await h.settle();
  return h.emu.messages(chatId).filter((m) => m.parentId === sent.messageId && m.sender.type === "app");
}

/**
 * A fresh bot for each test of the enclosing describe (see startBot), closed after it; closing fails the test if the
 * emulator saw a call nobody expected. Returns the running test's harness.
 */
export function useBot(options: Parameters<typeof startBot>[0]): () => BotHarness {
  let harness: BotHarness | undefined;
  beforeEach(async () => {
    harness = await startBot(options);
  });
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });
  return () => {
    if (!harness) throw new Error("the bot runs only inside a test");
    return harness;
  };
}

/**
 * The real bot, started through createRiqing against the emulator, with the demo org imported, in webhook
 * (encrypted and signed) or long-connection mode.
 */
export async function startBot(options: {
  mode: "webhook" | "ws";
  start?: string;
  admins?: string[];
  /** More org files imported after the demo org. */
  extraOrg?: string[];
  /** Extra command verbs and card families, as the sandbox adds them. */
  extensions?: RouterExtensions;
  /** People of the org Lark does not know (another app's open_id, a typo): not added to the emulator's tenant. */
  notInLark?: string[];
  /** Scopes granted to the app; default all. */
  scopes?: readonly string[];
  /** More environment variables (e.g. RIQING_BOARD_LOGIN). */
  env?: Record<string, string>;
  /** Collects every log line, at trace level and censored as `riqing start` censors them. */
  logLines?: string[];
}): Promise<BotHarness> {
  const dir = mkdtempSync(join(tmpdir(), "riqing-bot-"));
  // Shared by the bot and the emulator: it runs at real speed (so Lark's per-second limits and the bot's pacing
  // measure the same seconds) and can jump forward.
  const clock = new BotClock(Date.parse(options.start ?? "2026-11-23T01:00:00Z")); // 09:00 in Shanghai
  const emu = await LarkEmulator.start({
    appId: APP_ID,
    appSecret: APP_SECRET,
    encryptKey: ENCRYPT_KEY,
    verificationToken: VERIFICATION_TOKEN,
    now: clock.epoch,
    ...(options.scopes && { scopes: options.scopes }),
  });
  const database = await createTestDatabase(dir);
  const databaseUrl = database.url;
  const db = await openDb(databaseUrl);
  for (const file of [join(import.meta.dirname, "../../examples/org.yaml"), ...(options.extraOrg ?? [])]) {
    const report = await importOrg(db, file);
    if (!report.ok) throw new Error(`org file ${file} did not import`);
  }
  const people = new Map<string, string>();
  const inLark: string[] = [];
  for (const p of await db.person.findMany()) {
    people.set(p.name, p.openId);
    if (options.notInLark?.includes(p.name)) continue;
    emu.addUser({ openId: p.openId, name: p.name });
    inLark.push(p.openId);
  }
  for (const c of await db.chatBinding.findMany()) {
    emu.addChat({ chatId: c.chatId, name: c.name ?? c.chatId, members: inLark });
  }
  await db.$disconnect();

  const config = loadConfig({
    LARK_APP_ID: APP_ID,
    LARK_APP_SECRET: APP_SECRET,
    LARK_DOMAIN: emu.baseUrl,
    LARK_EVENT_MODE: options.mode,
    LARK_ENCRYPT_KEY: ENCRYPT_KEY,
    LARK_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
    DATABASE_URL: databaseUrl,
    DATA_DIR: dir,
    PORT: "0",
    RIQING_ADMINS: (options.admins ?? []).join(","),
    RIQING_BOARD_SECRET: BOARD_SECRET,
    LOG_LEVEL: "silent",
    ...options.env,
  });
  const boot = async () => {
    const connected = options.mode === "ws" ? new Promise((resolve) => emu.once("ws.connected", resolve)) : undefined;
    const lines = options.logLines;
    const log = lines
      ? createLogger("trace", { write: (line: string) => void lines.push(line) }, secretsOf(config))
      : process.env.RIQING_TEST_LOG
        ? createLogger(process.env.RIQING_TEST_LOG, undefined, secretsOf(config))
        : silentLogger;
    const bot = await createRiqing(config, {
      log,
      clock,
      schedule: false,
      publicUrl: () => `http://127.0.0.1:${harness.bot.port}`,
      ...(options.extensions && { extensions: options.extensions }),
    });
    await bot.start();
    emu.deliverTo(
      options.mode === "webhook"
        ? { mode: "webhook", url: `http://127.0.0.1:${bot.port}/lark/events`, retryDelaysMs: [10, 20, 40, 80] }
        : { mode: "ws" },
    );
    await connected;
    return bot;
  };
  let stopping: Promise<void> | undefined;
  const harness: BotHarness = {
    emu,
    bot: await boot(),
    clock,
    dir,
    databaseUrl,
    people,
    async settle() {
      for (let round = 0; round < 20; round++) {
        await harness.bot.inbox.idle();
        await harness.bot.background.idle();
        await harness.bot.outbox.drain();
        const pending = await harness.bot.inboxDb.inboundEvent.count({ where: { status: "pending" } });
        const queued = await harness.bot.db.outboxMessage.count({ where: { status: "pending" } });
        if (pending === 0 && queued === 0) return;
      }
      throw new Error("bot did not settle");
    },
    stop() {
      stopping ??= harness.bot.stop();
      return stopping;
    },
    async restart(whileStopped) {
      await harness.stop();
      await whileStopped?.();
      harness.bot = await boot();
      stopping = undefined;
    },
    async close() {
      try {
        await harness.stop();
        await emu.close();
      } finally {
        await database.drop();
        rmSync(dir, { recursive: true, force: true });
      }
      emu.assertClean();
    },
  };
  return harness;
}

/**
 * A person of the demo org clicks a card's button (or submits its form with `formValue`) and the bot has done with
 * it; returns the toast the click was answered with.
 */
export async function clickCard(
  h: BotHarness,
  input: { messageId: string; from: string; value: Record<string, unknown>; formValue?: Record<string, string> },
): Promise<string | undefined> {
  const answer = await h.emu.userClicks({
    messageId: input.messageId,
    from: h.people.get(input.from) ?? "",
    value: input.value,
    formValue: input.formValue ?? {},
  });
  await h.settle();
  return answer?.toast?.content;
}

/** The latest content of a card the bot sent in a chat (after every update), as JSON. */
export function latestCardJson(h: BotHarness, chatId: string, messageId: string): string {
  const message = h.emu.messages(chatId).find((m) => m.messageId === messageId);
  return JSON.stringify(message?.updates.at(-1)?.content ?? message?.content);
}
