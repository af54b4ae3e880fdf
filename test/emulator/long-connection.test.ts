import * as lark from "@larksuiteoapi/node-sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { LarkEmulator } from "../../src/emulator/index.ts";
import { decodePbbp2Frame, encodePbbp2Frame } from "../../src/emulator/pbbp2-frame.ts";
import { APP_ID, APP_SECRET, eventually, sdkClient, sharedCard, silentLogger } from "./support.ts";

const ALICE = "ou_alice000000000000000000000000000";
const CHAT = "oc_grid0000000000000000000000000001";

type Handlers = Record<string, (data: Record<string, unknown>) => unknown>;

let emu: LarkEmulator;
const clients: lark.WSClient[] = [];

beforeEach(async () => {
  emu = await LarkEmulator.start({ appId: APP_ID, appSecret: APP_SECRET });
  emu.addUser({ openId: ALICE, name: "张三" });
  emu.addChat({ chatId: CHAT, name: "一网格", members: [ALICE] });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close({ force: true });
  await emu.close();
  emu.assertClean();
});

/** Starts a real WSClient with these handlers and resolves once the emulator sees it ready. */
async function connect(handlers: Handlers, appSecret = APP_SECRET): Promise<lark.WSClient> {
  const before = emu.wsClientCount;
  const client = new lark.WSClient({ appId: APP_ID, appSecret, domain: emu.baseUrl, logger: silentLogger });
  clients.push(client);
  const dispatcher = new lark.EventDispatcher({ logger: silentLogger }).register(handlers);
  await client.start({ eventDispatcher: dispatcher });
  await eventually(() => emu.wsClientCount > before);
  return client;
}

describe("long connection", () => {
  it("pushes im.message.receive_v1 to the SDK's WSClient and gets its ACK", async () => {
    const received: Record<string, unknown>[] = [];
    await connect({ "im.message.receive_v1": (data) => void received.push(data) });
    const { messageId, eventId, delivery } = await emu.userSends({
      chatId: CHAT,
      from: ALICE,
      text: "井盖破损",
      mentionBot: true,
    });
    expect(delivery).toMatchObject({ transport: "ws", ok: true, status: 200, attempt: 1 });
    expect(received).toHaveLength(1);
    const event = received[0] as { event_id: string; message: Record<string, unknown>; sender: unknown };
    expect(event.event_id).toBe(eventId);
    expect(event.message).toMatchObject({
      message_id: messageId,
      chat_id: CHAT,
      chat_type: "group",
      message_type: "text",
      content: JSON.stringify({ text: "@_user_1 井盖破损" }),
      mentions: [{ key: "@_user_1", id: { open_id: emu.botOpenId }, name: "日清" }],
    });
    expect(event.sender).toMatchObject({ sender_id: { open_id: ALICE }, sender_type: "user" });
    emu.assertClean();
  });

  it("queues events until a client connects, and redelivers the same event_id", async () => {
    const { eventId, delivery } = await emu.userSends({ chatId: CHAT, from: ALICE, text: "早" });
    expect(delivery).toBeUndefined();
    const ids: unknown[] = [];
    await connect({ "im.message.receive_v1": (data) => void ids.push(data.event_id) });
    await eventually(() => ids.length === 1);
    await emu.redeliver(eventId ?? "");
    expect(ids).toEqual([eventId, eventId]);
    expect(emu.events()[0]?.attempts.map((a) => a.ok)).toEqual([true, true]);
    emu.assertClean();
  });

  it("returns the card callback answer from the ACK to userClicks and applies its card", async () => {
    const actions: unknown[] = [];
    await connect({
      "card.action.trigger": (data) => {
        actions.push(data.action);
        return { toast: { type: "success", content: "已受理" }, card: { type: "raw", data: sharedCard("已受理") } };
      },
    });
    const sent = await sdkClient(emu).im.message.create({
      params: { receive_id_type: "chat_id" },
      data: { receive_id: CHAT, msg_type: "interactive", content: JSON.stringify(sharedCard("待受理")) },
    });
    const messageId = sent.data?.message_id ?? "";
    const answer = await emu.userClicks({ messageId, from: ALICE, value: { cmd: "accept", issue: 7 } });
    expect(answer).toEqual({
      toast: { type: "success", content: "已受理" },
      card: { type: "raw", data: sharedCard("已受理") },
    });
    expect(actions).toEqual([{ value: { cmd: "accept", issue: 7 }, tag: "button", timezone: "Asia/Shanghai" }]);
    expect(emu.message(messageId)?.updates.map((u) => u.via)).toEqual(["callback"]);
    const envelope = emu.events().find((e) => e.eventType === "card.action.trigger")?.envelope;
    expect(envelope?.header.create_time).toMatch(/^\d{16}$/);
    emu.assertClean();
  });

  it("retries an event whose handler failed (ACK code 500)", async () => {
    let calls = 0;
    await connect({
      "im.message.receive_v1": () => {
        calls += 1;
        if (calls === 1) throw new Error("database busy");
      },
    });
    emu.deliverTo({ mode: "ws", retryDelaysMs: [10, 10] });
    const { eventId, delivery } = await emu.userSends({ chatId: CHAT, from: ALICE, text: "重试" });
    expect(delivery).toMatchObject({ ok: false, status: 500, willRetry: true });
    const attempts = await eventually(() => {
      const event = emu.events().find((e) => e.eventId === eventId);
      return event?.attempts.length === 2 && event.attempts;
    });
    expect(attempts.map((a) => [a.attempt, a.ok])).toEqual([
      [1, false],
      [2, true],
    ]);
    emu.assertClean();
  });

  it("delivers each event to one of the connected clients, chosen at random as Lark does", async () => {
    const seen = new Map<string, string[]>();
    for (const name of ["a", "b", "c"]) {
      await connect({
        "im.message.receive_v1": (data) => {
          const text = JSON.parse((data as { message: { content: string } }).message.content).text as string;
          seen.set(name, [...(seen.get(name) ?? []), text]);
        },
      });
    }
    const sent = Array.from({ length: 60 }, (_, i) => `m${i}`);
    for (const text of sent) await emu.userSends({ chatId: CHAT, from: ALICE, text });
    // Each event once, to exactly one client.
    expect([...seen.values()].flat().sort()).toEqual([...sent].sort());
    // Random, not in turn: every client gets some, and the sequence of receivers is not a rotation.
    expect([...seen.keys()].sort()).toEqual(["a", "b", "c"]);
    const receiver = (text: string) => [...seen.entries()].find(([, texts]) => texts.includes(text))?.[0];
    const order = sent.map(receiver);
    expect(order.some((name, i) => i >= 3 && name !== order[i - 3])).toBe(true);
    emu.assertClean();
  });

  it("refuses a wrong app secret at the endpoint with code 514", async () => {
    const error = await new Promise<Error>((resolve) => {
      const client = new lark.WSClient({
        appId: APP_ID,
        appSecret: "wrong",
        domain: emu.baseUrl,
        logger: silentLogger,
        onError: resolve,
      });
      clients.push(client);
      void client.start({ eventDispatcher: new lark.EventDispatcher({ logger: silentLogger }) });
    });
    expect(error.message).toContain("code=514");
    expect(() => emu.assertClean()).toThrow(/auth failed/);
    emu.allow(/auth failed/);
  });

  it("hands out a URL with service_id after the first parameter and answers pings with the ClientConfig", async () => {
    await emu.close();
    emu = await LarkEmulator.start({ appId: APP_ID, appSecret: APP_SECRET, wsClientConfig: { PingInterval: 5 } });
    const answer = (await fetch(`${emu.baseUrl}/callback/ws/endpoint`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ AppID: APP_ID, AppSecret: APP_SECRET }),
    }).then((r) => r.json())) as { code: number; data: { URL: string; ClientConfig: unknown } };
    expect(answer.code).toBe(0);
    const url = new URL(answer.data.URL);
    expect([...url.searchParams.keys()].indexOf("service_id")).toBeGreaterThan(0);
    const clientConfig = { PingInterval: 5, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30 };
    expect(answer.data.ClientConfig).toEqual(clientConfig);

    const socket = new WebSocket(answer.data.URL);
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const pong = new Promise<Buffer>((resolve) => socket.once("message", (data) => resolve(data as Buffer)));
    const service = Number(url.searchParams.get("service_id"));
    socket.send(
      encodePbbp2Frame({ SeqID: 0, LogID: 0, service, method: 0, headers: [{ key: "type", value: "ping" }] }),
    );
    const frame = decodePbbp2Frame(await pong);
    expect(frame).toMatchObject({ method: 0, service, headers: [{ key: "type", value: "pong" }] });
    expect(JSON.parse(Buffer.from(frame.payload ?? []).toString())).toEqual(clientConfig);
    await eventually(() => emu.wsClientCount === 1);
    socket.terminate();

    // A ticket is good for one connection only.
    const replay = new WebSocket(answer.data.URL);
    const refused = await new Promise<Error>((resolve) => replay.once("error", resolve));
    expect(refused.message).toContain("403");
    emu.assertClean();
  });
});
