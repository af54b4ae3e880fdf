import type { Db } from "../../src/db/client.ts";
import { Inbox } from "../../src/lark/inbox.ts";
import { silentLogger } from "../../src/log.ts";

/** An inbox whose handler only records the message ids it is given, in the order it is given them. */
export function recordingInbox(db: Db, inboxDb: Db): { inbox: Inbox; handled: string[] } {
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
  return { inbox, handled };
}
