import { type CardElement, larkMd, plainText } from "./card.ts";

/** A markdown block. Escape user-written text with `escapeMarkdown` before putting it in. */
export function markdown(content: string): CardElement {
  return { tag: "markdown", content };
}

/** A mention of one user inside card markdown. */
export function mention(openId: string): string {
  return `<at id=${openId}></at>`;
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

/** One label/value pair of a `fields` block. */
export interface Field {
  label: string;
  value: string;
  /** Two short fields share a row; default true. */
  short?: boolean;
}

/** A block of label/value pairs (values are markdown). */
export function fields(items: readonly Field[]): CardElement {
  return {
    tag: "div",
    fields: items.map((f) => ({ is_short: f.short ?? true, text: larkMd(`**${f.label}**\n${f.value}`) })),
  };
}

/** An image from an uploaded image key (see `ensureImageKey`). */
export function image(imgKey: string, alt: string): CardElement {
  return { tag: "img", img_key: imgKey, alt: plainText(alt) };
}

/** A grey footnote line. */
export function note(text: string): CardElement {
  return { tag: "note", elements: [plainText(text)] };
}

/** A horizontal divider. */
export function hr(): CardElement {
  return { tag: "hr" };
}
