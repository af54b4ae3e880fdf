import type { Db, Tx } from "../db/client.ts";
import { enqueue } from "../lark/outbox.ts";

/**
 * Queues a text reply to a message (in its thread). `key` makes it idempotent: processing the same event twice
 * queues it once.
 */
export async function replyText(
  db: Db | Tx,
  input: { key: string; chatId: string; messageId: string; text: string; inThread?: boolean },
): Promise<void> {
  await enqueue(db as Tx, {
    key: input.key,
    kind: "reply",
    chatId: input.chatId,
    target: input.messageId,
    msgType: "text",
    content: JSON.stringify({ text: input.text }),
    replyInThread: input.inThread ?? true,
  });
}

/** Queues a card reply to a message. */
export async function replyCard(
  db: Db | Tx,
  input: { key: string; chatId: string; messageId: string; card: unknown; inThread?: boolean },
): Promise<void> {
  await enqueue(db as Tx, {
    key: input.key,
    kind: "reply",
    chatId: input.chatId,
    target: input.messageId,
    msgType: "interactive",
    content: JSON.stringify(input.card),
    replyInThread: input.inThread ?? false,
  });
}

/** Queues a new text message in a chat (not a reply). */
export async function sendText(db: Db | Tx, input: { key: string; chatId: string; text: string }): Promise<void> {
  await enqueue(db as Tx, {
    key: input.key,
    kind: "send",
    chatId: input.chatId,
    target: input.chatId,
    msgType: "text",
    content: JSON.stringify({ text: input.text }),
  });
}
