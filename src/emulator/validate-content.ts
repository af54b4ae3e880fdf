import { isRecord } from "./is-record.ts";
import { larkErrors } from "./lark-api-error.ts";

/** Lookups the validator needs: which resource keys the app has uploaded, and which users exist. */
export interface KnownResources {
  image(key: string): boolean;
  file(key: string): boolean;
  /** Whether an open_id (or email) names a user of the tenant this app may mention. */
  user(id: string): boolean;
}

export interface ValidatedContent {
  parsed: unknown;
  /** For cards: whether the card is shared (`config.update_multi`), the precondition of updating it. */
  sharedCard: boolean;
}

const KB = 1024;
const TEXT_LIMIT_BYTES = 150 * KB;
const RICH_LIMIT_BYTES = 30 * KB;
const MAX_CARD_ELEMENTS = 200;
const V2_REMOVED_TAGS = new Set(["note", "action"]);
const FILE_MESSAGE_TYPES = new Set(["file", "audio", "media"]);
const MESSAGE_TYPES = new Set([
  "text",
  "post",
  "image",
  "file",
  "audio",
  "media",
  "sticker",
  "interactive",
  "share_chat",
  "share_user",
]);

/**
 * Checks a message `content` string for `msg_type` as Lark's send/reply/patch APIs do and returns it parsed.
 * Throws the LarkApiError Lark would answer: 230001 bad shape or unknown key, 230025 too long, 230099 card errors.
 */
export function validateContent(msgType: string, content: string, known: KnownResources): ValidatedContent {
  if (!MESSAGE_TYPES.has(msgType)) throw larkErrors.invalidParam(`unsupported msg_type ${msgType}`);
  const bytes = Buffer.byteLength(content, "utf8");
  if (msgType === "text" && bytes > TEXT_LIMIT_BYTES) throw larkErrors.contentTooLong("150 KB");
  if ((msgType === "post" || msgType === "interactive") && bytes > RICH_LIMIT_BYTES) {
    throw larkErrors.contentTooLong("30 KB");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    if (msgType === "interactive") {
      throw larkErrors.cardInvalid(200621, "parse card json err, please check whether the card json is correct");
    }
    throw larkErrors.invalidParam("invalid content, content is not a JSON string");
  }
  if (msgType === "interactive") return { parsed, sharedCard: validateCard(parsed, known).sharedCard };
  validateMessageBody(msgType, parsed, known);
  return { parsed, sharedCard: false };
}

/** Checks a card object (1.0 or 2.0 JSON); throws 230099 with Lark's sub-code in the message. */
export function validateCard(card: unknown, known: KnownResources): { sharedCard: boolean } {
  if (!isRecord(card)) throw larkErrors.cardInvalid(200621, "card json must be an object");
  if (card.type === "template") throw larkErrors.invalidParam("template cards are not supported by the emulator");
  const isV2 = card.schema === "2.0";
  const config = isRecord(card.config) ? card.config : {};
  const tree = isV2 ? card.body : [card.elements, card.i18n_elements];
  if (isV2 && card.body !== undefined && !(isRecord(card.body) && Array.isArray(card.body.elements))) {
    throw larkErrors.cardInvalid(200621, "body.elements of a 2.0 card must be an array");
  }
  let elements = 0;
  walk(tree, (node) => {
    if (typeof node.tag === "string") {
      elements += 1;
      if (isV2 && V2_REMOVED_TAGS.has(node.tag)) {
        throw larkErrors.cardInvalid(
          200861,
          `cards of schema V2 no longer support this capability; unsupported tag ${node.tag}`,
        );
      }
    }
  });
  if (elements > MAX_CARD_ELEMENTS) throw larkErrors.cardInvalid(11310, `card contains ${elements} elements, max 200`);
  walk(card, (node) => {
    if (typeof node.img_key === "string" && !known.image(node.img_key)) {
      throw larkErrors.cardInvalid(200570, `img_key ${node.img_key} is invalid`);
    }
    // Only markdown parses mentions; plain_text shows `<at …>` as typed.
    if (typeof node.content === "string" && (node.tag === "markdown" || node.tag === "lark_md")) {
      const unknown = cardMentions(node.content).find((id) => id !== "all" && !known.user(id));
      if (unknown !== undefined) {
        throw larkErrors.cardInvalid(
          100290,
          `there is an invalid user resource (at/person) in your card; ErrorValue: ${masked(unknown)}`,
        );
      }
    }
  });
  // Card JSON 2.0 cards are always shared; 1.0 cards only when they say so.
  return { sharedCard: isV2 ? config.update_multi !== false : config.update_multi === true };
}

function validateMessageBody(msgType: string, parsed: unknown, known: KnownResources): void {
  if (!isRecord(parsed)) throw larkErrors.invalidParam("invalid content, content must be a JSON object");
  if (msgType === "text") {
    if (typeof parsed.text !== "string" || parsed.text.trim() === "") {
      throw larkErrors.invalidParam("invalid content, text is required");
    }
    for (const match of parsed.text.matchAll(/<at user_id="([^"]*)"/g)) {
      const id = match[1] ?? "";
      if (id !== "all" && !known.user(id)) throw larkErrors.invalidParam(`invalid at user ${masked(id)}`);
    }
  } else if (msgType === "post") {
    validatePost(parsed, known);
  } else if (msgType === "image") {
    requireKey(parsed.image_key, "image_key", (k) => known.image(k));
  } else if (FILE_MESSAGE_TYPES.has(msgType)) {
    requireKey(parsed.file_key, "file_key", (k) => known.file(k));
  }
}

function validatePost(post: Record<string, unknown>, known: KnownResources): void {
  const locales = Object.values(post);
  if (locales.length === 0) throw larkErrors.invalidParam("invalid content, post needs a locale such as zh_cn");
  for (const body of locales) {
    if (!isRecord(body) || !Array.isArray(body.content) || !body.content.every(Array.isArray)) {
      throw larkErrors.invalidParam('invalid content, post must be {"zh_cn":{"title","content":[[…]]}}');
    }
    walk(body.content, (node) => {
      if (node.tag === "at" && node.user_id !== "all" && !known.user(String(node.user_id))) {
        throw larkErrors.invalidParam(`invalid at user ${masked(String(node.user_id))}`);
      }
      if (node.tag === "img" || node.tag === "media") {
        requireKey(node.image_key ?? node.file_key, "image_key", (k) => known.image(k) || known.file(k));
      }
    });
  }
}

/** The ids a card markdown text @-mentions: `<at id=…>`, `<at ids=a,b>`, `<at email=…>`, `<at user_id="…">`. */
function cardMentions(content: string): string[] {
  const ids: string[] = [];
  for (const match of content.matchAll(/<at\s+(?:id|ids|user_id|open_id|email)=["']?([^"'\s>]+)["']?/g)) {
    ids.push(...(match[1] ?? "").split(","));
  }
  return ids;
}

/** Lark shows an offending id in an error only partly: its first two characters, the rest starred. */
function masked(id: string): string {
  return `${id.slice(0, 2)}${"*".repeat(Math.max(0, id.length - 2))}`;
}

function requireKey(value: unknown, field: string, exists: (key: string) => boolean): void {
  if (typeof value !== "string" || !exists(value)) throw larkErrors.invalidParam(`invalid ${field}`);
}

function walk(value: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
  } else if (isRecord(value)) {
    visit(value);
    for (const child of Object.values(value)) walk(child, visit);
  }
}
