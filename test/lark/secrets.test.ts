// behaviour §11.5
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { inboxFile } from "../../src/db/inbox-db.ts";
import { createLogger } from "../../src/log.ts";
import {
  APP_SECRET,
  BOARD_SECRET,
  type BotHarness,
  ENCRYPT_KEY,
  ORG,
  reportProblem,
  startBot,
  VERIFICATION_TOKEN,
} from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

const SECRETS = { APP_SECRET, ENCRYPT_KEY, VERIFICATION_TOKEN, BOARD_SECRET };
/** The access tokens the emulator hands out (tenant and user), as Lark shapes them. */
const ACCESS_TOKEN = /\b[tu]-g[0-9a-f]{40}\b/;

/** Every secret found in `text`, by name. */
function secretsIn(text: string): string[] {
  const found = Object.entries(SECRETS)
    .filter(([, value]) => text.includes(value))
    .map(([name]) => name);
  const token = ACCESS_TOKEN.exec(text)?.[0];
  return token ? [...found, `access token ${token}`] : found;
}

/** What the bot keeps on disk: the SQLite file and its journals, or (PostgreSQL) the rows that hold what came in. */
async function storedText(h: BotHarness): Promise<string> {
  if (h.databaseUrl.startsWith("file:")) {
    const file = fileURLToPath(new URL(h.databaseUrl.replace(/^file:/, "file://")));
    return [file, inboxFile(h.databaseUrl)]
      .flatMap((f) => [f, `${f}-wal`, `${f}-journal`])
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f).toString("latin1"))
      .join("\n");
  }
  return JSON.stringify([await h.bot.inboxDb.inboundEvent.findMany(), await h.bot.db.outboxMessage.findMany()]);
}

describe("secrets stay out of logs and storage", () => {
  let h: BotHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("censors each configured secret and every access token on every line, at every level", () => {
    const out: string[] = [];
    const log = createLogger("trace", { write: (line: string) => void out.push(line) }, [
      "app-secret-0123456789",
      'key-with-"quote"',
      "short",
    ]);
    const error = new Error('login failed: {"app_secret":"app-secret-0123456789"} with key-with-"quote"');
    for (const level of ["trace", "debug", "info", "warn", "error", "fatal"] as const) {
      log[level]({ err: error }, "calling Lark with Bearer t-g0123456789abcdef0123456789abcdef01234567");
    }
    log.info('token refreshed: {"tenant_access_token":"opaque-value","expire":7200} for u-Xy12AbCdEfGhIjKlMnOp');
    log.info({ config: { appSecret: "another-secret-value" }, headers: { authorization: "Basic abc" } }, "as sent");
    log.info("short words stay");
    const text = out.join("\n");
    expect(out).toHaveLength(9);
    for (const secret of [
      "app-secret-0123456789",
      "key-with-",
      "t-g0123",
      "opaque-value",
      "u-Xy12",
      "another-secret",
    ]) {
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    }
    expect(text).toContain("[redacted]");
    // What is not a secret stays readable (values shorter than any generated secret are not censored).
    expect(text).toContain("login failed");
    expect(text).toContain("7200");
    expect(text).toContain("short words stay");
  });

  it("a bot running through errors, refusals and retries writes no secret to its log or its database", async () => {
    const logLines: string[] = [];
    h = await startBot({ mode: "webhook", logLines });
    const url = `http://127.0.0.1:${h.bot.port}/lark/events`;
    const bot = h;
    const reportEvent = () =>
      bot.emu.buildEnvelope("im.message.receive_v1", {
        sender: { sender_id: { open_id: bot.people.get("何小燕") }, sender_type: "user", tenant_key: "t" },
        message: {
          message_id: `om_${Math.random().toString(16).slice(2).padEnd(32, "0")}`,
          create_time: String(bot.clock.epoch()),
          chat_id: ORG.chats.xflWork,
          chat_type: "group",
          message_type: "text",
          content: JSON.stringify({ text: "上报 测试" }),
        },
      });
    // Refused events: a wrong token, plain and encrypted, and a forged signature.
    for (const request of [
      h.emu.buildWebhookRequest(reportEvent(), { encrypt: false, tamper: "token" }),
      h.emu.buildWebhookRequest(reportEvent(), { encrypt: true, tamper: "token" }),
      h.emu.buildWebhookRequest(reportEvent(), { encrypt: true, tamper: "signature" }),
    ]) {
      expect((await fetch(url, { method: "POST", ...request })).status).toBe(401);
    }
    // A report with a photo and a click, stored with their tokens as Lark sent them; the click's calls meet an expired
    // access token (Lark refuses, the SDK logs it, a new token is fetched).
    await reportProblem(h, { from: "何小燕", images: [samplePng(1)] });
    h.emu.expireAllTokens();
    const issue = await h.bot.db.issue.findFirstOrThrow();
    const accepted = await h.emu.userClicks({
      messageId: issue.cardMessageId ?? "",
      from: h.people.get("郑晓红") ?? "",
      value: { a: "accept", i: issue.id },
    });
    expect(accepted?.toast?.content).toBe("已接单");
    await h.settle();

    expect(await h.bot.inboxDb.inboundEvent.count()).toBe(2);
    const log = logLines.join("\n");
    expect(log).toContain("webhook request rejected");
    expect(log).toContain("lark-sdk");
    expect(secretsIn(log)).toEqual([]);
    expect(secretsIn(await storedText(h))).toEqual([]);
  });
});
