// behaviour §10.4, §13.9
import { afterEach, describe, expect, it } from "vitest";
import type { WebhookRequest } from "../../src/emulator/webhook-request.ts";
import { connects, otherAddresses } from "../support/addresses.ts";
import { type BotHarness, ORG, startBot } from "../support/bot.ts";

/** A worker's report in 幸福里's work group, as Lark would push it (a fresh message id each time). */
function reportEvent(h: BotHarness) {
  return h.emu.buildEnvelope("im.message.receive_v1", {
    sender: { sender_id: { open_id: h.people.get("何小燕") }, sender_type: "user", tenant_key: "t" },
    message: {
      message_id: `om_${Math.random().toString(16).slice(2).padEnd(32, "0")}`,
      create_time: String(h.clock.epoch()),
      chat_id: ORG.chats.xflWork,
      chat_type: "group",
      message_type: "text",
      content: JSON.stringify({ text: "上报 幸福路菜市场门口堆物" }),
    },
  });
}

function post(h: BotHarness, request: WebhookRequest): Promise<Response> {
  return fetch(`http://127.0.0.1:${h.bot.port}/lark/events`, {
    method: "POST",
    headers: request.headers,
    body: request.body,
  });
}

/** Nothing an outsider could post was stored or acted on. */
async function nothingChanged(h: BotHarness): Promise<void> {
  await h.settle();
  expect(await h.bot.inboxDb.inboundEvent.count()).toBe(0);
  expect(await h.bot.db.issue.count()).toBe(0);
}

describe("only Lark can hand the bot an event", () => {
  let h: BotHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("has no /lark/events in long-connection mode: a forged event, signed or not, gets 404 and changes nothing", async () => {
    h = await startBot({ mode: "ws" });
    const bare = { headers: { "content-type": "application/json" }, body: JSON.stringify(reportEvent(h)) };
    expect((await post(h, bare)).status).toBe(404);
    // Even one built with the app's own key and token: this mode takes events only over the long connection.
    expect((await post(h, h.emu.buildWebhookRequest(reportEvent(h), { encrypt: false }))).status).toBe(404);
    expect((await post(h, h.emu.buildWebhookRequest(reportEvent(h), { encrypt: true }))).status).toBe(404);
    await nothingChanged(h);
  });

  it("listens on 127.0.0.1 by default, and on every address with HOST=0.0.0.0", async () => {
    const others = otherAddresses();
    expect(others.length).toBeGreaterThan(0);
    h = await startBot({ mode: "ws" });
    expect(await connects("127.0.0.1", h.bot.port)).toBe(true);
    for (const address of others)
      expect({ address, open: await connects(address, h.bot.port) }).toEqual({ address, open: false });
    await h.close();
    h = await startBot({ mode: "ws", env: { HOST: "0.0.0.0" } });
    expect({ address: others[0], open: await connects(others[0] ?? "", h.bot.port) }).toEqual({
      address: others[0],
      open: true,
    });
  });

  it("refuses an event with a wrong or missing verification token, plain or encrypted, with 401", async () => {
    h = await startBot({ mode: "webhook" });
    const bot = h;
    const withoutToken = () => {
      const envelope = reportEvent(bot);
      const { token: _, ...header } = envelope.header;
      return { ...envelope, header };
    };
    for (const encrypt of [false, true]) {
      expect((await post(h, h.emu.buildWebhookRequest(reportEvent(h), { encrypt, tamper: "token" }))).status).toBe(401);
      expect((await post(h, h.emu.buildWebhookRequest(withoutToken(), { encrypt }))).status).toBe(401);
    }
    await nothingChanged(h);
  });

  it("checks the token even without an encrypt key", async () => {
    h = await startBot({ mode: "webhook", env: { LARK_ENCRYPT_KEY: "" } });
    const plain = h.emu.buildWebhookRequest(reportEvent(h), { encrypt: false, tamper: "token" });
    expect((await post(h, plain)).status).toBe(401);
    await nothingChanged(h);
  });

  it("with an encrypt key, refuses a plain event whose signature is wrong or missing", async () => {
    h = await startBot({ mode: "webhook" });
    const forged = h.emu.buildWebhookRequest(reportEvent(h), { encrypt: false, tamper: "signature" });
    expect((await post(h, forged)).status).toBe(401);
    const unsigned = h.emu.buildWebhookRequest(reportEvent(h), { encrypt: false });
    unsigned.headers = { "content-type": "application/json" };
    expect((await post(h, unsigned)).status).toBe(401);
    await nothingChanged(h);
  });
});
