import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import * as lark from "@larksuiteoapi/node-sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LarkEmulator, type LarkEventEnvelope, STALE_SECONDS } from "../../src/emulator/index.ts";
import {
  APP_ID,
  APP_SECRET,
  ENCRYPT_KEY,
  eventually,
  ManualClock,
  sdkClient,
  sharedCard,
  silentLogger,
  VERIFICATION_TOKEN,
} from "./support.ts";

const ALICE = "ou_alice000000000000000000000000000";
const CHAT = "oc_grid0000000000000000000000000001";

let clock: ManualClock;
let emu: LarkEmulator;
let receiver: Server | undefined;

beforeEach(async () => {
  clock = new ManualClock();
  emu = await LarkEmulator.start({
    appId: APP_ID,
    appSecret: APP_SECRET,
    encryptKey: ENCRYPT_KEY,
    verificationToken: VERIFICATION_TOKEN,
    now: clock.now,
  });
  emu.addUser({ openId: ALICE, name: "张三" });
  emu.addChat({ chatId: CHAT, name: "一网格", members: [ALICE] });
});

afterEach(async () => {
  receiver?.closeAllConnections();
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  receiver = undefined;
  await emu.close();
  emu.assertClean();
});

function dispatcherWith(handlers: Record<string, (data: Record<string, unknown>) => unknown>) {
  return new lark.EventDispatcher({
    encryptKey: ENCRYPT_KEY,
    verificationToken: VERIFICATION_TOKEN,
    logger: silentLogger,
  }).register(handlers);
}

/** Starts an HTTP receiver and returns its URL. */
async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  receiver = createServer(handler);
  await new Promise<void>((resolve) => receiver?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook/event`;
}

/** What the SDK adapters hand to EventDispatcher.invoke: the parsed body with the headers on its prototype. */
function asAdapterData(request: { headers: Record<string, string>; body: string }): Record<string, unknown> {
  return Object.assign(Object.create({ headers: request.headers }), JSON.parse(request.body));
}

describe("webhook delivery", () => {
  it("posts encrypted, signed events that the SDK's EventDispatcher verifies and decrypts", async () => {
    const received: Record<string, unknown>[] = [];
    const dispatcher = dispatcherWith({ "im.message.receive_v1": (data) => void received.push(data) });
    const url = await listen(lark.adaptDefault("/webhook/event", dispatcher));
    emu.deliverTo({ mode: "webhook", url });
    const { messageId, eventId, delivery } = await emu.userSends({ chatId: CHAT, from: ALICE, text: "路灯不亮" });
    expect(delivery).toMatchObject({ transport: "webhook", ok: true, status: 200 });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      schema: "2.0",
      event_id: eventId,
      event_type: "im.message.receive_v1",
      token: VERIFICATION_TOKEN,
      app_id: APP_ID,
      create_time: String(clock.now()),
      message: { message_id: messageId, content: JSON.stringify({ text: "路灯不亮" }) },
    });
    emu.assertClean();
  });

  it("builds requests the dispatcher accepts, and spoilt ones for receiver tests", async () => {
    const seen: unknown[] = [];
    const dispatcher = dispatcherWith({ "im.message.receive_v1": (data) => void seen.push(data.token) });
    const envelope: LarkEventEnvelope = emu.buildEnvelope("im.message.receive_v1", { message: { message_id: "om_x" } });

    const good = emu.buildWebhookRequest(envelope);
    expect(JSON.parse(good.body)).toEqual({ encrypt: expect.any(String) });
    expect(good.headers["x-lark-request-timestamp"]).toBe(String(Math.floor(clock.now() / 1000)));
    await dispatcher.invoke(asAdapterData(good), { needCheck: true });
    expect(seen).toEqual([VERIFICATION_TOKEN]);

    const forged = emu.buildWebhookRequest(envelope, { tamper: "signature" });
    expect(await dispatcher.invoke(asAdapterData(forged), { needCheck: true })).toBeUndefined();
    expect(seen).toHaveLength(1);

    // The SDK checks neither the timestamp nor the verification token: the bot's receiver must.
    const stale = emu.buildWebhookRequest(envelope, { tamper: "stale" });
    expect(Number(stale.headers["x-lark-request-timestamp"])).toBe(Math.floor(clock.now() / 1000) - STALE_SECONDS);
    await dispatcher.invoke(asAdapterData(stale), { needCheck: true });
    await dispatcher.invoke(asAdapterData(emu.buildWebhookRequest(envelope, { tamper: "token" })), { needCheck: true });
    expect(seen).toEqual([VERIFICATION_TOKEN, VERIFICATION_TOKEN, "wrong-verification-token"]);

    const plain = emu.buildWebhookRequest(envelope, { encrypt: false });
    expect(JSON.parse(plain.body)).toEqual(envelope);
  });

  it("passes url verification through the SDK adapter's autoChallenge", async () => {
    const url = await listen(lark.adaptDefault("/webhook/event", dispatcherWith({}), { autoChallenge: true }));
    expect(await emu.verifyUrl(url)).toEqual({ ok: true, status: 200 });
    const { challenge, request } = emu.buildUrlVerification({ encrypt: false });
    expect(JSON.parse(request.body)).toEqual({ challenge, token: VERIFICATION_TOKEN, type: "url_verification" });
    expect(request.headers["x-lark-signature"]).toBeUndefined();
  });

  it("retries on the schedule while the receiver answers 500, and stops after the last retry", async () => {
    let failuresLeft = 3;
    const url = await listen((_req, res) => {
      res.writeHead(failuresLeft-- > 0 ? 500 : 200).end();
    });
    emu.deliverTo({ mode: "webhook", url, retryDelaysMs: [5, 10, 15, 20] });
    const { eventId } = await emu.userSends({ chatId: CHAT, from: ALICE, text: "重试" });
    const attempts = await eventually(() => {
      const event = emu.events().find((e) => e.eventId === eventId);
      return event?.attempts.at(-1)?.ok && event.attempts;
    });
    expect(attempts.map((a) => [a.attempt, a.status, a.willRetry])).toEqual([
      [1, 500, true],
      [2, 500, true],
      [3, 500, true],
      [4, 200, false],
    ]);

    failuresLeft = Number.POSITIVE_INFINITY;
    const second = await emu.userSends({ chatId: CHAT, from: ALICE, text: "一直失败" });
    const finalAttempts = await eventually(() => {
      const event = emu.events().find((e) => e.eventId === second.eventId);
      return event?.attempts.length === 5 && event.attempts;
    });
    expect(finalAttempts.map((a) => a.willRetry)).toEqual([true, true, true, true, false]);
  });

  it("treats a receiver slower than the timeout as a failure", async () => {
    const url = await listen(() => undefined);
    emu.deliverTo({ mode: "webhook", url, timeoutMs: 50, retryDelaysMs: [] });
    const { delivery } = await emu.userSends({ chatId: CHAT, from: ALICE, text: "慢" });
    expect(delivery).toMatchObject({ ok: false, willRetry: false });
    expect(delivery?.error).toMatch(/timeout|aborted/i);
  });

  it("delivers card callbacks once and returns the receiver's answer", async () => {
    const dispatcher = dispatcherWith({
      "card.action.trigger": () => ({ toast: { type: "info", content: "收到" } }),
    });
    const url = await listen(lark.adaptDefault("/webhook/event", dispatcher));
    emu.deliverTo({ mode: "webhook", url });
    const sent = await sdkClient(emu).im.message.create({
      params: { receive_id_type: "chat_id" },
      data: { receive_id: CHAT, msg_type: "interactive", content: JSON.stringify(sharedCard("卡片")) },
    });
    const answer = await emu.userClicks({ messageId: sent.data?.message_id ?? "", from: ALICE, value: { cmd: "ok" } });
    expect(answer).toEqual({ toast: { type: "info", content: "收到" } });
    emu.assertClean();
  });
});
