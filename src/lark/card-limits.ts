/**
 * Lark refuses a card or post whose request is over 30 KB (LARK.md section 6) — measured on the request as sent, where
 * the card JSON is a string inside JSON, so every quote and backslash counts twice. Riqing keeps each card under
 * 24 KB measured that way, leaving room for the rest of the request.
 */
export const CARD_BUDGET_BYTES = 24 * 1024;

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

/**
 * The size a card takes in the request (its JSON as a JSON string: escapes included) and its component count, for a
 * card object or its JSON string.
 */
export function measureCard(card: unknown): { bytes: number; elements: number } {
  const json = typeof card === "string" ? card : JSON.stringify(card);
  const parsed: unknown = typeof card === "string" ? JSON.parse(card) : card;
  return { bytes: Buffer.byteLength(JSON.stringify(json), "utf8"), elements: countComponents(parsed) };
}

/** Throws `CardLimitError` when a card is over the 24 KB budget as sent or has more than 200 components. */
export function assertCardWithinLimits(card: unknown): void {
  const { bytes, elements } = measureCard(card);
  if (bytes > CARD_BUDGET_BYTES) {
    throw new CardLimitError(`card is ${bytes} bytes as sent, over the ${CARD_BUDGET_BYTES} budget`, bytes, elements);
  }
  if (elements > CARD_MAX_ELEMENTS) {
    throw new CardLimitError(`card has ${elements} components, over Lark's ${CARD_MAX_ELEMENTS}`, bytes, elements);
  }
}

/** Whether a card fits the budget and Lark's component limit. */
export function cardFits(card: unknown): boolean {
  const { bytes, elements } = measureCard(card);
  return bytes <= CARD_BUDGET_BYTES && elements <= CARD_MAX_ELEMENTS;
}

/**
 * Splits a list into as few cards as fit: `build(lines, page, pages)` makes one card from some of the lines, and
 * each card takes as many lines as keep it within the limits (at least one). Two passes: the first finds the pages,
 * the second builds them knowing how many there are.
 */
export function pagedCards<C>(
  lines: readonly string[],
  build: (lines: string[], page: number, pages: number) => C,
): C[] {
  if (lines.length === 0) return [build([], 1, 1)];
  const pages: string[][] = [];
  for (let start = 0; start < lines.length; ) {
    // The longest page that fits, found by bisection; "99/99" stands in for the page numbers' width.
    let low = start + 1;
    let high = lines.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (cardFits(build(lines.slice(start, mid), 99, 99))) low = mid;
      else high = mid - 1;
    }
    pages.push(lines.slice(start, low));
    start = low;
  }
  return pages.map((page, i) => build(page, i + 1, pages.length));
}

function countComponents(node: unknown): number {
  if (typeof node !== "object" || node === null) return 0;
  let n = 0;
  if (Array.isArray(node)) {
    for (const child of node) n += countComponents(child);
    return n;
  }
  if ("tag" in node && typeof node.tag === "string" && !TEXT_TAGS.has(node.tag)) n = 1;
  for (const child of Object.values(node)) n += countComponents(child);
  return n;
}
