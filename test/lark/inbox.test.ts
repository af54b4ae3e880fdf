import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FlatEvent, Inbound } from "../../src/lark/envelope.ts";
import { Inbox } from "../../src/lark/inbox.ts";
import { silentLogger } from "../../src/log.ts";
import { createTestDb, type TestDb } from "../support/db.ts";

function message(chat: number, seq: number, eventId = `ev_${chat}_${seq}`): FlatEvent {
  return {
    event_id: eventId,
    event_type: "im.message.receive_v1",
    sender: { sender_id: { open_id: "ou_worker" }, sender_type: "user" },
    message: {
      message_id: `om_${chat}_${seq}`,
      create_time: String(1_795_000_000_000 + seq),
      chat_id: `oc_chat${chat}`,
      chat_type: "group",
      message_type: "text",
      content: JSON.stringify({ text: `#${seq}` }),
    },
  };
}

/** Resolves when `predicate` holds, polling with a deadline. */
async function until(predicate: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("inbox", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(async () => {
    await t.close();
  });

  it("keeps 200 events in order within each of 20 chats while chats run in parallel", async () => {
    const seen = new Map<string, number[]>();
    let running = 0;
    let maxParallel = 0;
    const inbox = new Inbox(
      t.db,
      async (inbound: Inbound) => {
        if (inbound.kind !== "message") return undefined;
        running++;
        maxParallel = Math.max(maxParallel, running);
        // Uneven work so that a chat finishing early would overtake if order were not kept.
        for (let i = 0; i < (Number(inbound.text.slice(1)) % 7) * 50; i++) await Promise.resolve();
        await new Promise((resolve) => setImmediate(resolve));
        const list = seen.get(inbound.chatId) ?? [];
        list.push(Number(inbound.text.slice(1)));
        seen.set(inbound.chatId, list);
        running--;
        return undefined;
      },
      silentLogger,
    );
    inbox.start();
    const accepts: Promise<unknown>[] = [];
    for (let seq = 0; seq < 10; seq++)
      for (let chat = 0; chat < 20; chat++) accepts.push(inbox.accept(message(chat, seq)));
    await Promise.all(accepts);
    await inbox.idle();
    expect(seen.size).toBe(20);
    for (const list of seen.values()) expect(list).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(maxParallel).toBeGreaterThan(1);
    await inbox.stop();
  });

  it("processes after a restart an event whose processing was cut off by a crash", async () => {
    let started = 0;
    const crashed = new Inbox(
      t.db,
      async () => {
        started++;
        return new Promise<undefined>(() => {}); // never finishes: the process dies here
      },
      silentLogger,
    );
    crashed.start();
    await crashed.accept(message(1, 1));
    await until(() => started === 1);
    expect(await t.db.inboundEvent.findFirstOrThrow()).toMatchObject({ status: "pending" });

    const handled: string[] = [];
    const restarted = new Inbox(
      t.db,
      async (inbound) => {
        if (inbound.kind === "message") handled.push(inbound.messageId);
        return undefined;
      },
      silentLogger,
    );
    restarted.start();
    await restarted.idle();
    expect(handled).toEqual(["om_1_1"]);
    expect(await t.db.inboundEvent.findFirstOrThrow()).toMatchObject({ status: "done" });
    await restarted.stop();
  });

  it("gives up on an event that keeps failing without holding back the rest of its chat", async () => {
    const handled: string[] = [];
    const inbox = new Inbox(
      t.db,
      async (inbound) => {
        if (inbound.kind !== "message") return undefined;
        if (inbound.messageId === "om_1_1") throw new Error("boom");
        handled.push(inbound.messageId);
        return undefined;
      },
      silentLogger,
    );
    inbox.start();
    await inbox.accept(message(1, 1));
    await inbox.accept(message(1, 2));
    await inbox.idle();
    expect(handled).toEqual(["om_1_2"]);
    const failed = await t.db.inboundEvent.findFirstOrThrow({ where: { messageId: "om_1_1" } });
    expect(failed).toMatchObject({ status: "failed", attempts: 3 });
    expect(failed.lastError).toContain("boom");
    await inbox.stop();
  });
});
