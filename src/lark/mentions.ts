/**
 * @-mentions inside outgoing message content, as Lark parses them: `<at user_id="ou_…"></at>` in text messages and
 * `<at id=ou_…></at>` in card markdown. One mention Lark does not know makes it refuse the whole message, so the
 * outbox turns mentions of people it cannot vouch for into their plain names before sending.
 */
import { escapeMarkdown } from "../texts/escape.ts";
import { UNKNOWN_MENTION_NAME } from "../texts/lark.ts";

const TEXT_MENTION = /<at user_id="([^"]*)">([^<]*)<\/at>/g;
const CARD_MENTION = /<at (?:id|user_id)=["']?([^"'\s>]+)["']?\s*>([^<]*)<\/at>/g;

/** The open_ids a message mentions (not @所有人), in order, once each. */
export function mentionedIds(msgType: string, content: string): string[] {
  const ids = new Set<string>();
  const pattern = msgType === "text" ? TEXT_MENTION : CARD_MENTION;
  forEachString(safeParse(content), (text) => {
    for (const match of text.matchAll(pattern)) if (match[1] && match[1] !== "all") ids.add(match[1]);
  });
  return [...ids];
}

/**
 * The content with every mention `keep` refuses replaced by "@名字" (the name from `nameOf`, or the text inside the
 * tag, escaped for the format); other mentions and everything else unchanged. Content that is not JSON is returned
 * as it is.
 */
export function withoutMentions(
  msgType: string,
  content: string,
  keep: (openId: string) => boolean,
  nameOf: (openId: string) => string | undefined,
): string {
  const parsed = safeParse(content);
  if (parsed === undefined) return content;
  const pattern = msgType === "text" ? TEXT_MENTION : CARD_MENTION;
  const plain = (name: string) => (msgType === "text" ? `@${name}` : `@${escapeMarkdown(name)}`);
  const rewritten = visitStrings(parsed, (text) =>
    text.replace(pattern, (tag, id: string, inner: string) =>
      id === "all" || keep(id) ? tag : plain(nameOf(id) || inner || UNKNOWN_MENTION_NAME),
    ),
  );
  return JSON.stringify(rewritten);
}

function safeParse(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    return undefined;
  }
}

/** Calls `visit` with every string of a JSON value; copies nothing. */
function forEachString(value: unknown, visit: (text: string) => void): void {
  if (typeof value === "string") visit(value);
  else if (Array.isArray(value)) for (const item of value) forEachString(item, visit);
  else if (value !== null && typeof value === "object")
    for (const item of Object.values(value)) forEachString(item, visit);
}

/** A copy of a JSON value with every string passed through `change`. */
function visitStrings(value: unknown, change: (text: string) => string): unknown {
  if (typeof value === "string") return change(value);
  if (Array.isArray(value)) return value.map((item) => visitStrings(item, change));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visitStrings(v, change)]));
  }
  return value;
}
