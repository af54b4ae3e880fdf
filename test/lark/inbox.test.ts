import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Db, openDb } from "../../src/db/client.ts";
import { closeInboxDb, openInboxDb } from "../../src/db/inbox-db.ts";
import { AdvisoryLaneLocks } from "../../src/db/lane-locks.ts";
import { statementsRun } from "../../src/db/statement-count.ts";
import { transaction } from "../../src/db/transaction.ts";
import { AnswerSlots } from "../../src/lark/answer-slots.ts";
import type { Inbound } from "../../src/lark/envelope.ts";
import { LarkApiError } from "../../src/lark/errors.ts";
import type { FlatEvent } from "../../src/lark/flat-event.ts";
import { Inbox, inboxWriterOf } from "../../src/lark/inbox.ts";
import { type CardAnswer, InboxStore } from "../../src/lark/inbox-store.ts";
import { createLogger, type Logger, silentLogger } from "../../src/log.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { recordingInbox, storeFor } from "../support/inbox.ts";
import { testPostgres } from "../support/postgres.ts";
import { ManualClock, until } from "./outbound-support.ts";

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

describe("inbox", () => {
  let t: TestDb;
  let inboxDb: Db;
  beforeEach(async () => {
    t = await createTestDb();
    inboxDb = await openInboxDb(t.url, t.db);
  });
  afterEach(async () => {
    await closeInboxDb(inboxDb, t.db);
    await t.close();
  });

  it("keeps 200 events in order within each of 20 chats while chats run in parallel", async () => {
    const seen = new Map<string, number[]>();
    let running = 0;
    let maxParallel = 0;
    const inbox = new Inbox(
      t.db,
      inboxDb,
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
    const store = storeFor(inbox, inboxDb);
    inbox.start();
    // Each chat's events arrive one after another (a receiver stores an event before the next is sent), the chats'
    // side by side.
    await Promise.all(
      Array.from({ length: 20 }, async (_, chat) => {
        for (let seq = 0; seq < 10; seq++) await store.accept(message(chat, seq));
      }),
    );
    await inbox.idle();
    expect(seen.size).toBe(20);
    for (const list of seen.values()) expect(list).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(maxParallel).toBeGreaterThan(1);
    // A bounded number of chats at once, so a bot that is behind still acknowledges new events promptly.
    expect(maxParallel).toBeLessThanOrEqual(8);
    await inbox.stop();
  });

  it("goes on with other chats while one chat with a backlog of over 500 events is stuck", async () => {
    let release: () => void = () => {};
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: string[] = [];
    const inbox = new Inbox(
      t.db,
      inboxDb,
      async (inbound: Inbound) => {
        if (inbound.kind !== "message") return undefined;
        if (inbound.chatId === "oc_chat1") await stuck; // retrying through a Lark outage, say
        seen.push(inbound.chatId);
        return undefined;
      },
      silentLogger,
    );
    const store = storeFor(inbox, inboxDb);
    inbox.start();
    for (let seq = 0; seq < 520; seq++) await store.accept(message(1, seq));
    await store.accept(message(2, 0));
    await store.accept(message(3, 0));
    await until(() => seen.includes("oc_chat2") && seen.includes("oc_chat3"), "the other chats' events");
    expect(seen).not.toContain("oc_chat1");
    release();
    await inbox.idle();
    expect(seen.filter((c) => c === "oc_chat1")).toHaveLength(520);
    await inbox.stop();
  });

  it("stores the events that arrive together in one statement, each acknowledged once its row is there", async () => {
    const inbox = new Inbox(t.db, inboxDb, async () => undefined, silentLogger);
    const store = storeFor(inbox, inboxDb);
    const before = statementsRun();
    const accepted = await Promise.all(Array.from({ length: 40 }, (_, i) => store.accept(message(i % 5, i))));
    // One group commit; were every event its own statement, there would be 40.
    expect(statementsRun() - before).toBeLessThanOrEqual(2);
    expect(accepted.every((a) => a.status === "stored")).toBe(true);
    const rows = await inboxDb.inboundEvent.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => r.eventId)).toEqual(Array.from({ length: 40 }, (_, i) => `ev_${i % 5}_${i}`));
    expect(accepted.map((a) => a.id)).toEqual(rows.map((r) => r.id));
    expect(rows.every((r) => r.status === "pending" && Math.abs(r.receivedAt.getTime() - Date.now()) < 60_000)).toBe(
      true,
    );
  });

  it("recognises duplicates within one group commit and against stored events: same event id or same message", async () => {
    const inbox = new Inbox(t.db, inboxDb, async () => undefined, silentLogger);
    const store = storeFor(inbox, inboxDb);
    expect((await store.accept(message(1, 1))).status).toBe("stored");
    const accepted = await Promise.all([
      store.accept(message(1, 1)), // Lark's retry of a stored event
      store.accept(message(1, 2)),
      store.accept(message(1, 2)), // the same event twice in one window
      store.accept(message(1, 2, "ev_again")), // the same message under a new event id, in the same window
      store.accept(message(1, 1, "ev_late")), // a stored message under a new event id
      store.accept(message(1, 3)),
    ]);
    expect(accepted.map((a) => a.status)).toEqual([
      "duplicate",
      "stored",
      "duplicate",
      "duplicate",
      "duplicate",
      "stored",
    ]);
    const rows = await inboxDb.inboundEvent.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => r.eventId)).toEqual(["ev_1_1", "ev_1_2", "ev_1_3"]);
  });

  it("fails the acknowledgement of every event of a group commit the database refuses, and stores the next ones", async () => {
    const inbox = new Inbox(t.db, inboxDb, async () => undefined, silentLogger);
    const store = storeFor(inbox, inboxDb);
    const refused = { ...message(1, 1), event_type: undefined } as unknown as FlatEvent;
    const outcomes = await Promise.allSettled([store.accept(message(1, 0)), store.accept(refused)]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    expect(await inboxDb.inboundEvent.count()).toBe(0);
    expect((await store.accept(message(1, 0))).status).toBe("stored");
  });

  it("stores and acknowledges an event while a processing transaction holds the main database", async () => {
    const inbox = new Inbox(t.db, inboxDb, async () => undefined, silentLogger);
    const store = storeFor(inbox, inboxDb);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding: () => void = () => {};
    const begun = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const processing = transaction(t.db, async (tx) => {
      await tx.person.count();
      holding();
      await held;
    });
    await begun;
    // SQLite's main database has one connection, which the transaction keeps until it ends (here: never, unless the
    // event is stored first or the deadline lets it go).
    const deadline = new Promise<"waited">((resolve) => setTimeout(resolve, 5_000, "waited"));
    const first = await Promise.race([store.accept(message(1, 1)).then((a) => a.status), deadline]);
    release();
    await processing;
    expect(first).toBe("stored");
    expect(await inboxDb.inboundEvent.count()).toBe(1);
  });

  it("processes after a restart an event whose processing was cut off by a crash", async () => {
    let started = 0;
    const crashed = new Inbox(
      t.db,
      inboxDb,
      async () => {
        started++;
        return new Promise<undefined>(() => {}); // never finishes: the process dies here
      },
      silentLogger,
    );
    const crashedStore = storeFor(crashed, inboxDb);
    crashed.start();
    await crashedStore.accept(message(1, 1));
    await until(() => started === 1, "the handler to start");
    expect(await inboxDb.inboundEvent.findFirstOrThrow()).toMatchObject({ status: "pending" });

    const { inbox: restarted, handled } = recordingInbox(t.db, inboxDb);
    restarted.start();
    await restarted.idle();
    expect(handled).toEqual(["om_1_1"]);
    expect(await inboxDb.inboundEvent.findFirstOrThrow()).toMatchObject({ status: "done" });
    await restarted.stop();
  });

  describe("when a handler fails", () => {
    let clock: ManualClock;
    let logLines: { level: number; msg: string; err?: { message: string } }[];
    let log: Logger;
    const inboxes: Inbox[] = [];
    beforeEach(() => {
      clock = new ManualClock(1_795_000_000_000);
      logLines = [];
      log = createLogger("info", { write: (line: string) => void logLines.push(JSON.parse(line)) });
    });
    afterEach(async () => {
      for (const inbox of inboxes.splice(0)) await inbox.stop();
    });

    /** An inbox on the manual clock whose handler records what it handled and throws what `fails` says. */
    function inboxFailing(fails: (messageId: string, attempt: number) => Error | undefined, handled: string[]) {
      const attempts = new Map<string, number>();
      const inbox = new Inbox(
        t.db,
        inboxDb,
        async (inbound) => {
          if (inbound.kind !== "message") return undefined;
          const attempt = (attempts.get(inbound.messageId) ?? 0) + 1;
          attempts.set(inbound.messageId, attempt);
          const error = fails(inbound.messageId, attempt);
          if (error) throw error;
          handled.push(inbound.messageId);
          return undefined;
        },
        log,
        undefined,
        { clock },
      );
      const store = storeFor(inbox, inboxDb);
      inboxes.push(inbox);
      return { inbox, store };
    }
    const row = (messageId: string) => inboxDb.inboundEvent.findFirstOrThrow({ where: { messageId } });
    /** Starts an inbox whose handler has a bug for om_1_1, hands it `events` and lets its three tries pass. */
    async function failOnBug(handled: string[], events: FlatEvent[]): Promise<Inbox> {
      const { inbox, store } = inboxFailing((id) => (id === "om_1_1" ? new TypeError("boom") : undefined), handled);
      inbox.start();
      for (const event of events) await store.accept(event);
      await nextTry();
      await nextTry();
      await inbox.idle();
      return inbox;
    }

    /** Waits for the inbox to sleep between tries, then lets that wait pass. */
    async function nextTry(): Promise<void> {
      await until(() => clock.sleeping === 1, "a retry wait");
      await clock.advance(clock.nextWakeIn ?? 0);
    }

    it("retries a transient failure with growing waits, and the rest of its chat waits while other chats go on", async () => {
      const handled: string[] = [];
      const down = new LarkApiError({ call: "download", kind: "server", code: null, larkMsg: "HTTP 503" });
      const { inbox, store } = inboxFailing(
        (id, attempt) => (id === "om_1_1" && attempt <= 4 ? down : undefined),
        handled,
      );
      inbox.start();
      await store.accept(message(1, 1));
      await store.accept(message(1, 2));
      await store.accept(message(2, 1));
      await until(() => handled.includes("om_2_1") && clock.sleeping === 1, "the other chat");
      expect(handled).toEqual(["om_2_1"]);
      const waits: number[] = [];
      for (let i = 0; i < 4; i++) {
        await until(() => clock.sleeping === 1, "a retry wait");
        expect(handled).toEqual(["om_2_1"]);
        const wait = clock.nextWakeIn ?? 0;
        waits.push(wait);
        await clock.advance(wait);
      }
      await inbox.idle();
      expect(handled).toEqual(["om_2_1", "om_1_1", "om_1_2"]);
      expect(await row("om_1_1")).toMatchObject({ status: "done", attempts: 5, lastError: null });
      // Equal jitter: after the n-th failure the wait is between half and all of 1 s · 2^(n-1).
      for (const [n, wait] of waits.entries()) {
        expect(wait).toBeGreaterThanOrEqual(500 * 2 ** n);
        expect(wait).toBeLessThanOrEqual(1_000 * 2 ** n);
      }
    });

    it("gives up on a transient failure that lasts longer than the retry window", async () => {
      const handled: string[] = [];
      const busy = Object.assign(new Error("database is locked"), { code: "P1008" });
      const { inbox, store } = inboxFailing((id) => (id === "om_1_1" ? busy : undefined), handled);
      inbox.start();
      await store.accept(message(1, 1));
      await store.accept(message(1, 2));
      const start = clock.now();
      for (;;) {
        await until(() => clock.sleeping === 1 || handled.length === 1, "a retry wait or the next event");
        if (clock.sleeping === 0) break;
        await clock.advance(clock.nextWakeIn ?? 0);
      }
      expect(clock.now() - start).toBeGreaterThanOrEqual(15 * 60_000);
      expect(clock.now() - start).toBeLessThan(16 * 60_000);
      await inbox.idle();
      expect(handled).toEqual(["om_1_2"]);
      const failed = await row("om_1_1");
      expect(failed.status).toBe("failed");
      expect(failed.attempts).toBeGreaterThan(15);
      expect(failed.lastError).toContain("database is locked");
    });

    it("fails a handler that throws a bug's error after three tries, with the error and a log line, and goes on", async () => {
      const handled: string[] = [];
      await failOnBug(handled, [message(1, 1), message(1, 2)]);
      expect(handled).toEqual(["om_1_2"]);
      const failed = await row("om_1_1");
      expect(failed).toMatchObject({ status: "failed", attempts: 3 });
      expect(failed.lastError).toContain("TypeError: boom");
      expect(logLines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(Array(3).fill("event handler failed"));
      expect(logLines.find((l) => l.level === 50)).toMatchObject({ err: { message: "boom" } });
    });

    it("queues failed events of the last day again at the next start", async () => {
      const handled: string[] = [];
      await (await failOnBug(handled, [message(1, 1), message(3, 1)])).stop();
      await inboxDb.inboundEvent.update({
        where: { eventId: "ev_3_1" },
        data: { status: "failed", receivedAt: new Date(Date.now() - 25 * 3_600_000) },
      });

      const { inbox: restarted } = inboxFailing(() => undefined, handled); // the bug is fixed
      restarted.start();
      await restarted.idle();
      expect(handled).toEqual(["om_3_1", "om_1_1"]);
      expect(await row("om_1_1")).toMatchObject({ status: "done", attempts: 4, lastError: null });
      expect(await row("om_3_1")).toMatchObject({ status: "failed" });
    });

    it("stops at once in a retry wait and leaves the event pending", async () => {
      const handled: string[] = [];
      const { inbox, store } = inboxFailing(() => new TypeError("boom"), handled);
      inbox.start();
      await store.accept(message(1, 1));
      await until(() => clock.sleeping === 1, "a retry wait");
      await inbox.stop();
      expect(clock.sleeping).toBe(0);
      expect(await row("om_1_1")).toMatchObject({ status: "pending", attempts: 0 });
    });
  });

  describe("card answers", () => {
    function click(eventId: string): FlatEvent {
      return {
        event_id: eventId,
        event_type: "card.action.trigger",
        operator: { open_id: "ou_clicker" },
        action: { value: { a: "verify", i: 1 }, tag: "button" },
        context: { open_message_id: "om_card", open_chat_id: "oc_chat1" },
      };
    }
    const posted = () => t.db.outboxMessage.findMany({ orderBy: { id: "asc" } });

    it("answers inline in time; a refusal that comes too late is posted to the card's thread, @-mentioning the clicker", async () => {
      const gates = new Map<string, () => void>();
      const slots = new AnswerSlots();
      const deliver = (slot: number, answer: CardAnswer | undefined) => store.deliver(slot, answer);
      const inbox = new Inbox(
        t.db,
        inboxDb,
        async (inbound) => {
          if (inbound.kind !== "card_action") return undefined;
          await new Promise<void>((release) => gates.set(inbound.eventId, release));
          return { toast: { type: "warning", content: "只有验收人可以验收" } };
        },
        silentLogger,
        undefined,
        { answers: { cells: slots.cells, deliver } },
      );
      const store = storeFor(inbox, inboxDb, slots);
      inbox.start();
      const quick = await store.accept(click("ev_quick"));
      const answered = store.answer(quick, 60_000);
      await until(() => gates.has("ev_quick"), "the click to be handled");
      gates.get("ev_quick")?.();
      expect(await answered).toEqual({ toast: { type: "warning", content: "只有验收人可以验收" } });
      await inbox.idle();
      expect(await posted()).toEqual([]);

      const slow = await store.accept(click("ev_slow"));
      expect(await store.answer(slow, 1)).toBeUndefined();
      await until(() => gates.has("ev_slow"), "the click to be handled");
      gates.get("ev_slow")?.();
      await inbox.idle();
      expect(await posted()).toEqual([
        expect.objectContaining({
          key: "late-answer:ev_slow",
          kind: "reply",
          chatId: "oc_chat1",
          target: "om_card",
          replyInThread: true,
          content: JSON.stringify({ text: '<at user_id="ou_clicker"></at> 只有验收人可以验收' }),
        }),
      ]);
      await inbox.stop();
    });

    it("answers inline when it finds a click in the table before it hears that the click was stored", async () => {
      const slots = new AnswerSlots();
      const deliver = (slot: number, answer: CardAnswer | undefined) => store.deliver(slot, answer);
      const inbox = new Inbox(
        t.db,
        inboxDb,
        async (inbound) =>
          inbound.kind === "card_action" ? { toast: { type: "warning", content: "只有验收人可以验收" } } : undefined,
        silentLogger,
        undefined,
        { answers: { cells: slots.cells, deliver } },
      );
      // The receiver thread's word that it stored the click is still on its way: the inbox is not told yet.
      const store = new InboxStore(
        inboxWriterOf(inboxDb),
        { stored: () => {}, received: () => {} },
        silentLogger,
        slots,
      );
      const clicked = await store.accept(click("ev_unheard"));
      const answered = store.answer(clicked, 10_000);
      // Starting, the inbox looks at what is pending (as it does when another chat's chain ends, or on its poll).
      inbox.start();
      expect(await answered).toEqual({ toast: { type: "warning", content: "只有验收人可以验收" } });
      await inbox.idle();
      expect(await posted()).toEqual([]);
      await inbox.stop();
    });

    it("posts a refusal found after a restart, when nobody waits for the answer; a success toast is not posted", async () => {
      const crashed = new Inbox(t.db, inboxDb, async () => undefined, silentLogger);
      const crashedStore = storeFor(crashed, inboxDb);
      await crashedStore.accept(click("ev_refused"));
      await crashedStore.accept(click("ev_fine"));
      const inbox = new Inbox(
        t.db,
        inboxDb,
        async (inbound) =>
          inbound.kind === "card_action" && inbound.eventId === "ev_refused"
            ? { toast: { type: "error", content: "你在本群对应的单位没有职责" } }
            : { toast: { type: "success", content: "验收通过成功" } },
        silentLogger,
      );
      inbox.start();
      await inbox.idle();
      expect((await posted()).map((p) => p.key)).toEqual(["late-answer:ev_refused"]);
      await inbox.stop();
    });
  });
});

describe.skipIf(!testPostgres())("inbox of several instances sharing one PostgreSQL database", () => {
  let t: TestDb;
  const locks: AdvisoryLaneLocks[] = [];
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(async () => {
    for (const lock of locks.splice(0)) await lock.close();
    await t.close();
  });

  /** An instance: its own connections, its own lane locks, a handler that records what it saw. */
  async function instance(name: string, seen: { by: string; chat: string; seq: number }[], hold?: Promise<void>) {
    const db = await openDb(t.url);
    const lanes = new AdvisoryLaneLocks(t.url, silentLogger);
    locks.push(lanes);
    const inbox = new Inbox(
      db,
      db, // PostgreSQL keeps the inbound events in the main database
      async (inbound: Inbound) => {
        if (inbound.kind !== "message") return undefined;
        if (hold) await hold;
        seen.push({ by: name, chat: inbound.chatId, seq: Number(inbound.text.slice(1)) });
        return undefined;
      },
      silentLogger,
      undefined,
      { lanes },
    );
    const store = storeFor(inbox, db);
    return { db, inbox, store, lanes };
  }

  it("handles each event once and each chat's events in order, the chats spread over the instances", async () => {
    const seen: { by: string; chat: string; seq: number }[] = [];
    const a = await instance("a", seen);
    const b = await instance("b", seen);
    a.inbox.start();
    b.inbox.start();
    // Any instance may receive any event (a webhook behind a load balancer).
    await Promise.all(
      Array.from({ length: 20 }, async (_, chat) => {
        for (let seq = 0; seq < 10; seq++) await (seq % 2 ? a : b).store.accept(message(chat, seq));
      }),
    );
    await until(() => seen.length >= 200, "every event to be handled");
    await a.inbox.idle();
    await b.inbox.idle();
    expect(seen).toHaveLength(200);
    for (let chat = 0; chat < 20; chat++) {
      expect(seen.filter((s) => s.chat === `oc_chat${chat}`).map((s) => s.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    expect(new Set(seen.map((s) => s.by))).toEqual(new Set(["a", "b"]));
    await a.inbox.stop();
    await b.inbox.stop();
    await a.db.$disconnect();
    await b.db.$disconnect();
  });

  it("hands a chat whose instance died to another one, which goes on where it stopped", async () => {
    const seen: { by: string; chat: string; seq: number }[] = [];
    let release: () => void = () => {};
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    const a = await instance("a", seen, stuck);
    a.inbox.start();
    for (let seq = 0; seq < 5; seq++) await a.store.accept(message(1, seq));
    // a holds the chat's lane, stuck in its first event; b, looking for work too, leaves the chat alone.
    const laneLocks = async () =>
      Number(
        (
          await t.db.$queryRawUnsafe<{ n: number }[]>(
            "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 7302 AND granted",
          )
        )[0]?.n,
      );
    await until(async () => (await laneLocks()) === 1, "a to hold the lane");
    const b = await instance("b", seen);
    b.inbox.start();
    await until(async () => (await t.db.inboundEvent.count({ where: { status: "pending" } })) === 5, "b to look");
    expect(seen).toEqual([]);
    // a dies: it stops looking and its lock connection goes, with nothing of its work recorded.
    const aStopped = a.inbox.stop();
    await a.lanes.close();
    await until(() => seen.length === 5, "b to take the chat over");
    expect(seen.map((s) => [s.by, s.seq])).toEqual([0, 1, 2, 3, 4].map((seq) => ["b", seq]));
    release();
    await aStopped;
    await b.inbox.stop();
    await a.db.$disconnect();
    await b.db.$disconnect();
  });
});
