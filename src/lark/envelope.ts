import { z } from "zod";
import { wellFormed } from "../texts/well-formed.ts";
import type { FlatEvent } from "./flat-event.ts";

const mentionSchema = z.object({
  key: z.string(),
  id: z.object({ open_id: z.string().optional() }).loose(),
  name: z.string().default(""),
});

const messageEventSchema = z.object({
  event_id: z.string(),
  sender: z.object({
    sender_id: z.object({ open_id: z.string().optional() }).loose(),
    sender_type: z.string().default("user"),
  }),
  message: z.object({
    message_id: z.string(),
    root_id: z.string().optional(),
    parent_id: z.string().optional(),
    thread_id: z.string().optional(),
    create_time: z.string(),
    chat_id: z.string(),
    chat_type: z.string(),
    message_type: z.string(),
    content: z.string(),
    mentions: z.array(mentionSchema).optional(),
  }),
});

const cardActionSchema = z.object({
  event_id: z.string(),
  operator: z.object({ open_id: z.string() }).loose(),
  token: z.string().optional(),
  // What a card sends back is checked by the family that reads it: here a field of the wrong type is only left out.
  action: z
    .object({
      value: z.unknown(),
      tag: z.string().optional().catch(undefined),
      option: z.string().optional().catch(undefined),
      form_value: z.record(z.string(), z.unknown()).optional().catch(undefined),
      input_value: z.string().optional().catch(undefined),
    })
    .loose(),
  context: z.object({ open_message_id: z.string(), open_chat_id: z.string() }).loose(),
});

const botAddedSchema = z.object({
  event_id: z.string(),
  chat_id: z.string(),
  operator_id: z.object({ open_id: z.string().optional() }).loose().optional(),
  name: z.string().optional(),
});

export interface Mention {
  key: string;
  openId: string;
  name: string;
}

/** A chat message, parsed. `text` has @-mentions of others as "@名字" and mentions of the bot removed. */
export interface InboundMessage {
  kind: "message";
  eventId: string;
  chatId: string;
  chatType: "p2p" | "group";
  messageId: string;
  rootId?: string;
  parentId?: string;
  threadId?: string;
  senderOpenId: string;
  fromBot: boolean;
  sentAt: Date;
  messageType: string;
  text: string;
  mentions: Mention[];
  imageKeys: string[];
}

/** A click on a card button, select menu or form. */
export interface InboundCardAction {
  kind: "card_action";
  eventId: string;
  chatId: string;
  messageId: string;
  operatorOpenId: string;
  /** The button's value as the card carried it: an object for every card of Riqing's, unchecked. */
  value: unknown;
  option?: string;
  formValue?: Record<string, unknown>;
  inputValue?: string;
}

/**
 * A card callback without the operator or the card it came from: nobody and nothing to act on, but the clicker (if
 * any) still sees the answer.
 */
export interface InboundUnreadableClick {
  kind: "unreadable_click";
  eventId: string;
}

/** The bot was added to a group. */
export interface InboundBotAdded {
  kind: "bot_added";
  eventId: string;
  chatId: string;
  chatName?: string;
  operatorOpenId?: string;
}

export type Inbound = InboundMessage | InboundCardAction | InboundUnreadableClick | InboundBotAdded;

/**
 * Parses a stored flat event into a typed inbound value, every string in it well-formed (see {@link wellFormed}).
 * Throws a ZodError on a shape Lark would not send.
 */
export function parseInbound(stored: FlatEvent): Inbound {
  const event = wellFormed(stored) as FlatEvent;
  switch (event.event_type) {
    case "im.message.receive_v1":
      return parseMessage(messageEventSchema.parse(event));
    case "card.action.trigger": {
      const parsed = cardActionSchema.safeParse(event);
      if (!parsed.success) return { kind: "unreadable_click", eventId: event.event_id };
      const e = parsed.data;
      return {
        kind: "card_action",
        eventId: e.event_id,
        chatId: e.context.open_chat_id,
        messageId: e.context.open_message_id,
        operatorOpenId: e.operator.open_id,
        value: e.action.value,
        option: e.action.option,
        formValue: e.action.form_value,
        inputValue: e.action.input_value,
      };
    }
    case "im.chat.member.bot.added_v1": {
      const e = botAddedSchema.parse(event);
      return {
        kind: "bot_added",
        eventId: e.event_id,
        chatId: e.chat_id,
        chatName: e.name,
        operatorOpenId: e.operator_id?.open_id,
      };
    }
    default:
      throw new Error(`unhandled event type ${event.event_type}`);
  }
}

/** A post's node; a field of the wrong type is left out. */
const postNodeSchema = z.object({
  tag: z.string(),
  text: z.string().optional().catch(undefined),
  user_id: z.string().optional().catch(undefined),
  user_name: z.string().optional().catch(undefined),
  image_key: z.string().optional().catch(undefined),
});
type PostNode = z.infer<typeof postNodeSchema>;

/**
 * A post's title and lines, keeping what is well-formed: a line that is not a list and a node that is not an object
 * with a tag are left out, so the rest of the report (its text, its photos) is still filed.
 */
const postSchema = z.object({
  title: z.string().catch(""),
  content: z
    .array(z.unknown())
    .catch([])
    .transform((lines) =>
      lines.filter(Array.isArray).map((line) =>
        line.flatMap((node) => {
          const parsed = postNodeSchema.safeParse(node);
          return parsed.success ? [parsed.data] : [];
        }),
      ),
    ),
});

function parseMessage(e: z.infer<typeof messageEventSchema>): InboundMessage {
  const m = e.message;
  const mentions: Mention[] = (m.mentions ?? []).map((x) => ({ key: x.key, openId: x.id.open_id ?? "", name: x.name }));
  const content = safeJson(m.content);
  let text = "";
  const imageKeys: string[] = [];
  if (m.message_type === "text") {
    text = typeof content.text === "string" ? content.text : "";
  } else if (m.message_type === "image") {
    if (typeof content.image_key === "string") imageKeys.push(content.image_key);
  } else if (m.message_type === "post") {
    const post = unwrapPost(content);
    const parts: string[] = post.title ? [post.title] : [];
    for (const line of post.content) {
      const words: string[] = [];
      for (const node of line) {
        if (node.tag === "text" || node.tag === "a") words.push(node.text ?? "");
        else if (node.tag === "at") words.push(node.user_id ?? `@${node.user_name ?? ""}`);
        // A `media` node's image_key is a video's cover, not a photo of the problem: only `img` counts.
        else if (node.tag === "img" && node.image_key) imageKeys.push(node.image_key);
      }
      parts.push(words.join(""));
    }
    text = parts.join("\n");
  }
  return {
    kind: "message",
    eventId: e.event_id,
    chatId: m.chat_id,
    chatType: m.chat_type === "p2p" ? "p2p" : "group",
    messageId: m.message_id,
    rootId: m.root_id || undefined,
    parentId: m.parent_id || undefined,
    threadId: m.thread_id || undefined,
    senderOpenId: e.sender.sender_id.open_id ?? "",
    fromBot: e.sender.sender_type === "app",
    sentAt: new Date(Number(m.create_time)),
    messageType: m.message_type,
    text: text.trim(),
    mentions,
    imageKeys,
  };
}

/** Replaces @_user_N placeholders: mentions of `botOpenId` are removed, others become "@名字". */
export function resolveMentions(text: string, mentions: Mention[], botOpenId: string): string {
  let out = text;
  for (const mention of mentions) {
    out = out.split(mention.key).join(mention.openId === botOpenId ? "" : `@${mention.name}`);
  }
  return out.replace(/\s+/g, " ").trim();
}

/** A message's content (itself JSON in the event), well-formed; {} when it is not a JSON object. */
function safeJson(s: string): Record<string, unknown> {
  try {
    const v = wellFormed(JSON.parse(s));
    return v && typeof v === "object" ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A post's body: `{title, content}` itself, or wrapped in a locale (`{zh_cn: {…}}`). */
function unwrapPost(content: Record<string, unknown>): { title: string; content: PostNode[][] } {
  const isBody = (v: unknown) => Boolean(v) && typeof v === "object" && "content" in (v as object);
  const body = isBody(content) ? content : Object.values(content).find(isBody);
  return postSchema.parse(body ?? {});
}
