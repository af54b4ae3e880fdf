/**
 * Text of the digest charts as outlines: each character's glyph is taken once per process from the bundled Noto Sans
 * Hans files (chart-font.ts) and kept, so a chart's SVG has no <text> left and rasterizes without any font.
 *
 * resvg lays text out again for every text element of every SVG it parses, and with these large CJK fonts that costs
 * milliseconds per element — most of a chart's time when the SVG held its text as text. Here resvg converts each new
 * character once (its `toString()` gives the SVG with text turned into paths); a chart only places paths.
 */
import { Resvg } from "@resvg/resvg-js";
import { CHART_FONT_FAMILY, chartFontFiles } from "./chart-font.ts";

/** Glyphs are taken at this size: coordinates in thousandths of an em. */
const UNITS = 1000;
/** Each character is converted on a row of its own, this far apart, so its outline is told apart by its position. */
const ROW = 4 * UNITS;
/**
 * A reference character without kerning, to measure advances (see load): U+4E28 (the CJK stroke 丨), written as an
 * escape because it is a glyph the user never reads, not wording for the texts room.
 */
const FENCE = "\u4e28";
/**
 * The baseline sits this far below the centre of the em box (ascender 0.88 em, descender 0.12 em in Noto Sans CJK):
 * text centred on a line, as SVG's dominant-baseline "central" does.
 */
const CENTRAL = 0.38;

export type Weight = "normal" | "bold";

interface Glyph {
  /** Outline at {@link UNITS} per em, origin on the baseline at the pen position; "" for a blank (a space). */
  d: string;
  /** Advance width in units. */
  advance: number;
}

const glyphs = new Map<string, Glyph>();
const keyOf = (ch: string, weight: Weight) => `${weight}:${ch}`;

/** Characters are escaped for SVG text. */
function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** One closed part of an outline (from an M to the next), with its horizontal extent. */
interface Subpath {
  d: string;
  minX: number;
  maxX: number;
}

/** `d` moved by (dx, dy); resvg writes absolute commands (M, L, Q, C, Z), so the numbers are x, y pairs. */
function shift(d: string, dx: number, dy: number): Subpath {
  let minX = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let index = 0;
  const moved = d.replace(/-?[\d.]+(?:e-?\d+)?/g, (n) => {
    const isY = index++ % 2 === 1;
    const value = Math.round((Number(n) + (isY ? dy : dx)) * 100) / 100;
    if (!isY) {
      minX = Math.min(minX, value);
      maxX = Math.max(maxX, value);
    }
    return String(value);
  });
  return { d: moved, minX, maxX };
}

/**
 * The outlines resvg makes of `texts` (one text element per row, starting at x = 0), as the subpaths of each row with
 * the row's baseline moved to y = 0.
 */
function outlines(texts: readonly string[], weight: Weight): Subpath[][] {
  const rows = texts.map((text, i) => {
    const y = (i + 1) * ROW;
    return `<text x="0" y="${y}" font-size="${UNITS}" font-weight="${weight}" xml:space="preserve">${escapeXml(text)}</text>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${UNITS}" height="${(texts.length + 1) * ROW}">${rows.join("")}</svg>`;
  const converted = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: chartFontFiles(), defaultFontFamily: CHART_FONT_FAMILY },
    logLevel: "off",
  }).toString();
  const found: Subpath[][] = texts.map(() => []);
  for (const [, d = ""] of converted.matchAll(/<path[^>]* d="([^"]*)"/g)) {
    for (const part of d.split(/(?=M)/)) {
      const y = Number(/^M\s*-?[\d.]+\s+(-?[\d.]+)/.exec(part)?.[1]);
      const row = Math.round(y / ROW) - 1;
      found[row]?.push(shift(part, 0, -(row + 1) * ROW));
    }
  }
  return found;
}

/** The extent of some subpaths: where the ink of a row starts and ends. */
function extent(parts: readonly Subpath[]): { minX: number; maxX: number } {
  return {
    minX: Math.min(...parts.map((p) => p.minX)),
    maxX: Math.max(0, ...parts.map((p) => p.maxX)),
  };
}

/**
 * CJK ideographs: one em wide in Noto Sans CJK and drawn inside their em square, so a row of them is cut into
 * glyphs by position alone — all of them in one text element, the cheapest way through resvg.
 */
function isIdeograph(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  return (cp >= 0x3400 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3134f);
}

/**
 * Makes sure every character of `text` has its glyph in `weight`; the missing ones are converted in one pass:
 * ideographs in one row, cut by position; any other character alone (its outline) and between two fences (its
 * advance: the width of "丨c丨" less that of "丨丨").
 */
function load(text: string, weight: Weight): void {
  const missing = [...new Set(text)].filter((ch) => !glyphs.has(keyOf(ch, weight)));
  if (missing.length === 0) return;
  const ideographs = missing.filter(isIdeograph);
  const others = missing.filter((ch) => !isIdeograph(ch));
  const fences = others.length > 0 ? [FENCE + FENCE] : [];
  const [row = [], fence = [], ...rest] = outlines(
    [ideographs.join(""), ...fences, ...others.flatMap((ch) => [ch, FENCE + ch + FENCE])],
    weight,
  );
  ideographs.forEach((ch, i) => {
    const own = row.filter((p) => Math.floor((p.minX + p.maxX) / 2 / UNITS) === i);
    glyphs.set(keyOf(ch, weight), { d: own.map((p) => shift(p.d, -i * UNITS, 0).d).join(""), advance: UNITS });
  });
  const fenceWidth = extent(fence).maxX;
  others.forEach((ch, i) => {
    const shape = rest[2 * i] ?? [];
    const fenced = rest[2 * i + 1] ?? [];
    glyphs.set(keyOf(ch, weight), {
      d: shape.map((p) => p.d).join(""),
      advance: fenced.length ? extent(fenced).maxX - fenceWidth : 0,
    });
  });
}

/** Width of `text` in px at `size`. */
export function measureText(text: string, size: number, weight: Weight = "normal"): number {
  load(text, weight);
  let advance = 0;
  for (const ch of text) advance += glyphs.get(keyOf(ch, weight))?.advance ?? 0;
  return (advance * size) / UNITS;
}

/** How a text is placed: `x` is its start, middle or end; `y` the centre of its line. */
export interface TextPlacement {
  x: number;
  y: number;
  size: number;
  weight?: Weight;
  anchor?: "start" | "middle" | "end";
  fill: string;
}

/**
 * `text` as an SVG group of glyph outlines. The group's aria-label keeps the words (for tests and for anyone
 * reading the SVG).
 */
export function textSvg(text: string, place: TextPlacement): string {
  const weight = place.weight ?? "normal";
  const width = measureText(text, place.size, weight);
  const start = place.anchor === "end" ? place.x - width : place.anchor === "middle" ? place.x - width / 2 : place.x;
  const scale = place.size / UNITS;
  const paths: string[] = [];
  let pen = 0;
  for (const ch of text) {
    const glyph = glyphs.get(keyOf(ch, weight));
    if (glyph?.d) paths.push(`<path transform="translate(${pen} 0)" d="${glyph.d}"/>`);
    pen += glyph?.advance ?? 0;
  }
  const baseline = place.y + CENTRAL * place.size;
  return (
    `<g aria-label="${escapeXml(text).replace(/"/g, "&quot;")}" fill="${place.fill}" ` +
    `transform="translate(${round(start)} ${round(baseline)}) scale(${scale})">${paths.join("")}</g>`
  );
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
