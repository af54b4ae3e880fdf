import type { Db, Tx } from "../db/client.ts";
import type { InboundMessage } from "../lark/envelope.ts";
import { enqueue } from "../lark/outbox.ts";

interface Reply {
  /** Makes the message idempotent: processing the same event twice queues it once. */
  key: string;
  chatId: string;
  messageId: string;
  inThread?: boolean;
}

function queueReply(db: Db | Tx, input: Reply & { msgType: string; content: unknown }, inThreadByDefault: boolean) {
  return enqueue(db, {
    key: input.key,
    kind: "reply",
    chatId: input.chatId,
    target: input.messageId,
    msgType: input.msgType,
    content: JSON.stringify(input.content),
    replyInThread: input.inThread ?? inThreadByDefault,
  });
}

/** Queues a text reply to a message (in its thread unless told otherwise). */
export async function replyText(db: Db | Tx, input: Reply & { text: string }): Promise<void> {
  await queueReply(db, { ...input, msgType: "text", content: { text: input.text } }, true);
}

/** Queues a card reply to a message (not in a thread unless told otherwise). */
export async function replyCard(db: Db | Tx, input: Reply & { card: unknown }): Promise<void> {
  await queueReply(db, { ...input, msgType: "interactive", content: input.card }, false);
}

/** The bot's one answer to a command message: in the thread in groups, plainly in a private chat. */
export function answerTo(m: InboundMessage): Reply {
  return { key: `answer:${m.messageId}`, chatId: m.chatId, messageId: m.messageId, inThread: m.chatType === "group" };
}

/** Queues a new text message in a chat (not a reply), or to a person's private chat when given their open_id. */
export async function sendText(db: Db | Tx, input: { key: string; chatId: string; text: string }): Promise<void> {
  await enqueue(db, {
    key: input.key,
    kind: "send",
    chatId: input.chatId,
    target: input.chatId,
    msgType: "text",
    content: JSON.stringify({ text: input.text }),
  });
}
