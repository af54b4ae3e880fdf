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
/** A reference character without kerning: the advance of `c` is the width of "丨c丨" less that of "丨丨". */
const FENCE = "丨";
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

/** The outlines of the SVG resvg made of `texts` (one text element per row), shifted to each row's origin. */
function outlines(texts: readonly string[], weight: Weight): { d: string; minX: number; maxX: number }[] {
  const rows = texts.map((text, i) => {
    const y = (i + 1) * ROW;
    return `<text x="0" y="${y}" font-size="${UNITS}" font-weight="${weight}" xml:space="preserve">${escapeXml(text)}</text>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${UNITS}" height="${(texts.length + 1) * ROW}">${rows.join("")}</svg>`;
  const converted = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: chartFontFiles(), defaultFontFamily: CHART_FONT_FAMILY },
    logLevel: "off",
  }).toString();
  const found = texts.map(() => ({ d: "", minX: Number.POSITIVE_INFINITY, maxX: Number.NEGATIVE_INFINITY }));
  for (const [, d] of converted.matchAll(/<path[^>]* d="([^"]*)"/g)) {
    const numbers = [...(d ?? "").matchAll(/-?[\d.]+(?:e-?\d+)?/g)].map((m) => Number(m[0]));
    const row = Math.round((numbers[1] ?? 0) / ROW) - 1;
    const entry = found[row];
    if (!entry) continue;
    const offset = (row + 1) * ROW;
    let index = 0;
    const shifted = (d ?? "").replace(/-?[\d.]+(?:e-?\d+)?/g, (n) => {
      const value = Number(n);
      const isY = index++ % 2 === 1;
      if (!isY) {
        entry.minX = Math.min(entry.minX, value);
        entry.maxX = Math.max(entry.maxX, value);
      }
      return String(isY ? Math.round((value - offset) * 100) / 100 : value);
    });
    entry.d += shifted;
  }
  return found;
}

/** Makes sure every character of `text` has its glyph in `weight`: the missing ones are converted together. */
function load(text: string, weight: Weight): void {
  const missing = [...new Set(text)].filter((ch) => !glyphs.has(keyOf(ch, weight)));
  if (missing.length === 0) return;
  const [fence, ...rest] = outlines([FENCE + FENCE, ...missing.flatMap((ch) => [ch, FENCE + ch + FENCE])], weight);
  const fenceWidth = fence?.maxX ?? 0;
  missing.forEach((ch, i) => {
    const shape = rest[2 * i];
    const fenced = rest[2 * i + 1];
    glyphs.set(keyOf(ch, weight), { d: shape?.d ?? "", advance: (fenced?.maxX ?? fenceWidth) - fenceWidth });
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
