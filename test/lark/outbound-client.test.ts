import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LarkEmulator } from "../../src/emulator/index.ts";
import { LarkClient, type LarkClientOptions } from "../../src/lark/client.ts";
import { LarkApiError } from "../../src/lark/errors.ts";
import { ResourceTooLargeError } from "../../src/lark/transport/read-all.ts";
import { createLogger } from "../../src/log.ts";
import { card } from "../../src/presenters/card.ts";
import { markdown } from "../../src/presenters/markdown.ts";
import { imageKeysOf, PNG, TEST_APP, VirtualClock } from "./outbound-support.ts";

const { appId: APP_ID, appSecret: APP_SECRET } = TEST_APP;
const MESSAGES = "/open-apis/im/v1/messages";

describe("LarkClient against the emulator (real SDK)", () => {
  let emu: LarkEmulator;
  let clock: VirtualClock;
  let logLines: string[];
  let client: LarkClient;

  const newClient = (extra: Partial<LarkClientOptions> = {}) =>
    new LarkClient({
      appId: APP_ID,
      appSecret: APP_SECRET,
      domain: emu.baseUrl,
      clock,
      logger: createLogger("trace", { write: (line: string) => void logLines.push(line) }),
      ...extra,
    });

  beforeEach(async () => {
    clock = new VirtualClock();
    emu = await LarkEmulator.start({ appId: APP_ID, appSecret: APP_SECRET, strict: true, now: () => clock.now() });
    emu.addUser({ openId: "ou_a", name: "张三" });
    emu.addChat({ chatId: "oc_1", name: "一网格工作群", members: ["ou_a"] });
    logLines = [];
    client = newClient();
  });

  afterEach(async () => {
    await emu.close();
    emu.assertClean();
  });

  const sends = () => emu.calls.filter((c) => c.method === "POST" && c.path === MESSAGES);
  /** Every call so far as "path code", e.g. "im/v1/messages 0". */
  const callLog = () => emu.calls.map((c) => `${c.path.replace("/open-apis/", "")} ${c.code}`);

  it("sends, replies in thread and patches a card", async () => {
    const sent = await client.send({
      receiveIdType: "chat_id",
      receiveId: "oc_1",
      msgType: "interactive",
      content: card({ header: { title: "#1 问题" }, elements: [markdown("待处理")] }) as unknown as Record<
        string,
        unknown
      >,
    });
    expect(sent.chatId).toBe("oc_1");
    const reply = await client.reply({
      messageId: sent.messageId,
      msgType: "text",
      content: { text: "收到" },
      replyInThread: true,
      chatId: "oc_1",
    });
    expect(reply.threadId).toBeTruthy();
    await client.patchCard({ messageId: sent.messageId, card: card({ elements: [markdown("已受理")] }) as never });
    expect(emu.message(sent.messageId)?.updates).toHaveLength(1);
    const dm = await client.send({
      receiveIdType: "open_id",
      receiveId: "ou_a",
      msgType: "text",
      content: '{"text":"hi"}',
    });
    expect(emu.messages(dm.chatId)).toHaveLength(1);
    emu.assertClean();
  });

  it("uploads an image and a file, and downloads a user's photo with its content type", async () => {
    const imageKey = await client.uploadImage(PNG);
    expect(imageKey).toMatch(/^img_/);
    const fileKey = await client.uploadFile({
      file: Buffer.from("a,b\n1,2\n"),
      fileType: "stream",
      fileName: "台账.csv",
    });
    expect(fileKey).toMatch(/^file_/);

    const { messageId } = await emu.userSends({ chatId: "oc_1", from: "ou_a", images: [PNG] });
    const [key = ""] = imageKeysOf(emu.message(messageId));
    const resource = await client.downloadResource({ messageId, fileKey: key, type: "image" });
    expect(resource.data.equals(PNG)).toBe(true);
    expect(resource.contentType).toBe("image/png");

    await expect(
      client.downloadResource({ messageId, fileKey: key, type: "image", maxBytes: 10 }),
    ).rejects.toBeInstanceOf(ResourceTooLargeError);
    const missing = await client.downloadResource({ messageId, fileKey: "img_nope", type: "image" }).catch((e) => e);
    expect(missing).toBeInstanceOf(LarkApiError);
    expect(missing).toMatchObject({ call: "download", code: 234003, retryable: false });
    emu.allow(234003);
  });

  it("reads users, chats, every page of members and the bot's identity", async () => {
    const ids = Array.from({ length: 230 }, (_, i) => `ou_m${i}`);
    for (const id of ids) emu.addUser({ openId: id, name: `成员${id}` });
    emu.addChat({ chatId: "oc_big", name: "大群", members: ids });
    const members = await client.listChatMembers("oc_big");
    expect(members.map((m) => m.openId)).toEqual(ids);
    expect(emu.calls.filter((c) => c.path.endsWith("/members"))).toHaveLength(3);
    expect(await client.getUser("ou_a")).toMatchObject({ openId: "ou_a", name: "张三" });
    expect(await client.getChat("oc_1")).toMatchObject({ chatId: "oc_1", name: "一网格工作群" });
    expect((await client.botInfo()).openId).toBe(emu.botOpenId);
    emu.assertClean();
  });

  it("refreshes an expired token once and transparently", async () => {
    await client.send({ receiveIdType: "chat_id", receiveId: "oc_1", msgType: "text", content: { text: "一" } });
    emu.expireAllTokens();
    await client.send({ receiveIdType: "chat_id", receiveId: "oc_1", msgType: "text", content: { text: "二" } });
    expect(callLog()).toEqual([
      "auth/v3/tenant_access_token/internal 0",
      "im/v1/messages 0",
      "im/v1/messages 99991663",
      "auth/v3/tenant_access_token/internal 0",
      "im/v1/messages 0",
    ]);
    expect(emu.messages("oc_1")).toHaveLength(2);
    emu.assertClean();
  });

  it("refreshes a token Lark rejects in the very call that fetched it", async () => {
    // The token expires between being issued and being used: the call fetched it, so nothing newer is cached.
    emu.once("call", (call) => {
      if (call.path.includes("tenant_access_token")) emu.expireAllTokens();
    });
    await client.send({ receiveIdType: "chat_id", receiveId: "oc_1", msgType: "text", content: { text: "一" } });
    expect(callLog()).toEqual([
      "auth/v3/tenant_access_token/internal 0",
      "im/v1/messages 99991663",
      "auth/v3/tenant_access_token/internal 0",
      "im/v1/messages 0",
    ]);
    expect(emu.messages("oc_1")).toHaveLength(1);
    emu.assertClean();
  });

  it("fetches the token once for many concurrent first calls", async () => {
    await Promise.all(Array.from({ length: 8 }, () => client.getChat("oc_1")));
    expect(emu.calls.filter((c) => c.path.includes("tenant_access_token"))).toHaveLength(1);
  });

  it("waits out a 429 for as long as Lark's reset header says, then succeeds", async () => {
    emu.failNext(
      { method: "POST", path: MESSAGES },
      {
        status: 429,
        code: 99991400,
        msg: "request trigger frequency limit",
        headers: { "x-ogw-ratelimit-reset": "3" },
      },
    );
    await client.send({ receiveIdType: "chat_id", receiveId: "oc_1", msgType: "text", content: { text: "限流" } });
    const [refused, accepted] = sends();
    expect(refused?.status).toBe(429);
    expect(accepted?.code).toBe(0);
    expect((accepted?.time ?? 0) - (refused?.time ?? 0)).toBeGreaterThanOrEqual(3_000);
  });

  it("retries 5xx and dropped connections, but not a send without uuid that may have gone through", async () => {
    emu.failNext({ method: "POST", path: MESSAGES }, { status: 503 });
    emu.failNext({ method: "POST", path: MESSAGES }, { kind: "network" });
    await client.send({
      receiveIdType: "chat_id",
      receiveId: "oc_1",
      msgType: "text",
      content: { text: "x" },
      uuid: "u1",
    });
    expect(sends().map((c) => c.injected ?? "ok")).toEqual(["status", "network", "ok"]);

    const impatient = newClient({ timeoutMs: 100 });
    emu.failNext({ method: "POST", path: MESSAGES }, { kind: "timeout-after-accept", delayMs: 2_000 });
    const error = await impatient
      .send({ receiveIdType: "chat_id", receiveId: "oc_1", msgType: "text", content: { text: "y" } })
      .catch((e) => e);
    expect(error).toMatchObject({ kind: "timeout", retryable: true });
    expect(sends()).toHaveLength(4);
    // What the error carries is safe to log: no request config, so no token.
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain("Bearer");
    expect(JSON.stringify(error.cause, Object.getOwnPropertyNames(error.cause))).not.toContain("Bearer");
  });

  it("retries a timed-out send with uuid, and Lark's de-duplication keeps it to one message", async () => {
    const impatient = newClient({ timeoutMs: 100 });
    emu.failNext({ method: "POST", path: MESSAGES }, { kind: "timeout-after-accept", delayMs: 2_000 });
    const sent = await impatient.send({
      receiveIdType: "chat_id",
      receiveId: "oc_1",
      msgType: "text",
      content: { text: "只发一次" },
      uuid: "rq-once",
    });
    expect(sends()).toHaveLength(2);
    expect(emu.messages("oc_1").map((m) => m.messageId)).toEqual([sent.messageId]);
  });

  it("gives up at once on a permanent error, with Lark's code, log id and a fix hint", async () => {
    await emu.removeBotFromChat("oc_1");
    const error = await client
      .send({ receiveIdType: "chat_id", receiveId: "oc_1", msgType: "text", content: { text: "x" } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(LarkApiError);
    expect(error).toMatchObject({ call: "send", code: 230002, kind: "rejected", retryable: false, httpStatus: 400 });
    expect(error.logId).toBeTruthy();
    expect(error.hint).toContain("机器人不在群内，请把机器人拉进群");
    expect(sends()).toHaveLength(1);
  });

  it("refuses an oversized card before calling Lark", async () => {
    const huge = card({ elements: [markdown("很长".repeat(10_000))] });
    const error = await client.patchCard({ messageId: "om_x", card: huge as never }).catch((e) => e);
    expect(error).toMatchObject({ kind: "invalid_request", retryable: false, call: "patch" });
    expect(emu.calls.filter((c) => c.method === "PATCH")).toHaveLength(0);
  });

  it("reports a wrong app secret as a credentials error", async () => {
    const wrong = newClient({ appSecret: "not-the-secret" });
    const error = await wrong.getChat("oc_1").catch((e) => e);
    expect(error).toMatchObject({ kind: "credentials", code: 10014, retryable: false });
    expect(error.hint).toContain("LARK_APP_SECRET");
    emu.allow(10014);
  });

  it("never writes the app secret or an access token to the log", async () => {
    emu.allow(10014);
    const wrong = newClient({ appSecret: "not-the-secret" });
    await wrong.getChat("oc_1").catch(() => undefined);
    await client.send({ receiveIdType: "chat_id", receiveId: "oc_1", msgType: "text", content: { text: "x" } });
    emu.expireAllTokens();
    await emu.removeBotFromChat("oc_1");
    await client
      .send({ receiveIdType: "chat_id", receiveId: "oc_1", msgType: "text", content: { text: "x" } })
      .catch(() => undefined);
    const log = logLines.join("\n");
    expect(log).toContain("Lark call failed");
    expect(log).not.toContain(APP_SECRET);
    expect(log).not.toContain("not-the-secret");
    expect(log).not.toMatch(/t-[0-9a-f]{8,}/);
    expect(log).not.toMatch(/Bearer\s+[^\s"[]/);
  });
});
