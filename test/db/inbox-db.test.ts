import { existsSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { closeInboxDb, inboxFile, openInboxDb } from "../../src/db/inbox-db.ts";
import type { FlatEvent } from "../../src/lark/flat-event.ts";
import { Inbox } from "../../src/lark/inbox.ts";
import { silentLogger } from "../../src/log.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { recordingInbox, storeFor } from "../support/inbox.ts";
import { testPostgres } from "../support/postgres.ts";

function message(seq: number): FlatEvent {
  return {
    event_id: `ev_${seq}`,
    event_type: "im.message.receive_v1",
    sender: { sender_id: { open_id: "ou_worker" }, sender_type: "user" },
    message: {
      message_id: `om_${seq}`,
      create_time: String(1_795_000_000_000 + seq),
      chat_id: "oc_chat1",
      chat_type: "group",
      message_type: "text",
      content: JSON.stringify({ text: `#${seq}` }),
    },
  };
}

/** An event row as an earlier version stored it, in the main file. */
function stored(seq: number, status: string, receivedAt = new Date()) {
  const event = message(seq);
  return {
    id: seq,
    eventId: event.event_id,
    messageId: `om_${seq}`,
    eventType: event.event_type,
    chatId: "oc_chat1",
    payload: JSON.stringify(event),
    status,
    receivedAt,
  };
}

describe.skipIf(testPostgres())("the inbox's own SQLite file", () => {
  let t: TestDb;
  let inboxDb: Db | undefined;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(async () => {
    if (inboxDb) await closeInboxDb(inboxDb, t.db);
    inboxDb = undefined;
    await t.close();
  });

  it("lives beside the main file, migrated, and holds the inbound events while the main file holds none", async () => {
    inboxDb = await openInboxDb(t.url, t.db);
    expect(inboxFile(t.url)).toBe(`${t.dir}/riqing-inbox.db`);
    expect(existsSync(inboxFile(t.url))).toBe(true);
    const inbox = new Inbox(t.db, inboxDb, async () => undefined, silentLogger);
    const store = storeFor(inbox, inboxDb);
    expect((await store.accept(message(1))).status).toBe("stored");
    expect(await inboxDb.inboundEvent.count()).toBe(1);
    expect(await t.db.inboundEvent.count()).toBe(0);
  });

  it("takes over the events an earlier version kept in the main file: pending and failed ones are processed, done ones stay duplicates", async () => {
    await t.db.inboundEvent.createMany({
      data: [stored(3, "done"), stored(5, "failed"), stored(7, "pending"), stored(8, "failed", new Date(0))],
    });
    inboxDb = await openInboxDb(t.url, t.db);
    expect(await t.db.inboundEvent.count()).toBe(0);
    const moved = await inboxDb.inboundEvent.findMany({ orderBy: { id: "asc" } });
    expect(moved.map((r) => [r.eventId, r.status, r.payload])).toEqual(
      [stored(3, "done"), stored(5, "failed"), stored(7, "pending"), stored(8, "failed")].map((r) => [
        r.eventId,
        r.status,
        r.payload,
      ]),
    );

    const { inbox, store, handled } = recordingInbox(t.db, inboxDb);
    expect((await store.accept(message(3))).status).toBe("duplicate");
    expect((await store.accept(message(9))).status).toBe("stored");
    inbox.start();
    await inbox.idle();
    await inbox.stop();
    // The failed event of the last day is tried again; the one from long ago is not.
    expect(handled).toEqual(["om_5", "om_7", "om_9"]);
  });

  it("finishes a move cut off between the two files, moves nothing twice, and keeps events an earlier version numbered again", async () => {
    await t.db.inboundEvent.createMany({ data: [stored(1, "pending"), stored(2, "done")] });
    inboxDb = await openInboxDb(t.url, t.db);
    await inboxDb.inboundEvent.update({ where: { eventId: "ev_1" }, data: { status: "done" } });
    await closeInboxDb(inboxDb, t.db);
    // The inbox file committed, the main file did not: the rows are in both. And an earlier version ran again,
    // numbering its new event after its own (the inbox file has that number already).
    await t.db.inboundEvent.createMany({ data: [stored(1, "pending"), stored(2, "done")] });
    await t.db.inboundEvent.create({ data: { ...stored(3, "pending"), id: undefined } });
    inboxDb = await openInboxDb(t.url, t.db);
    expect(await t.db.inboundEvent.count()).toBe(0);
    expect((await inboxDb.inboundEvent.findMany({ orderBy: { id: "asc" } })).map((r) => [r.eventId, r.status])).toEqual(
      [
        ["ev_1", "done"],
        ["ev_2", "done"],
        ["ev_3", "pending"],
      ],
    );
  });
});
