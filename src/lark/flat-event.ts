/**
 * The one shape both receivers hand to the inbox: Lark's v2 event flattened the way the SDK's EventDispatcher does
 * it (header fields and event fields side by side). Only the fields Riqing reads are declared; the rest pass through.
 * Checked by hand, not with zod: the receiver thread (lark/receivers/receiver-thread.ts) loads every module a second
 * time.
 */
export interface FlatEvent {
  event_id: string;
  event_type: string;
  create_time?: string;
  token?: string;
  app_id?: string;
  [field: string]: unknown;
}

const OPTIONAL_TEXTS = ["create_time", "token", "app_id"] as const;

/** `value` as a flat event when it has a non-empty event_id and event_type and the optional fields are texts. */
export function asFlatEvent(value: Record<string, unknown>): FlatEvent | undefined {
  const filled = (field: unknown) => typeof field === "string" && field.length > 0;
  if (!filled(value.event_id) || !filled(value.event_type)) return undefined;
  if (OPTIONAL_TEXTS.some((name) => value[name] !== undefined && typeof value[name] !== "string")) return undefined;
  return value as FlatEvent;
}

/** Event types Riqing stores and processes; every other type is acknowledged and ignored. */
export const HANDLED_EVENT_TYPES = [
  "im.message.receive_v1",
  "card.action.trigger",
  "im.chat.member.bot.added_v1",
] as const;

/** Keys the inbox de-duplicates and orders on. */
export function routingKeys(event: FlatEvent): { chatId?: string; messageId?: string } {
  const e = event as Record<string, unknown> & FlatEvent;
  if (event.event_type === "im.message.receive_v1") {
    const message = e.message as { chat_id?: string; message_id?: string } | undefined;
    return { chatId: message?.chat_id, messageId: message?.message_id };
  }
  if (event.event_type === "card.action.trigger") {
    const context = e.context as { open_chat_id?: string } | undefined;
    return { chatId: context?.open_chat_id };
  }
  return { chatId: typeof e.chat_id === "string" ? e.chat_id : undefined };
}
