import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PatchInput, ReplyInput, SendInput, SentMessage } from "../../src/lark/client.ts";
import { LarkApiError } from "../../src/lark/errors.ts";
import {
  enqueue,
  type OutboxClient,
  type OutboxResult,
  OutboxSender,
  type OutboxSent,
  sentMessageId,
  uuidForKey,
} from "../../src/lark/outbox.ts";
import { silentLogger } from "../../src/log.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { ManualClock, until } from "./outbound-support.ts";

type Call =
  | { kind: "send"; input: SendInput }
  | { kind: "reply"; input: ReplyInput }
  | { kind: "patch"; input: PatchInput };

/** A scripted stand-in for LarkClient: records calls, answers with message ids, fails on demand. */
class FakeLark implements OutboxClient {
  calls: Call[] = [];
  failures: ((call: Call) => LarkApiError | undefined)[] = [];
  inFlight = new Map<string, number>();
  maxInFlightPerChat = 0;
  maxInFlight = 0;
  delayMs = 0;
  private seq = 0;

  async send(input: SendInput): Promise<SentMessage> {
    await this.run({ kind: "send", input }, input.receiveId);
    return this.sent(input.receiveId);
  }

  async reply(input: ReplyInput): Promise<SentMessage> {
    await this.run({ kind: "reply", input }, input.chatId ?? input.messageId);
    return this.sent(input.chatId);
  }

  async patchCard(input: PatchInput): Promise<void> {
    await this.run({ kind: "patch", input }, input.messageId);
  }

  private sent(chatId: string | undefined): SentMessage {
    return { messageId: `om_${++this.seq}`, chatId, rootId: undefined, threadId: undefined, createTime: undefined };
  }

  private async run(call: Call, lane: string): Promise<void> {
    const now = (this.inFlight.get(lane) ?? 0) + 1;
    this.inFlight.set(lane, now);
    this.maxInFlightPerChat = Math.max(this.maxInFlightPerChat, now);
    this.maxInFlight = Math.max(
      this.maxInFlight,
      [...this.inFlight.values()].reduce((a, b) => a + b, 0),
    );
    try {
      if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      this.calls.push(call);
      for (const fail of this.failures) {
        const error = fail(call);
        if (error) throw error;
      }
    } finally {
      this.inFlight.set(lane, (this.inFlight.get(lane) ?? 1) - 1);
    }
  }
}

const botRemoved = () =>
  new LarkApiError({ call: "send", kind: "rejected", code: 230002, larkMsg: "Bot/User can NOT be out of the chat." });
const serverError = () =>
  new LarkApiError({ call: "send", kind: "server", code: null, larkMsg: "HTTP 502", httpStatus: 502 });

function textOf(call: Call): string {
  const content = call.kind === "patch" ? call.input.card : call.input.content;
  return JSON.stringify(JSON.parse(String(content)));
}

describe("outbox", () => {
  let t: TestDb;
  let lark: FakeLark;
  let clock: ManualClock;
  let sent: OutboxSent[];
  let results: OutboxResult[];
  let sender: OutboxSender;

  const newSender = (extra: Partial<ConstructorParameters<typeof OutboxSender>[0]> = {}) =>
    new OutboxSender({
      db: t.db,
      client: lark,
      logger: silentLogger,
      clock,
      backoffBaseMs: 1_000,
      onSent: (s) => {
        sent.push(s);
      },
      metrics: { depth: () => {}, result: (r) => results.push(r) },
      ...extra,
    });

  beforeEach(async () => {
    t = await createTestDb();
    lark = new FakeLark();
    // Rows are due from their creation (database time); the test clock starts a little later.
    clock = new ManualClock(Date.now() + 60_000);
    sent = [];
    results = [];
    sender = newSender();
  });

  afterEach(async () => {
    await sender.stop();
    await t.close();
  });

  const text = (s: string) => ({ text: s });

  it("enqueues idempotently by key inside the caller's transaction", async () => {
    await t.db.$transaction(async (tx) => {
      await enqueue(tx, { key: "k1", kind: "send", target: "oc_1", msgType: "text", content: text("一") });
      await enqueue(tx, { key: "k1", kind: "send", target: "oc_1", msgType: "text", content: text("二") });
    });
    const rows = await t.db.outboxMessage.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key: "k1", chatId: "oc_1", status: "pending", content: '{"text":"一"}' });
  });

  it("writes nothing when the caller's transaction rolls back", async () => {
    await expect(
      t.db.$transaction(async (tx) => {
        await enqueue(tx, { key: "k1", kind: "send", target: "oc_1", msgType: "text", content: text("一") });
        throw new Error("command failed");
      }),
    ).rejects.toThrow("command failed");
    expect(await t.db.outboxMessage.count()).toBe(0);
  });

  it("sends in order per chat with a uuid from the key and records the result", async () => {
    for (let i = 1; i <= 5; i++) {
      await enqueue(t.db, { key: `m${i}`, kind: "send", target: "oc_1", msgType: "text", content: text(`第${i}条`) });
    }
    await sender.drain();
    expect(lark.calls.map(textOf)).toEqual([1, 2, 3, 4, 5].map((i) => JSON.stringify(text(`第${i}条`))));
    const first = lark.calls[0];
    expect(first?.kind === "send" && first.input).toMatchObject({
      receiveIdType: "chat_id",
      receiveId: "oc_1",
      uuid: uuidForKey("m1"),
    });
    expect(uuidForKey("m1").length).toBeLessThanOrEqual(50);
    expect(uuidForKey("m1")).toBe(uuidForKey("m1"));
    const row = await t.db.outboxMessage.findUniqueOrThrow({ where: { key: "m1" } });
    expect(row).toMatchObject({ status: "sent", attempts: 1, messageId: "om_1", lastCode: 0, lastError: null });
    expect(row.sentAt?.getTime()).toBe(clock.now());
    expect(sent.map((s) => s.key)).toEqual(["m1", "m2", "m3", "m4", "m5"]);
    expect(await sentMessageId(t.db, "m3")).toBe("om_3");
    expect(results.every((r) => r.outcome === "sent" && r.code === "0")).toBe(true);
  });

  it("sends direct messages to a user by open_id", async () => {
    await enqueue(t.db, { key: "dm", kind: "send", target: "ou_a", msgType: "text", content: text("私聊") });
    await sender.drain();
    expect(lark.calls[0]).toMatchObject({ kind: "send", input: { receiveIdType: "open_id", receiveId: "ou_a" } });
  });

  it("marks a permanent failure failed with the reason and goes on with the chat and other chats", async () => {
    lark.failures.push((c) => (c.kind === "send" && c.input.receiveId === "oc_gone" ? botRemoved() : undefined));
    const failed: string[] = [];
    sender = newSender({ onFailed: (f) => void failed.push(`${f.key}:${f.code}`) });
    await enqueue(t.db, { key: "a1", kind: "send", target: "oc_gone", msgType: "text", content: text("x") });
    await enqueue(t.db, { key: "b1", kind: "send", target: "oc_ok", msgType: "text", content: text("y") });
    await enqueue(t.db, { key: "a2", kind: "send", target: "oc_gone", msgType: "text", content: text("z") });
    await sender.drain();
    const rows = await t.db.outboxMessage.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.key, r.status, r.attempts])).toEqual([
      ["a1", "failed", 1],
      ["b1", "sent", 1],
      ["a2", "failed", 1],
    ]);
    expect(rows[0]?.lastCode).toBe(230002);
    expect(rows[0]?.lastError).toContain("机器人不在群内");
    expect(failed).toEqual(["a1:230002", "a2:230002"]);
  });

  it("retries a transient failure after a backoff, holding later messages of the chat back", async () => {
    let failuresLeft = 2;
    lark.failures.push((c) => (textOf(c).includes("首") && failuresLeft-- > 0 ? serverError() : undefined));
    await enqueue(t.db, { key: "c1", kind: "send", target: "oc_1", msgType: "text", content: text("首") });
    await enqueue(t.db, { key: "c2", kind: "send", target: "oc_1", msgType: "text", content: text("次") });
    await enqueue(t.db, { key: "d1", kind: "send", target: "oc_2", msgType: "text", content: text("别的群") });
    await sender.drain();

    let c1 = await t.db.outboxMessage.findUniqueOrThrow({ where: { key: "c1" } });
    expect(c1).toMatchObject({ status: "pending", attempts: 1, lastCode: null });
    expect(c1.lastError).toContain("HTTP 502");
    const delay = c1.nextAttemptAt.getTime() - clock.now();
    expect(delay).toBeGreaterThanOrEqual(500);
    expect(delay).toBeLessThanOrEqual(1_000);
    expect((await t.db.outboxMessage.findUniqueOrThrow({ where: { key: "c2" } })).status).toBe("pending");
    expect((await t.db.outboxMessage.findUniqueOrThrow({ where: { key: "d1" } })).status).toBe("sent");

    await clock.advance(1_000);
    await sender.drain();
    c1 = await t.db.outboxMessage.findUniqueOrThrow({ where: { key: "c1" } });
    expect(c1.attempts).toBe(2);
    const secondDelay = c1.nextAttemptAt.getTime() - clock.now();
    expect(secondDelay).toBeGreaterThanOrEqual(1_000);
    expect(secondDelay).toBeLessThanOrEqual(2_000);

    await clock.advance(2_000);
    await sender.drain();
    const rows = await t.db.outboxMessage.findMany({ where: { chatId: "oc_1" }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.key, r.status, r.attempts])).toEqual([
      ["c1", "sent", 3],
      ["c2", "sent", 1],
    ]);
    const oc1Sends = lark.calls.filter((c) => c.kind === "send" && c.input.receiveId === "oc_1");
    expect(oc1Sends.map((c) => c.kind === "send" && c.input.uuid)).toEqual([
      uuidForKey("c1"),
      uuidForKey("c1"),
      uuidForKey("c1"),
      uuidForKey("c2"),
    ]);
  });

  it("gives up after maxAttempts", async () => {
    sender = newSender({ maxAttempts: 2, backoffBaseMs: 10 });
    lark.failures.push(() => serverError());
    await enqueue(t.db, { key: "e1", kind: "send", target: "oc_1", msgType: "text", content: text("x") });
    await sender.drain();
    await clock.advance(20);
    await sender.drain();
    expect(await t.db.outboxMessage.findUniqueOrThrow({ where: { key: "e1" } })).toMatchObject({
      status: "failed",
      attempts: 2,
    });
  });

  it("sends only the latest pending patch of a card", async () => {
    for (let v = 1; v <= 4; v++) {
      await enqueue(t.db, {
        key: `card:7:v${v}`,
        kind: "patch",
        chatId: "oc_1",
        target: "om_card",
        msgType: "interactive",
        content: { v },
      });
    }
    await enqueue(t.db, {
      key: "card:8:v1",
      kind: "patch",
      chatId: "oc_1",
      target: "om_other",
      msgType: "interactive",
      content: { v: 1 },
    });
    await sender.drain();
    expect(lark.calls.map((c) => (c.kind === "patch" ? [c.input.messageId, textOf(c)] : []))).toEqual([
      ["om_card", '{"v":4}'],
      ["om_other", '{"v":1}'],
    ]);
    const rows = await t.db.outboxMessage.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => r.status)).toEqual(["superseded", "superseded", "superseded", "sent", "sent"]);
    expect(rows[0]?.lastError).toBe("superseded by card:7:v4");
  });

  it("lets a patch by message id supersede one by outbox key, and the other way round", async () => {
    await enqueue(t.db, { key: "card:3", kind: "send", target: "oc_1", msgType: "interactive", content: { v: 0 } });
    await sender.drain();
    const ref = { outboxKey: "card:3" };
    await enqueue(t.db, { key: "card:3:a", kind: "patch", target: ref, msgType: "interactive", content: { v: 1 } });
    await enqueue(t.db, { key: "card:3:b", kind: "patch", target: "om_1", msgType: "interactive", content: { v: 2 } });
    await enqueue(t.db, { key: "card:3:c", kind: "patch", target: ref, msgType: "interactive", content: { v: 3 } });
    await sender.drain();
    expect(lark.calls.filter((c) => c.kind === "patch").map(textOf)).toEqual(['{"v":3}']);
  });

  it("never lets an older patch overwrite a newer one already sent, even from another lane", async () => {
    await enqueue(t.db, { key: "card:4", kind: "send", target: "oc_1", msgType: "interactive", content: { v: 0 } });
    await sender.drain();
    // The older patch names the card by message id (its own lane) and waits for a retry; the newer one goes first.
    await enqueue(t.db, { key: "card:4:a", kind: "patch", target: "om_1", msgType: "interactive", content: { v: 1 } });
    await t.db.outboxMessage.update({
      where: { key: "card:4:a" },
      data: { nextAttemptAt: new Date(Date.now() + 60_000) },
    });
    const ref = { outboxKey: "card:4" };
    await enqueue(t.db, { key: "card:4:b", kind: "patch", target: ref, msgType: "interactive", content: { v: 2 } });
    await sender.drain();
    await t.db.outboxMessage.update({ where: { key: "card:4:a" }, data: { nextAttemptAt: new Date() } });
    await sender.drain();
    expect(lark.calls.filter((c) => c.kind === "patch").map(textOf)).toEqual(['{"v":2}']);
    expect(await t.db.outboxMessage.findUnique({ where: { key: "card:4:a" } })).toMatchObject({
      status: "superseded",
      lastError: "superseded by card:4:b",
    });
  });

  it("replies to and patches a card by its outbox key once the card is out", async () => {
    await t.db.$transaction(async (tx) => {
      await enqueue(tx, { key: "card:1:v0", kind: "send", target: "oc_1", msgType: "interactive", content: { v: 0 } });
      await enqueue(tx, {
        key: "ask:1",
        kind: "reply",
        target: { outboxKey: "card:1:v0" },
        msgType: "text",
        content: text("请补充"),
      });
      await enqueue(tx, {
        key: "card:1:v1",
        kind: "patch",
        target: { outboxKey: "card:1:v0" },
        msgType: "interactive",
        content: { v: 1 },
      });
    });
    // The references inherit the card's chat, so they queue behind it.
    expect((await t.db.outboxMessage.findUniqueOrThrow({ where: { key: "ask:1" } })).chatId).toBe("oc_1");
    await sender.drain();
    expect(lark.calls.map((c) => c.kind)).toEqual(["send", "reply", "patch"]);
    expect(lark.calls[1]).toMatchObject({
      kind: "reply",
      input: { messageId: "om_1", chatId: "oc_1", uuid: uuidForKey("ask:1") },
    });
    expect(lark.calls[2]).toMatchObject({ kind: "patch", input: { messageId: "om_1" } });
  });

  it("fails a reference to a card that failed", async () => {
    lark.failures.push((c) => (c.kind === "send" ? botRemoved() : undefined));
    await enqueue(t.db, { key: "card:2:v0", kind: "send", target: "oc_1", msgType: "interactive", content: { v: 0 } });
    await enqueue(t.db, {
      key: "ask:2",
      kind: "reply",
      target: { outboxKey: "card:2:v0" },
      msgType: "text",
      content: text("?"),
    });
    await sender.drain();
    expect(await t.db.outboxMessage.findUniqueOrThrow({ where: { key: "ask:2" } })).toMatchObject({
      status: "failed",
      lastError: "referenced outbox message card:2:v0 is failed",
    });
  });

  it("sends chats in parallel but never two messages of one chat at once", async () => {
    lark.delayMs = 5;
    for (let i = 0; i < 4; i++) {
      for (const chat of ["oc_a", "oc_b", "oc_c"]) {
        await enqueue(t.db, {
          key: `${chat}:${i}`,
          kind: "send",
          target: chat,
          msgType: "text",
          content: text(`${i}`),
        });
      }
    }
    await sender.drain();
    expect(lark.calls).toHaveLength(12);
    expect(lark.maxInFlightPerChat).toBe(1);
    expect(lark.maxInFlight).toBeGreaterThan(1);
    for (const chat of ["oc_a", "oc_b", "oc_c"]) {
      const order = lark.calls.filter((c) => c.kind === "send" && c.input.receiveId === chat).map(textOf);
      expect(order).toEqual(["0", "1", "2", "3"].map((s) => JSON.stringify(text(s))));
    }
  });

  it("wakes up at once when notified after a commit, and stop waits for the send in flight", async () => {
    sender = newSender({ pollIntervalMs: 60_000 });
    sender.start();
    lark.delayMs = 30;
    await t.db.$transaction(async (tx) => {
      await enqueue(tx, { key: "now", kind: "send", target: "oc_1", msgType: "text", content: text("马上") });
    });
    sender.notify();
    await until(() => lark.inFlight.get("oc_1") === 1, "the send to start");
    await sender.stop();
    expect(await sentMessageId(t.db, "now")).toBe("om_1");
  });

  it("sends a row queued while its chat's lane is at work without waiting for the poll", async () => {
    sender = newSender({ pollIntervalMs: 60_000 });
    sender.start();
    lark.delayMs = 30;
    await enqueue(t.db, { key: "first", kind: "send", target: "oc_1", msgType: "text", content: text("一") });
    sender.notify();
    await until(() => lark.inFlight.get("oc_1") === 1, "the first send to start");
    // The lane was started for one row; the pass this notification brings finds it at work and leaves it out.
    await enqueue(t.db, { key: "second", kind: "send", target: "oc_1", msgType: "text", content: text("二") });
    sender.notify();
    await until(() => lark.calls.length === 2 && lark.inFlight.get("oc_1") === 0, "the second send");
    await sender.stop();
    expect(lark.calls.map(textOf)).toEqual([text("一"), text("二")].map((c) => JSON.stringify(c)));
  });

  it("sends a row queued while its lane announces the row before without waiting for the poll", async () => {
    // The first row is marked sent before onSent runs: a pass in between sees only the new row pending, no more than
    // the lane still counts as left to send.
    let passes = 0;
    let queued = false;
    sender = newSender({
      pollIntervalMs: 60_000,
      metrics: { depth: () => passes++, result: () => {} },
      onSent: async () => {
        if (queued) return;
        queued = true;
        const before = passes;
        await enqueue(t.db, { key: "second", kind: "send", target: "oc_1", msgType: "text", content: text("二") });
        sender.notify();
        await until(() => passes > before, "a pass while the first row is announced");
      },
    });
    sender.start();
    await enqueue(t.db, { key: "first", kind: "send", target: "oc_1", msgType: "text", content: text("一") });
    sender.notify();
    await until(() => lark.calls.length === 2, "the second send");
    await sender.stop();
    expect(lark.calls.map(textOf)).toEqual([text("一"), text("二")].map((c) => JSON.stringify(c)));
  });

  it("resends a row whose sender died mid-send once its lease runs out, with the same uuid", async () => {
    await enqueue(t.db, { key: "lost", kind: "send", target: "oc_1", msgType: "text", content: text("x") });
    // A sender claimed the row and then the process died: attempts counted, lease set, nothing recorded.
    await t.db.outboxMessage.update({
      where: { key: "lost" },
      data: { attempts: 1, nextAttemptAt: new Date(clock.now() + 120_000) },
    });
    await sender.drain();
    expect(lark.calls).toHaveLength(0);
    await clock.advance(120_000);
    await sender.drain();
    expect(lark.calls[0]).toMatchObject({ kind: "send", input: { uuid: uuidForKey("lost") } });
    expect(await t.db.outboxMessage.findUniqueOrThrow({ where: { key: "lost" } })).toMatchObject({
      status: "sent",
      attempts: 2,
    });
  });
});
