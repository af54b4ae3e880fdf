import type { EmulatedMention } from "./types.ts";

/** What a user types or posts in a chat (`userSends`). */
export interface UserMessageInput {
  chatId: string;
  /** Sender's open_id; must be a member of the chat. */
  from: string;
  text?: string;
  /** One image and no text makes an image message; text with images (or several images) a post. */
  images?: Buffer[];
  /** Put `@bot` first in the message. */
  mentionBot?: boolean;
  /** open_ids to @, placed after the bot mention and before the text. */
  mentions?: string[];
  /** Reply to this message (stays in its thread, if any). */
  replyTo?: string;
  messageType?: "text" | "image" | "post";
  /**
   * The content exactly as Lark would deliver it, built from the keys of the stored `images` — for tests of what a
   * client or a tampered event may send (a post with a null line); `messageType` says its type (default post).
   */
  content?: (imageKeys: string[]) => unknown;
}

/**
 * The message type and content Lark delivers for what a user typed and attached: a text with `@_user_N`
 * placeholders, an image message, or a post with the text on the first line and one image per line.
 * `storeImage` keeps an attached image and returns its key.
 */
export function buildUserContent(
  input: UserMessageInput,
  mentions: EmulatedMention[],
  storeImage: (data: Buffer) => string,
): { msgType: string; content: unknown } {
  const images = input.images ?? [];
  if (input.content) return { msgType: input.messageType ?? "post", content: input.content(images.map(storeImage)) };
  const text = input.text ?? "";
  const msgType = input.messageType ?? (images.length === 1 && !text ? "image" : images.length > 0 ? "post" : "text");
  if (msgType === "image" && (images.length !== 1 || text)) {
    throw new Error("emulator: an image message carries exactly one image");
  }
  if (msgType === "text" && images.length > 0)
    throw new Error("emulator: a text message cannot carry images; use a post");
  const imageKeys = images.map(storeImage);
  if (msgType === "image") return { msgType, content: { image_key: imageKeys[0] } };
  if (msgType === "text") {
    const prefix = mentions.map((m) => `${m.key} `).join("");
    return { msgType, content: { text: `${prefix}${text}`.trim() } };
  }
  const firstLine = [
    ...mentions.map((m) => ({ tag: "at", user_id: m.key, user_name: m.name })),
    ...(text ? [{ tag: "text", text }] : []),
  ];
  const lines = [
    ...(firstLine.length > 0 ? [firstLine] : []),
    ...imageKeys.map((key) => [{ tag: "img", image_key: key }]),
  ];
  return { msgType, content: { title: "", content: lines } };
}
