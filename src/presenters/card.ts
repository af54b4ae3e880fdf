import type { CardColor } from "../texts/labels.ts";
/**
 * Card JSON 1.0 (LARK.md section 8). Riqing patches its cards in place, so every card is shared (`update_multi`):
 * all members see the same, latest version.
 */

/** Header colours Lark offers (the vocabulary is the domain's: status colours are chosen there). */
export type HeaderTemplate = CardColor;

/** Any card component: Lark tells them apart by `tag`. */
export interface CardElement {
  tag: string;
  [field: string]: unknown;
}

/** A text object inside a component. */
export interface CardText {
  tag: "plain_text" | "lark_md";
  content: string;
}

/** A complete 1.0 card, ready to be JSON-encoded as message content. */
export interface Card {
  config: { wide_screen_mode: true; update_multi: true };
  header?: { title: CardText; template: HeaderTemplate };
  elements: CardElement[];
}

/** An element, or a falsy placeholder for one left out (`cond && markdown(...)`). */
export type MaybeElement = CardElement | null | undefined | false | "";

/** What `card()` takes. */
export interface CardInput {
  header?: { title: string; template?: HeaderTemplate };
  elements: readonly MaybeElement[];
}

/** Builds a shared 1.0 card; falsy elements are dropped so presenters can write `cond && markdown(...)`. */
export function card(input: CardInput): Card {
  const elements = input.elements.filter((e): e is CardElement => Boolean(e));
  const built: Card = { config: { wide_screen_mode: true, update_multi: true }, elements };
  if (input.header) {
    built.header = { title: plainText(input.header.title), template: input.header.template ?? "blue" };
  }
  return built;
}

/** A plain text object (no markdown interpretation). */
export function plainText(content: string): CardText {
  return { tag: "plain_text", content };
}

/** A lark_md text object. */
export function larkMd(content: string): CardText {
  return { tag: "lark_md", content };
}
