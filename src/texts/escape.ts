/**
 * User-written text inside what the bot sends: one escaping function per output format, used for every echo of user
 * text (reasons, comments, 审阅意见, descriptions, names). The bot sends text messages and cards; it sends no posts,
 * whose text nodes Lark shows literally anyway.
 */

/** What Lark's text messages parse (`<at …>`, `<b>`, `[文字](链接)`, entities), each with a full-width look-alike. */
const TEXT_ACTIVE: Readonly<Record<string, string>> = { "<": "＜", ">": "＞", "[": "［", "]": "］", "&": "＆" };

/**
 * Makes user-written text safe inside a text message — the one escaping function for text messages, used for every
 * echo of user text (reasons, comments, 审阅意见, names). Tags, links and entities lose the characters Lark parses
 * them by, so a typed `<at user_id="all">` reads as typed and notifies nobody. Cards use `escapeMarkdown`.
 */
export function escapeText(text: string): string {
  return text.replace(/[<>[\]&]/g, (c) => TEXT_ACTIVE[c] ?? c);
}

/** Characters card markdown gives a meaning to: formatting, links, mentions, emoji (`:OK:`), entities, lists. */
const MARKDOWN_ACTIVE = /[&<>*_~`[\]()#|\\:!+\-$"']/g;
/** A bare URL as Lark's markdown would auto-link it: ASCII up to the first space, bracket or non-ASCII character. */
const BARE_URL = /https?:\/\/[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+/g;
/** Punctuation that ends a sentence rather than a URL ("见 http://a.cn/x。" or "…/x,"). */
const URL_TAIL = /[.,;:!?'*]+$/;

function entities(text: string): string {
  return text.replace(MARKDOWN_ACTIVE, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Makes user-written text safe inside card markdown — the one escaping function for card markdown, used for every
 * echo of user text (descriptions, reasons, comments, names). Every character markdown gives a meaning to becomes an
 * HTML entity, so `<at id=all></at>`, `<at email=…>`, `[链接](…)`, `:OK:`, `**`, `~~`, `&lt;` render literally and
 * notify nobody. A bare URL becomes an explicit link whose target is exactly the URL, so Chinese right after it stays
 * text instead of being swallowed into the link.
 */
export function escapeMarkdown(text: string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(BARE_URL)) {
    const url = match[0].replace(URL_TAIL, "");
    if (!/^https?:\/\/[^/?#]/.test(url)) continue;
    out += entities(text.slice(last, match.index));
    const href = url.replace(/[*_~'!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    out += `[${entities(url)}](${href})`;
    last = match.index + url.length;
  }
  return out + entities(text.slice(last));
}
