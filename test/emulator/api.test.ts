import type { Readable } from "node:stream";
import type * as lark from "@larksuiteoapi/node-sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALL_SCOPES, LarkEmulator, SCOPES } from "../../src/emulator/index.ts";
import { APP_ID, APP_SECRET, larkFailure, ManualClock, PNG, sdkClient, sharedCard } from "./support.ts";

const ALICE = "ou_alice000000000000000000000000000";
const BOB = "ou_bob00000000000000000000000000000";
const CHAT = "oc_grid0000000000000000000000000001";
const OTHER_CHAT = "oc_grid0000000000000000000000000002";

let clock: ManualClock;
let emu: LarkEmulator;
let client: lark.Client;

beforeEach(async () => {
  clock = new ManualClock();
  emu = await LarkEmulator.start({ appId: APP_ID, appSecret: APP_SECRET, now: clock.now });
  emu.addUser({ openId: ALICE, name: "张三" });
  emu.addUser({ openId: BOB, name: "李四" });
  emu.addChat({ chatId: CHAT, name: "一网格", members: [ALICE, BOB] });
  emu.addChat({ chatId: OTHER_CHAT, name: "二网格", members: [ALICE] });
  client = sdkClient(emu);
});

afterEach(async () => {
  await emu.close();
  emu.assertClean();
});

const sendText = (chatId: string, text: string, uuid?: string) =>
  client.im.message.create({
    params: { receive_id_type: "chat_id" },
    data: { receive_id: chatId, msg_type: "text", content: JSON.stringify({ text }), ...(uuid && { uuid }) },
  });

const sendCard = (chatId: string, card: unknown) =>
  client.im.message.create({
    params: { receive_id_type: "chat_id" },
    data: { receive_id: chatId, msg_type: "interactive", content: JSON.stringify(card) },
  });

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("access tokens", () => {
  it("issues a tenant token the SDK uses, and answers 99991663 once it has expired", async () => {
    const sent = await sendText(CHAT, "hello");
    expect(sent.code).toBe(0);
    const tokenCall = emu.calls.find((c) => c.path === "/open-apis/auth/v3/tenant_access_token/internal");
    expect(tokenCall).toMatchObject({ status: 200, code: 0, body: { app_id: APP_ID, app_secret: APP_SECRET } });

    emu.expireAllTokens();
    // The SDK keeps using its cached token and does not retry: the bot's client must refresh it.
    expect(await larkFailure(sendText(CHAT, "again"))).toMatchObject({ status: 400, code: 99991663 });
    expect(emu.messages(CHAT)).toHaveLength(1);

    const freshClient = sdkClient(emu);
    const retried = await freshClient.im.message.create({
      params: { receive_id_type: "chat_id" },
      data: { receive_id: CHAT, msg_type: "text", content: JSON.stringify({ text: "again" }) },
    });
    expect(retried.code).toBe(0);
    emu.assertClean();
  });

  it("expires tokens on the emulator clock and reuses a token while it has 30 minutes left", async () => {
    const issue = async () =>
      (await fetch(`${emu.baseUrl}/open-apis/auth/v3/tenant_access_token/internal`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ app_id: APP_ID, app_secret: APP_SECRET }),
      }).then((r) => r.json())) as { tenant_access_token: string; expire: number };
    const first = await issue();
    expect(first.expire).toBe(7200);
    clock.advance(3600_000);
    expect(await issue()).toEqual({ code: 0, msg: "ok", tenant_access_token: first.tenant_access_token, expire: 3600 });
    clock.advance(3000_000);
    const renewed = await issue();
    expect(renewed.tenant_access_token).not.toBe(first.tenant_access_token);

    await sendText(CHAT, "with cached token");
    clock.advance(7200_000);
    expect(await larkFailure(sendText(CHAT, "too late"))).toMatchObject({ status: 400, code: 99991663 });
    emu.assertClean();
  });

  it("answers 99991661 without a token and flags it, and refuses wrong credentials", async () => {
    const response = await fetch(`${emu.baseUrl}/open-apis/bot/v3/info`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 99991661 });
    const wrong = await fetch(`${emu.baseUrl}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ app_id: APP_ID, app_secret: "nope" }),
    });
    expect(await wrong.json()).toMatchObject({ code: 10014 });
    expect(emu.unexpectedCalls.map((u) => u.call?.code)).toEqual([99991661, 10014]);
    expect(() => emu.assertClean()).toThrow(/99991661/);
    emu.allow(99991661, 10014);
  });
});

describe("messages", () => {
  it("sends, replies in thread and keeps replies in the thread", async () => {
    const seen: string[] = [];
    emu.on("message", (m) => seen.push(m.messageId));
    const root = await sendText(CHAT, "root");
    const rootId = root.data?.message_id ?? "";
    expect(rootId).toMatch(/^om_/);
    expect(root.data).toMatchObject({ chat_id: CHAT, msg_type: "text", sender: { id: APP_ID, sender_type: "app" } });

    const reply = await client.im.message.reply({
      path: { message_id: rootId },
      data: { msg_type: "text", content: JSON.stringify({ text: "in thread" }), reply_in_thread: true },
    });
    expect(reply.data).toMatchObject({ root_id: rootId, parent_id: rootId });
    const threadId = reply.data?.thread_id ?? "";
    expect(threadId).toMatch(/^omt_/);
    expect(emu.message(rootId)?.threadId).toBe(threadId);

    const nested = await client.im.message.reply({
      path: { message_id: reply.data?.message_id ?? "" },
      data: { msg_type: "text", content: JSON.stringify({ text: "still in thread" }) },
    });
    expect(nested.data).toMatchObject({ root_id: rootId, parent_id: reply.data?.message_id, thread_id: threadId });
    expect(seen).toHaveLength(3);
    expect(emu.messages(CHAT).map((m) => m.content)).toEqual([
      { text: "root" },
      { text: "in thread" },
      { text: "still in thread" },
    ]);
    emu.assertClean();
  });

  it("sends to a user by open_id in the p2p chat and records mentions", async () => {
    const sent = await client.im.message.create({
      params: { receive_id_type: "open_id" },
      data: {
        receive_id: ALICE,
        msg_type: "text",
        content: JSON.stringify({ text: `<at user_id="${BOB}">李四</at> 请处理` }),
      },
    });
    expect(sent.data?.chat_id).toBe(emu.p2pChatId(ALICE));
    expect(emu.message(sent.data?.message_id ?? "")?.mentions).toEqual([
      { key: "@_user_1", openId: BOB, name: "李四" },
    ]);
    emu.assertClean();
  });

  it("without the group_msg scope, pushes only group messages that @ the bot", async () => {
    await emu.close();
    const scopes = ALL_SCOPES.filter((s) => s !== SCOPES.groupMessages);
    emu = await LarkEmulator.start({ appId: APP_ID, appSecret: APP_SECRET, scopes });
    emu.addUser({ openId: ALICE, name: "张三" });
    emu.addChat({ chatId: CHAT, name: "一网格", members: [ALICE] });
    const plain = await emu.userSends({ chatId: CHAT, from: ALICE, text: "闲聊" });
    expect(plain.eventId).toBeUndefined();
    const addressed = await emu.userSends({ chatId: CHAT, from: ALICE, text: "上报", mentionBot: true });
    expect(addressed.eventId).toMatch(/^[0-9a-f]{32}$/);
    const direct = await emu.userSends({ chatId: emu.p2pChatId(ALICE), from: ALICE, text: "私聊" });
    expect(direct.eventId).toBeDefined();
    expect(emu.messages()).toHaveLength(3);
  });

  it("de-duplicates on uuid within an hour", async () => {
    const first = await sendText(CHAT, "once", "outbox-42");
    const again = await sendText(CHAT, "once", "outbox-42");
    expect(again.data?.message_id).toBe(first.data?.message_id);
    expect(emu.messages(CHAT)).toHaveLength(1);
    clock.advance(3600_000);
    const later = await sendText(CHAT, "once", "outbox-42");
    expect(later.data?.message_id).not.toBe(first.data?.message_id);
    emu.assertClean();
  });

  it("updates a shared card in place, keeping the history", async () => {
    const updates: unknown[] = [];
    emu.on("message.updated", (m) => updates.push(m.content));
    const sent = await sendCard(CHAT, sharedCard("待处理"));
    const messageId = sent.data?.message_id ?? "";
    const patched = await client.im.message.patch({
      path: { message_id: messageId },
      data: { content: JSON.stringify(sharedCard("已处理")) },
    });
    expect(patched.code).toBe(0);
    expect(emu.message(messageId)?.updates).toEqual([
      { time: clock.now(), content: sharedCard("已处理"), via: "patch" },
    ]);
    expect(updates).toEqual([sharedCard("已处理")]);
    emu.assertClean();
  });

  it("refuses to update unshared cards, users' messages and cards older than 14 days", async () => {
    const { update_multi: _, ...unsharedConfig } = sharedCard("x").config as Record<string, unknown>;
    const unshared = await sendCard(CHAT, { ...sharedCard("x"), config: unsharedConfig });
    const patch = (messageId: string) =>
      client.im.message.patch({ path: { message_id: messageId }, data: { content: JSON.stringify(sharedCard("y")) } });
    expect(await larkFailure(patch(unshared.data?.message_id ?? ""))).toMatchObject({ code: 230001 });

    const fromUser = await emu.userSends({ chatId: CHAT, from: ALICE, text: "hi" });
    expect(await larkFailure(patch(fromUser.messageId))).toMatchObject({ code: 230012 });

    const old = await sendCard(CHAT, sharedCard("old"));
    clock.advance(15 * 24 * 3600_000);
    const renewedClient = sdkClient(emu);
    const stale = renewedClient.im.message.patch({
      path: { message_id: old.data?.message_id ?? "" },
      data: { content: JSON.stringify(sharedCard("new")) },
    });
    expect(await larkFailure(stale)).toMatchObject({ code: 230031 });
    emu.allow(230001, 230012);
  });

  it("validates content: bad card JSON, v2 removed tags, size and element limits", async () => {
    const raw = (content: string, msgType = "interactive") =>
      client.im.message.create({
        params: { receive_id_type: "chat_id" },
        data: { receive_id: CHAT, msg_type: msgType, content },
      });
    const badJson = await larkFailure(raw("{not json"));
    expect(badJson).toMatchObject({ status: 400, code: 230099 });
    expect(badJson.msg).toContain("200621");

    const v2WithNote = { schema: "2.0", body: { elements: [{ tag: "note", elements: [] }] } };
    const v2 = await larkFailure(raw(JSON.stringify(v2WithNote)));
    expect(v2).toMatchObject({ code: 230099 });
    expect(v2.msg).toContain("200861");

    const many = { elements: Array.from({ length: 201 }, () => ({ tag: "hr" })) };
    expect((await larkFailure(raw(JSON.stringify(many)))).msg).toContain("11310");

    const huge = { elements: [{ tag: "markdown", content: "字".repeat(11_000) }] };
    expect(await larkFailure(raw(JSON.stringify(huge)))).toMatchObject({ code: 230025 });
    expect(await larkFailure(raw(JSON.stringify({ text: "a".repeat(151 * 1024) }), "text"))).toMatchObject({
      code: 230025,
    });
    const unknownImage = {
      elements: [{ tag: "img", img_key: "img_v3_unknown", alt: { tag: "plain_text", content: "" } }],
    };
    expect((await larkFailure(raw(JSON.stringify(unknownImage)))).msg).toContain("200570");
    expect(emu.messages(CHAT)).toHaveLength(0);
    expect(emu.unexpectedCalls).toHaveLength(6);
    emu.allow(230099, 230025);
  });

  it("refuses chats the bot is not in (230002) and dissolved chats (232009)", async () => {
    await emu.removeBotFromChat(CHAT);
    expect(await larkFailure(sendText(CHAT, "hello?"))).toMatchObject({ status: 400, code: 230002 });
    await emu.dissolveChat(OTHER_CHAT);
    expect(await larkFailure(sendText(OTHER_CHAT, "hello?"))).toMatchObject({ code: 232009 });
    emu.assertClean();
  });
});

describe("images and files", () => {
  it("uploads an image the bot can send, and downloads a user's image from the message", async () => {
    const uploaded = await client.im.image.create({ data: { image_type: "message", image: PNG } });
    const imageKey = uploaded?.image_key ?? "";
    expect(imageKey).toMatch(/^img_v3_/);
    const sent = await client.im.message.create({
      params: { receive_id_type: "chat_id" },
      data: { receive_id: CHAT, msg_type: "image", content: JSON.stringify({ image_key: imageKey }) },
    });
    expect(sent.code).toBe(0);

    const photo = Buffer.concat([PNG, Buffer.from("user photo")]);
    const { messageId } = await emu.userSends({ chatId: CHAT, from: ALICE, images: [photo] });
    const content = emu.message(messageId)?.content as { image_key: string };
    const download = await client.im.messageResource.get({
      path: { message_id: messageId, file_key: content.image_key },
      params: { type: "image" },
    });
    expect(download.headers["content-type"]).toBe("image/png");
    expect(await readAll(download.getReadableStream())).toEqual(photo);

    const notThere = await larkFailure(
      client.im.messageResource.get({ path: { message_id: messageId, file_key: imageKey }, params: { type: "image" } }),
    );
    expect(notThere.status).toBe(400);
    await emu.removeBotFromChat(CHAT);
    const outside = await larkFailure(
      client.im.messageResource.get({
        path: { message_id: messageId, file_key: content.image_key },
        params: { type: "image" },
      }),
    );
    expect(outside.status).toBe(400);
    expect(emu.calls.slice(-2).map((c) => c.code)).toEqual([234003, 234004]);
    emu.allow(234003);
  });

  it("sends a user's text with photos as a post whose images can be fetched", async () => {
    const { messageId } = await emu.userSends({ chatId: CHAT, from: ALICE, text: "井盖破损", images: [PNG, PNG] });
    const message = emu.message(messageId);
    if (!message) throw new Error("message missing");
    expect(message.msgType).toBe("post");
    const lines = (message.content as { content: { tag: string; image_key?: string; text?: string }[][] }).content;
    expect(lines[0]).toEqual([{ tag: "text", text: "井盖破损" }]);
    const key = lines[1]?.[0]?.image_key ?? "";
    const download = await client.im.messageResource.get({
      path: { message_id: messageId, file_key: key },
      params: { type: "image" },
    });
    expect(await readAll(download.getReadableStream())).toEqual(PNG);
    emu.assertClean();
  });

  it("refuses empty and unrecognised images, and stores files", async () => {
    expect(
      await larkFailure(client.im.image.create({ data: { image_type: "message", image: Buffer.alloc(0) } })),
    ).toMatchObject({
      code: 234010,
    });
    expect(
      await larkFailure(
        client.im.image.create({ data: { image_type: "message", image: Buffer.from("not an image") } }),
      ),
    ).toMatchObject({ code: 234011 });
    const file = await client.im.file.create({
      data: { file_type: "xls", file_name: "台账.xlsx", file: Buffer.from("PK fake xlsx") },
    });
    expect(file?.file_key).toMatch(/^file_v3_/);
    emu.allow(234010, 234011);
  });
});

describe("rate limits", () => {
  it("answers the 51st call of an API within a second with HTTP 429 / 99991400", async () => {
    const botInfo = () => client.request({ method: "GET", url: "/open-apis/bot/v3/info" });
    for (let i = 0; i < 50; i++) await botInfo();
    const limited = await larkFailure(botInfo());
    expect(limited).toMatchObject({ status: 429, code: 99991400 });
    expect(limited.headers?.["x-ogw-ratelimit-limit"]).toBe("50");
    expect(limited.headers?.["x-ogw-ratelimit-reset"]).toBe("1");
    expect(await sendText(CHAT, "other APIs have their own budget")).toMatchObject({ code: 0 });
    clock.advance(1000);
    expect(await botInfo()).toMatchObject({ code: 0, bot: { open_id: emu.botOpenId } });
    emu.allow(99991400);
  });

  it("limits per minute as configured", async () => {
    await emu.close();
    emu = await LarkEmulator.start({
      appId: APP_ID,
      appSecret: APP_SECRET,
      now: clock.now,
      rateLimits: { perApiPerSecond: 3, perApiPerMinute: 5 },
    });
    client = sdkClient(emu);
    const botInfo = () => client.request({ method: "GET", url: "/open-apis/bot/v3/info" });
    for (let i = 0; i < 3; i++) await botInfo();
    clock.advance(1000);
    await botInfo();
    await botInfo();
    const limited = await larkFailure(botInfo());
    expect(limited.headers?.["x-ogw-ratelimit-limit"]).toBe("5");
    expect(limited.headers?.["x-ogw-ratelimit-reset"]).toBe("59");
    emu.allow(99991400);
  });

  it("answers the 6th message to one chat within a second with 230020", async () => {
    for (let i = 0; i < 5; i++) await sendText(CHAT, `m${i}`);
    expect(await larkFailure(sendText(CHAT, "m5"))).toMatchObject({ status: 400, code: 230020 });
    expect(await sendText(OTHER_CHAT, "another chat is fine")).toMatchObject({ code: 0 });
    clock.advance(1000);
    expect(await sendText(CHAT, "m5")).toMatchObject({ code: 0 });
    emu.allow(230020);
  });

  it("answers the 6th update of one card within a second with 230020", async () => {
    const sent = await sendCard(CHAT, sharedCard("v0"));
    const patch = (n: number) =>
      client.im.message.patch({
        path: { message_id: sent.data?.message_id ?? "" },
        data: { content: JSON.stringify(sharedCard(`v${n}`)) },
      });
    for (let i = 1; i <= 5; i++) await patch(i);
    expect(await larkFailure(patch(6))).toMatchObject({ code: 230020 });
    emu.allow(230020);
  });
});

describe("failure injection", () => {
  it("fails the next matching call with a status, then recovers", async () => {
    emu.failNext(
      { method: "POST", path: "/open-apis/im/v1/messages", times: 2 },
      { status: 503, code: 1, msg: "busy" },
    );
    expect(await larkFailure(sendText(CHAT, "a"))).toMatchObject({ status: 503, code: 1, msg: "busy" });
    expect(await larkFailure(sendText(CHAT, "b"))).toMatchObject({ status: 503 });
    expect(await sendText(CHAT, "c")).toMatchObject({ code: 0 });
    expect(emu.messages(CHAT).map((m) => m.content)).toEqual([{ text: "c" }]);
    expect(emu.calls.filter((c) => c.injected === "status")).toHaveLength(2);
    emu.assertClean();
  });

  it("drops the connection without applying the call", async () => {
    emu.failNext({ path: /^\/open-apis\/im\/v1\/messages/ }, { kind: "network" });
    const failure = await larkFailure(sendText(CHAT, "lost"));
    expect(failure.status).toBeUndefined();
    expect(emu.messages(CHAT)).toHaveLength(0);
    emu.assertClean();
  });

  it("applies the call but never answers (timeout after accept); the uuid makes the resend safe", async () => {
    emu.failNext({ method: "POST", path: "/open-apis/im/v1/messages" }, { kind: "timeout-after-accept", delayMs: 20 });
    const failure = await larkFailure(sendText(CHAT, "maybe", "outbox-7"));
    expect(failure.status).toBeUndefined();
    expect(emu.messages(CHAT)).toHaveLength(1);
    const resent = await sendText(CHAT, "maybe", "outbox-7");
    expect(resent.data?.message_id).toBe(emu.messages(CHAT)[0]?.messageId);
    expect(emu.messages(CHAT)).toHaveLength(1);
    emu.assertClean();
  });

  it("can fail the token endpoint", async () => {
    emu.failNext({ path: "/open-apis/auth/v3/tenant_access_token/internal" }, { status: 500 });
    expect(await larkFailure(sendText(CHAT, "no token"))).toMatchObject({ status: 500 });
    expect(await sendText(CHAT, "token now")).toMatchObject({ code: 0 });
    emu.assertClean();
  });
});

describe("directory", () => {
  it("answers user, chat, paged members and bot info", async () => {
    const user = await client.contact.user.get({ path: { user_id: ALICE }, params: { user_id_type: "open_id" } });
    expect(user.data?.user).toMatchObject({ open_id: ALICE, name: "张三" });
    const chat = await client.im.chat.get({ path: { chat_id: CHAT } });
    expect(chat.data).toMatchObject({ name: "一网格", owner_id: ALICE, user_count: "2" });
    const first = await client.im.chatMembers.get({ path: { chat_id: CHAT }, params: { page_size: 1 } });
    expect(first.data).toMatchObject({ items: [{ member_id: ALICE, name: "张三" }], has_more: true, member_total: 2 });
    const second = await client.im.chatMembers.get({
      path: { chat_id: CHAT },
      params: { page_size: 1, page_token: first.data?.page_token ?? "" },
    });
    expect(second.data).toMatchObject({ items: [{ member_id: BOB }], has_more: false, page_token: "" });
    await emu.removeBotFromChat(CHAT);
    // Chat info still answers for an internal group the bot left; its member list does not.
    expect((await client.im.chat.get({ path: { chat_id: CHAT } })).data).toMatchObject({ bot_count: "0" });
    expect(await larkFailure(client.im.chatMembers.get({ path: { chat_id: CHAT } }))).toMatchObject({ code: 232011 });
    emu.assertClean();
  });

  it("flags calls to endpoints the emulator does not know", async () => {
    const response = await client.request({ method: "GET", url: "/open-apis/im/v1/pins" }).catch((e) => e.response);
    expect(response.status).toBe(404);
    expect(() => emu.assertClean()).toThrow(/no such endpoint: GET \/open-apis\/im\/v1\/pins/);
    emu.allow(/no such endpoint/);
  });
});

describe("saved state", () => {
  it("exports the tenant and starts a new emulator from it: same bot, chats, messages, card updates and files", async () => {
    const card = await sendCard(CHAT, sharedCard("待处理"));
    const cardId = card.data?.message_id ?? "";
    await client.im.message.patch({
      path: { message_id: cardId },
      data: { content: JSON.stringify(sharedCard("已处理")) },
    });
    const { messageId } = await emu.userSends({ chatId: CHAT, from: ALICE, text: "井盖破损", images: [PNG] });
    await sendText(CHAT, "once", "outbox-7");
    const file = await client.im.file.create({
      data: { file_type: "xls", file_name: "台账.xlsx", file: Buffer.from("PK fake xlsx") },
    });
    const p2p = emu.p2pChatId(BOB);

    const saved = emu.exportState();
    const restored = await LarkEmulator.start({ appId: APP_ID, appSecret: APP_SECRET, now: clock.now, state: saved });
    try {
      expect(restored.botOpenId).toBe(emu.botOpenId);
      expect(restored.tenantKey).toBe(emu.tenantKey);
      expect(restored.users()).toEqual(emu.users());
      expect(restored.chats()).toEqual(emu.chats());
      expect(restored.p2pChatId(BOB)).toBe(p2p);
      expect(restored.messages()).toEqual(emu.messages());
      expect(restored.message(cardId)?.updates).toHaveLength(1);
      const key = /"image_key":"([^"]+)"/.exec(JSON.stringify(restored.message(messageId)?.content))?.[1];
      expect(restored.resource(key ?? "")?.data).toEqual(PNG);
      expect(restored.resource(file?.file_key ?? "")).toMatchObject({ kind: "file", fileName: "台账.xlsx" });

      const restoredClient = sdkClient(restored);
      const again = await restoredClient.im.message.create({
        params: { receive_id_type: "chat_id" },
        data: { receive_id: CHAT, msg_type: "text", content: JSON.stringify({ text: "once" }), uuid: "outbox-7" },
      });
      expect(restored.messages(CHAT)).toHaveLength(3);
      expect(again.data?.message_id).toBe(emu.messages(CHAT)[2]?.messageId);
      restored.assertClean();
    } finally {
      await restored.close();
    }
    // The export is a copy: the first emulator's later changes do not reach it.
    await sendText(CHAT, "later");
    expect(saved.messages).toHaveLength(3);
  });
});
