import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LarkEmulator } from "../../src/emulator/index.ts";
import { LarkClient } from "../../src/lark/client.ts";
import { enqueue, OutboxSender, type OutboxSenderOptions, type OutboxSent, uuidForKey } from "../../src/lark/outbox.ts";
import { silentLogger } from "../../src/log.ts";
import { type Card, card } from "../../src/presenters/card.ts";
import { markdown } from "../../src/presenters/markdown.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { TEST_APP, until, VirtualClock } from "./outbound-support.ts";

const MESSAGES = "/open-apis/im/v1/messages";

/** Outbox content is a plain object; a Card is one. */
const asContent = (c: Card) => c as unknown as Record<string, unknown>;

describe("outbox through the real SDK and the emulator", () => {
  let t: TestDb;
  let emu: LarkEmulator;
  let clock: VirtualClock;
  let sent: OutboxSent[];
  let sender: OutboxSender | undefined;

  const client = (timeoutMs = 5_000) =>
    new LarkClient({ ...TEST_APP, domain: emu.baseUrl, clock, logger: silentLogger, timeoutMs });

  const startSender = (extra: Partial<OutboxSenderOptions> = {}) => {
    sender = new OutboxSender({
      db: t.db,
      client: client(),
      logger: silentLogger,
      clock,
      backoffBaseMs: 5,
      pollIntervalMs: 50,
      onSent: (s) => void sent.push(s),
      ...extra,
    });
    sender.start();
    return sender;
  };

  const allDone = async () => (await t.db.outboxMessage.count({ where: { status: "pending" } })) === 0;
  const rateLimitAnswers = () => emu.calls.filter((c) => c.code === 99991400 || c.code === 230020);

  beforeEach(async () => {
    t = await createTestDb();
    clock = new VirtualClock();
    emu = await LarkEmulator.start({ ...TEST_APP, strict: true, now: () => clock.now() });
    emu.addUser({ openId: "ou_a", name: "张三" });
    emu.addChat({ chatId: "oc_1", name: "一网格工作群", members: ["ou_a"] });
    emu.addChat({ chatId: "oc_2", name: "二网格工作群", members: ["ou_a"] });
    sent = [];
    sender = undefined;
  });

  afterEach(async () => {
    await sender?.stop();
    await emu.close();
    await t.close();
    emu.assertClean();
  });

  it("delivers a burst of 100 messages to one chat in order, each once, without a single rate-limit answer", async () => {
    await t.db.$transaction(async (tx) => {
      for (let i = 1; i <= 100; i++) {
        await enqueue(tx, {
          key: `burst:${i}`,
          kind: "send",
          target: "oc_1",
          msgType: "text",
          content: { text: `${i}` },
        });
      }
    });
    const startedAt = clock.now();
    startSender();
    await until(allDone, "the burst to go out", 20_000);

    const texts = emu.messages("oc_1").map((m) => (m.content as { text: string }).text);
    expect(texts).toEqual(Array.from({ length: 100 }, (_, i) => `${i + 1}`));
    expect(rateLimitAnswers()).toEqual([]);
    // Five a second into one chat: the burst took about 20 seconds of (virtual) time.
    expect(clock.now() - startedAt).toBeGreaterThanOrEqual(19_000);
    expect(sent).toHaveLength(100);
    const rows = await t.db.outboxMessage.findMany();
    expect(rows.every((r) => r.status === "sent" && r.attempts === 1 && r.messageId)).toBe(true);
    emu.assertClean();
  });

  it("does not post twice when the first attempt timed out after Lark accepted it", async () => {
    emu.failNext({ method: "POST", path: MESSAGES }, { kind: "timeout-after-accept", delayMs: 2_000 });
    await enqueue(t.db, { key: "once", kind: "send", target: "oc_1", msgType: "text", content: { text: "只有一条" } });
    startSender({ client: client(150) });
    await until(allDone, "the send to be retried");

    const posted = emu.messages("oc_1");
    expect(posted).toHaveLength(1);
    expect(posted[0]?.uuid).toBe(uuidForKey("once"));
    const row = await t.db.outboxMessage.findUniqueOrThrow({ where: { key: "once" } });
    expect(row).toMatchObject({ status: "sent", attempts: 2, messageId: posted[0]?.messageId });
    expect(emu.calls.filter((c) => c.path === MESSAGES)).toHaveLength(2);
  });

  it("holds back after a 429 until Lark's reset, then sends", async () => {
    emu.failNext(
      { method: "POST", path: MESSAGES },
      {
        status: 429,
        code: 99991400,
        msg: "request trigger frequency limit",
        headers: { "x-ogw-ratelimit-reset": "2" },
      },
    );
    await enqueue(t.db, { key: "slow", kind: "send", target: "oc_1", msgType: "text", content: { text: "等一下" } });
    startSender();
    await until(allDone, "the send after the reset");
    const [refused, accepted] = emu.calls.filter((c) => c.path === MESSAGES);
    expect(refused?.code).toBe(99991400);
    expect((accepted?.time ?? 0) - (refused?.time ?? 0)).toBeGreaterThanOrEqual(2_000);
    expect(await t.db.outboxMessage.findUniqueOrThrow({ where: { key: "slow" } })).toMatchObject({
      status: "sent",
      attempts: 2,
    });
  });

  it("fails the messages of a chat the bot was removed from, with the reason, and goes on with other chats", async () => {
    await emu.removeBotFromChat("oc_1");
    await t.db.$transaction(async (tx) => {
      for (let i = 1; i <= 3; i++) {
        await enqueue(tx, { key: `gone:${i}`, kind: "send", target: "oc_1", msgType: "text", content: { text: "x" } });
        await enqueue(tx, { key: `ok:${i}`, kind: "send", target: "oc_2", msgType: "text", content: { text: `${i}` } });
      }
    });
    startSender();
    await until(allDone, "every row to settle");
    const gone = await t.db.outboxMessage.findMany({ where: { chatId: "oc_1" } });
    expect(gone.map((r) => [r.status, r.attempts, r.lastCode])).toEqual([
      ["failed", 1, 230002],
      ["failed", 1, 230002],
      ["failed", 1, 230002],
    ]);
    expect(gone[0]?.lastError).toContain("机器人不在群内");
    expect(emu.messages("oc_2").map((m) => (m.content as { text: string }).text)).toEqual(["1", "2", "3"]);
  });

  it("sends a card and only the newest of its queued versions", async () => {
    const version = (v: number) =>
      asContent(card({ header: { title: `#9 v${v}` }, elements: [markdown(`第 ${v} 版`)] }));
    await t.db.$transaction(async (tx) => {
      await enqueue(tx, {
        key: "card:9:v0",
        kind: "send",
        target: "oc_1",
        msgType: "interactive",
        content: version(0),
      });
      for (let v = 1; v <= 5; v++) {
        await enqueue(tx, {
          key: `card:9:v${v}`,
          kind: "patch",
          target: { outboxKey: "card:9:v0" },
          msgType: "interactive",
          content: version(v),
        });
      }
    });
    startSender();
    await until(allDone, "the card and its patch");
    const [posted] = emu.messages("oc_1");
    expect(
      posted?.updates.map((u) => (u.content as { header: { title: { content: string } } }).header.title.content),
    ).toEqual(["#9 v5"]);
    expect(sent.find((s) => s.key === "card:9:v0")?.messageId).toBe(posted?.messageId);
    const statuses = await t.db.outboxMessage.findMany({ orderBy: { id: "asc" }, select: { status: true } });
    expect(statuses.map((s) => s.status)).toEqual([
      "sent",
      "superseded",
      "superseded",
      "superseded",
      "superseded",
      "sent",
    ]);
    emu.assertClean();
  });

  it("keeps sending across an expired token without spending a try", async () => {
    startSender();
    await enqueue(t.db, { key: "t1", kind: "send", target: "oc_1", msgType: "text", content: { text: "一" } });
    await until(allDone, "the first send");
    emu.expireAllTokens();
    await enqueue(t.db, { key: "t2", kind: "send", target: "oc_1", msgType: "text", content: { text: "二" } });
    await until(allDone, "the second send");
    expect(emu.messages("oc_1")).toHaveLength(2);
    expect((await t.db.outboxMessage.findUniqueOrThrow({ where: { key: "t2" } })).attempts).toBe(1);
    emu.assertClean();
  });
});
