import type { Db } from "../../src/db/client.ts";
import { postgresOf } from "../../src/db/client.ts";
import { AnswerSlots } from "../../src/lark/answer-slots.ts";
import { Inbox } from "../../src/lark/inbox.ts";
import { Intake } from "../../src/lark/intake.ts";
import { silentLogger } from "../../src/log.ts";

/**
 * The intake of `inbox` in this thread, as the intake thread runs it (lark/receivers/intake-thread.ts): it stores
 * events in `inboxDb` and tells the inbox; card answers wait in `slots` (give the inbox the same slots' cells).
 */
export function intakeFor(inbox: Inbox, inboxDb: Db, slots = new AnswerSlots()): Intake {
  return new Intake(
    {
      postgres: postgresOf(inboxDb) !== undefined,
      insert: (sql, args) => inboxDb.$queryRawUnsafe(sql, ...args),
    },
    { stored: (events) => inbox.arrived(events), received: () => {} },
    silentLogger,
    slots,
  );
}

/** An inbox whose handler only records the message ids it is given, in the order it is given them, and its intake. */
export function recordingInbox(db: Db, inboxDb: Db): { inbox: Inbox; intake: Intake; handled: string[] } {
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
  return { inbox, intake: intakeFor(inbox, inboxDb), handled };
}
