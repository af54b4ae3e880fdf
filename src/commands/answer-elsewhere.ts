import type { Db, Tx } from "../db/client.ts";
import { LarkCode } from "../lark/errors.ts";
import { enqueue } from "../lark/outbox.ts";
import { UNNAMED_CHAT } from "../texts/commands.ts";
import { escapeText } from "../texts/escape.ts";
import { TEXTS } from "../texts/messages.ts";

/** Lark refusals that mean the chat can no longer be written to, with the reason people read. */
const CHAT_GONE: ReadonlyMap<number, string> = new Map([
  [LarkCode.botNotInChat, TEXTS.chatGoneBotRemoved],
  [LarkCode.appNotInChat, TEXTS.chatGoneBotRemoved],
  [LarkCode.chatDissolved, TEXTS.chatGoneDissolved],
]);

/** The message (or card click) an answer's outbox key was written for: `answer:`, `photo-refused:`, `late-answer:`. */
function answeredEvent(key: string): { messageId: string } | { eventId: string } | undefined {
  const message = /^(?:answer|photo-refused):([^:]+)/.exec(key);
  if (message?.[1]) return { messageId: message[1] };
  const click = /^late-answer:(.+)$/.exec(key);
  return click?.[1] ? { eventId: click[1] } : undefined;
}

/** Who sent the message or clicked the card: the person waiting for the answer. */
function waitingPerson(payload: string): string | undefined {
  const event = JSON.parse(payload) as {
    sender?: { sender_id?: { open_id?: string } };
    operator?: { open_id?: string };
  };
  return event.sender?.sender_id?.open_id ?? event.operator?.open_id;
}

/**
 * An answer to someone Lark refused for good (the chat was dissolved, the bot removed, the tenant's content policy
 * blocked it) still reaches them, in their private chat with the bot: the answer itself after a line saying why,
 * or — when the content itself was blocked — a line saying so. Other failed messages wait for the doctor. Who was
 * waiting is read from the event answered, in the inbox's database (`inboxDb`, db/inbox-db.ts).
 */
export async function answerElsewhere(tx: Tx, inboxDb: Db, failed: { id: number; code: number | null }): Promise<void> {
  const row = await tx.outboxMessage.findUniqueOrThrow({ where: { id: failed.id } });
  const chatGone = failed.code === null ? undefined : CHAT_GONE.get(failed.code);
  const blocked = failed.code === LarkCode.contentBlocked;
  if ((!chatGone && !blocked) || !row.chatId?.startsWith("oc_")) return;
  const source = answeredEvent(row.key);
  if (!source) return;
  const inbound = await inboxDb.inboundEvent.findFirst({ where: source, select: { payload: true } });
  const person = inbound && waitingPerson(inbound.payload);
  if (!person) return;
  const binding = await tx.chatBinding.findUnique({ where: { chatId: row.chatId }, select: { name: true } });
  const chat = escapeText(binding?.name ?? UNNAMED_CHAT);
  const base = { kind: "send", target: person, chatId: null } as const;
  if (blocked) {
    await enqueue(tx, {
      ...base,
      key: `elsewhere:${row.key}`,
      msgType: "text",
      content: { text: TEXTS.answerBlocked(chat) },
    });
    return;
  }
  await enqueue(tx, {
    ...base,
    key: `elsewhere:${row.key}`,
    msgType: "text",
    content: { text: TEXTS.answeredPrivately(chat, chatGone ?? "") },
  });
  await enqueue(tx, { ...base, key: `elsewhere:${row.key}:answer`, msgType: row.msgType, content: row.content });
}
