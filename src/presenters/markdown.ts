import { type CardElement, larkMd, plainText } from "./card.ts";

/** A markdown block. Escape user-written text with texts/escape.ts `escapeMarkdown` before putting it in. */
export function markdown(content: string): CardElement {
  return { tag: "markdown", content };
}

/** A mention of one user inside card markdown. */
export function mention(openId: string): string {
  return `<at id=${openId}></at>`;
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

/** An image from an uploaded image key (see `ImageKeys`). */
export function image(imgKey: string, alt: string): CardElement {
  return { tag: "img", img_key: imgKey, alt: plainText(alt) };
}

/**
 * Several images side by side, two or three to a row (Lark's 多图混排 holds up to nine: `MAX_GRID_IMAGES`); one image
 * is shown whole.
 */
export function imageGrid(imgKeys: readonly string[], alt: string): CardElement {
  if (imgKeys.length === 1) return image(imgKeys[0] ?? "", alt);
  return {
    tag: "img_combination",
    combination_mode: imgKeys.length === 2 ? "bisect" : "trisect",
    img_list: imgKeys.slice(0, MAX_GRID_IMAGES).map((img_key) => ({ img_key })),
  };
}

/** The most images one `imageGrid` shows. */
export const MAX_GRID_IMAGES = 9;

/** A grey footnote line. */
export function note(text: string): CardElement {
  return { tag: "note", elements: [plainText(text)] };
}

/** A horizontal divider. */
export function hr(): CardElement {
  return { tag: "hr" };
}
