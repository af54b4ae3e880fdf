import type { MessageView } from "../api-types.ts";
import { resourceUrl } from "./api.ts";
import { type CardAction, type CardContext, renderCard } from "./card.ts";
import { h } from "./dom.ts";
import { sizeLabel, timeLabel } from "./format.ts";
import { decodeEntities, renderText } from "./markdown.ts";
import { T } from "./texts.ts";

/** What rendering a message needs from the page. */
export interface MessageContext extends Omit<CardContext, "act"> {
  /** Sends a click on the card of message `messageId`. */
  click(messageId: string, action: CardAction): Promise<void>;
  timeZone: string;
  /** The persona posting now: their messages sit on the right. */
  self(): string;
  message(id: string): MessageView | undefined;
  reply(message: MessageView): void;
  openThread(message: MessageView): void;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

const AVATAR_COLORS = ["#3370ff", "#14c0ff", "#34c724", "#ff8800", "#7f3bf5", "#f54a45", "#00b8a9", "#d136d1"];

/** A round avatar with the last two characters of a Chinese name, in a colour fixed per person. */
export function avatar(name: string, key: string, bot = false): HTMLElement {
  let hash = 0;
  for (const c of key) hash = (hash * 31 + (c.codePointAt(0) ?? 0)) >>> 0;
  const color = bot ? "#3370ff" : (AVATAR_COLORS[hash % AVATAR_COLORS.length] ?? "#3370ff");
  const label = bot ? name.slice(0, 2) : [...name].slice(-2).join("");
  return h("div", { class: bot ? "avatar bot" : "avatar", style: `background:${color}` }, label);
}

/** A post's paragraphs, whether locale-wrapped ({zh_cn: {...}}) as the bot sends them or bare as users post them. */
function postBody(content: unknown): { title: string; lines: Json[][] } {
  let post = isObject(content) ? content : {};
  if (!Array.isArray(post.content)) {
    const localized = Object.values(post).find((v) => isObject(v) && Array.isArray(v.content));
    if (isObject(localized)) post = localized;
  }
  const lines = Array.isArray(post.content)
    ? post.content.map((line) => (Array.isArray(line) ? line.filter(isObject) : []))
    : [];
  return { title: str(post.title), lines };
}

/** One line of text that stands for a message in previews and quotes. */
export function summary(message: MessageView, nameOf: (openId: string) => string): string {
  const content = isObject(message.content) ? message.content : {};
  let text: string;
  switch (message.msgType) {
    case "text":
      text = str(content.text)
        .replace(
          /<at user_id=["']?([^"'>\s]+)["']?>([^<]*)<\/at>/g,
          (_, id: string, name: string) => `@${name || nameOf(id)}`,
        )
        .replace(/@_user_\d+/g, (key) => `@${message.mentions.find((m) => m.key === key)?.name ?? ""}`);
      break;
    case "post": {
      const { title, lines } = postBody(message.content);
      const words = lines.flat().map((node) => {
        if (node.tag === "img") return T.image;
        if (node.tag === "at") return `@${str(node.user_name) || nameOf(str(node.user_id))}`;
        return str(node.text);
      });
      text = [title, ...words].filter(Boolean).join(" ");
      break;
    }
    case "image":
      text = T.image;
      break;
    case "file":
      text = `${T.file} ${message.file?.name ?? ""}`;
      break;
    case "interactive": {
      const header =
        isObject(content.header) && isObject(content.header.title) ? str(content.header.title.content) : "";
      text = `${T.card} ${decodeEntities(header)}`;
      break;
    }
    default:
      text = T.unsupported(message.msgType);
  }
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat;
}

function renderPost(message: MessageView, ctx: MessageContext): HTMLElement {
  const { title, lines } = postBody(message.content);
  return h(
    "div",
    { class: "post" },
    title && h("div", { class: "post-title" }, title),
    lines.map((line) =>
      h(
        "div",
        { class: "post-line" },
        line.map((node) => {
          switch (node.tag) {
            case "text":
              return str(node.text);
            case "a":
              return h(
                "a",
                { href: /^https?:/.test(str(node.href)) ? str(node.href) : undefined, target: "_blank" },
                str(node.text),
              );
            case "at":
              return h("span", { class: "mention" }, `@${str(node.user_name) || ctx.nameOf(str(node.user_id))}`);
            case "img":
              return photo(str(node.image_key), ctx);
            default:
              return T.unsupported(str(node.tag));
          }
        }),
      ),
    ),
  );
}

function photo(key: string, ctx: MessageContext): HTMLElement {
  const src = resourceUrl(key);
  return h("img", { class: "photo", src, alt: T.image, loading: "lazy", onclick: () => ctx.zoom(src) });
}

function renderFile(message: MessageView): HTMLElement {
  const key = isObject(message.content) ? str(message.content.file_key) : "";
  const name = message.file?.name ?? T.file;
  const extension = (/\.([a-z0-9]+)$/i.exec(name)?.[1] ?? "file").toUpperCase();
  return h(
    "div",
    { class: "file" },
    h("div", { class: `file-icon ext-${extension.toLowerCase()}` }, extension.slice(0, 4)),
    h(
      "div",
      { class: "file-info" },
      h("div", { class: "file-name" }, name),
      h("div", { class: "file-size" }, message.file ? sizeLabel(message.file.size) : ""),
    ),
    h("a", { class: "file-download", href: resourceUrl(key), download: name }, T.download),
  );
}

/** The body of a message by its type: text, post, image, file or card. */
function renderContent(message: MessageView, ctx: MessageContext): HTMLElement {
  const content = isObject(message.content) ? message.content : {};
  switch (message.msgType) {
    case "text":
      return h("div", { class: "bubble" }, renderText(str(content.text), message.mentions, ctx.nameOf));
    case "post":
      return h("div", { class: "bubble" }, renderPost(message, ctx));
    case "image":
      return h("div", { class: "bubble image-only" }, photo(str(content.image_key), ctx));
    case "file":
      return renderFile(message);
    case "interactive":
      return renderCard(message.content, { ...ctx, act: (action) => ctx.click(message.messageId, action) });
    default:
      return h("div", { class: "bubble muted" }, T.unsupported(message.msgType));
  }
}

/** Where a message row is drawn: the chat, a thread box inside the chat, or the thread panel. */
export type Place = "chat" | "thread-box" | "panel";

/**
 * One message row as Feishu shows it: avatar, name and time, a quote of the message it answers (in the chat
 * only), the content, and hover tools to reply (outside the panel).
 */
export function renderMessage(message: MessageView, ctx: MessageContext, place: Place): HTMLElement {
  const bot = message.sender.kind === "bot";
  const self = message.sender.kind === "user" && message.sender.openId === ctx.self();
  const key = message.sender.kind === "user" ? message.sender.openId : "bot";
  const parent = message.parentId && place === "chat" ? ctx.message(message.parentId) : undefined;
  const classes = ["msg", bot && "from-bot", self && "self", message.msgType === "interactive" && "has-card"];
  return h(
    "div",
    { class: classes.filter(Boolean).join(" "), "data-message-id": message.messageId },
    avatar(message.sender.name, key, bot),
    h(
      "div",
      { class: "msg-main" },
      h(
        "div",
        { class: "msg-meta" },
        h("span", { class: "msg-name" }, message.sender.name),
        bot && h("span", { class: "bot-tag" }, T.botTag),
        h("span", { class: "msg-time" }, timeLabel(message.createTime, ctx.timeZone)),
        message.updates > 0 && h("span", { class: "msg-edited", title: T.updatedTimes(message.updates) }, T.edited),
      ),
      parent && h("div", { class: "msg-quote" }, T.quote(parent.sender.name, summary(parent, ctx.nameOf))),
      renderContent(message, ctx),
    ),
    place !== "panel" &&
      h(
        "div",
        { class: "msg-tools" },
        h(
          "button",
          { type: "button", class: "tool-reply", title: T.reply, onclick: () => ctx.reply(message) },
          T.reply,
        ),
      ),
  );
}

/**
 * A message in the chat with its thread, the way Feishu groups show one: the root, then its replies in an indented
 * box with the reply count and a link that opens the thread panel.
 */
export function renderThreadGroup(
  root: MessageView,
  replies: readonly MessageView[],
  ctx: MessageContext,
): HTMLElement {
  const group = h("div", { class: "msg-group", "data-root-id": root.messageId }, renderMessage(root, ctx, "chat"));
  if (replies.length > 0) group.append(threadBox(root, replies, ctx));
  return group;
}

/** The box of a thread's replies under its root. */
export function threadBox(root: MessageView, replies: readonly MessageView[], ctx: MessageContext): HTMLElement {
  return h(
    "div",
    { class: "thread-box" },
    h(
      "div",
      { class: "thread-box-head" },
      h("span", { class: "thread-icon" }),
      h("span", { class: "thread-box-count" }, T.threadReplies(replies.length)),
      h("button", { type: "button", class: "thread-open", onclick: () => ctx.openThread(root) }, T.openThread),
    ),
    h(
      "div",
      { class: "thread-box-list" },
      replies.map((m) => renderMessage(m, ctx, "thread-box")),
    ),
  );
}
