import type { Db } from "../../src/db/client.ts";
import { AnswerSlots } from "../../src/lark/answer-slots.ts";
import { Inbox, inboxWriterOf } from "../../src/lark/inbox.ts";
import { InboxStore } from "../../src/lark/inbox-store.ts";
import { silentLogger } from "../../src/log.ts";

/**
 * The inbox store of `inbox` in this thread, as the long connection's (app/create-riqing.ts): it stores events in
 * `inboxDb` and tells the inbox; card answers wait in `slots` (give the inbox the same slots' cells).
 */
export function storeFor(inbox: Inbox, inboxDb: Db, slots = new AnswerSlots()): InboxStore {
  return new InboxStore(
    inboxWriterOf(inboxDb),
    { stored: (events) => inbox.arrived(events), received: () => {} },
    silentLogger,
    slots,
  );
}

/** An inbox whose handler only records the message ids it is given, in the order it is given them, and its store. */
export function recordingInbox(db: Db, inboxDb: Db): { inbox: Inbox; store: InboxStore; handled: string[] } {
  const handled: string[] = [];
  const inbox = new Inbox(
    db,
    inboxDb,
    async (inbound) => {
      if (inbound.kind === "message") handled.push(inbound.messageId);
      return undefined;
    },
    silentLogger,
  );
  return { inbox, store: storeFor(inbox, inboxDb), handled };
}
