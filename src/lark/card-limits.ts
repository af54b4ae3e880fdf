/** Lark refuses card content over 30 KB (LARK.md section 6). */
export const CARD_MAX_BYTES = 30 * 1024;

/** Lark refuses cards with more than 200 components (230099, sub-code 11310). */
export const CARD_MAX_ELEMENTS = 200;

/** Text objects are parts of components, not components. */
const TEXT_TAGS = new Set(["plain_text", "lark_md"]);

/** A card Lark would refuse, caught before the call. */
export class CardLimitError extends Error {
  override readonly name = "CardLimitError";
  constructor(
    message: string,
    readonly bytes: number,
    readonly elements: number,
  ) {
    super(message);
  }
}

/** The size and component count Lark measures for a card (an object or its JSON string). */
export function measureCard(card: unknown): { bytes: number; elements: number } {
  const json = typeof card === "string" ? card : JSON.stringify(card);
  const parsed: unknown = typeof card === "string" ? JSON.parse(card) : card;
  return { bytes: Buffer.byteLength(json, "utf8"), elements: countComponents(parsed) };
}

/** Throws `CardLimitError` when a card is over 30 KB of JSON or has more than 200 components. */
export function assertCardWithinLimits(card: unknown): void {
  const { bytes, elements } = measureCard(card);
  if (bytes > CARD_MAX_BYTES) {
    throw new CardLimitError(`card is ${bytes} bytes, over Lark's ${CARD_MAX_BYTES}`, bytes, elements);
  }
  if (elements > CARD_MAX_ELEMENTS) {
    throw new CardLimitError(`card has ${elements} components, over Lark's ${CARD_MAX_ELEMENTS}`, bytes, elements);
  }
}

function countComponents(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((n: number, child) => n + countComponents(child), 0);
  if (typeof node !== "object" || node === null) return 0;
  const own = "tag" in node && typeof node.tag === "string" && !TEXT_TAGS.has(node.tag) ? 1 : 0;
  return own + Object.values(node).reduce((n: number, child) => n + countComponents(child), 0);
}
