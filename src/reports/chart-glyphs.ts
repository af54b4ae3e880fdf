/**
 * Text of the charts as outlines: each character's glyph is taken once per process from the bundled Noto Sans Hans
 * files (chart-font.ts) and kept, and every <text> element of a chart's SVG is replaced by the outlines of its
 * characters, so the SVG has no <text> left and rasterizes without any font. The same advances measure text for
 * ECharts' layout (chart.ts), so what ECharts lays out is what is drawn.
 *
 * resvg lays text out again for every text element of every SVG it parses, and with these large CJK fonts that costs
 * milliseconds per element — most of a chart's time when the SVG held its text as text. Here resvg converts each new
 * character once (its `toString()` gives the SVG with text turned into paths); a chart only places paths. The PNG
 * goes one step further (splitText, drawText): resvg rasterizes the SVG without its text, and each glyph is blended
 * in from its outline's coverage, rasterized once per size and quarter-pixel position and kept.
 */
import { Resvg } from "@resvg/resvg-js";
import { CHART_FONT_FAMILY, chartFontFiles } from "./chart-font.ts";

/** Glyphs are taken at this size: coordinates in thousandths of an em. */
const UNITS = 1000;
/** Each character is converted on a row of its own, this far apart, so its outline is told apart by its position. */
const ROW = 4 * UNITS;
/**
 * A reference character without kerning, to measure advances (see loadGlyphs): "丨" (U+4E28), written as an escape
 * because it is a tool, not a word anybody reads (the texts room holds the words).
 */
const FENCE = "\u4e28";
/**
 * How far below `y` the baseline sits, in em, for each SVG dominant-baseline, as resvg places them with Noto Sans
 * Hans (ascender 0.88 em, descender 0.12 em): "central" centres the em box on `y`, "text-before-edge" hangs it from
 * `y`, "ideographic" stands it on `y`.
 */
const BASELINE_SHIFT: Readonly<Record<string, number>> = {
  central: 0.38,
  middle: 0.27,
  mathematical: 0.44,
  hanging: 0.7,
  "text-before-edge": 0.88,
  ideographic: -0.12,
  "text-after-edge": -0.12,
  alphabetic: 0,
  auto: 0,
};

/** Printable ASCII: loaded all at once when one of them is asked for alone (see loadGlyphs). */
const ASCII = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join("");

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

/** SVG text's character and entity references resolved. */
function unescapeXml(text: string): string {
  const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  return text.replace(/&(#x[\da-f]+|#\d+|\w+);/gi, (ref, name: string) => {
    if (name[0] !== "#") return named[name] ?? ref;
    return String.fromCodePoint(Number.parseInt(name.slice(name[1] === "x" ? 2 : 1), name[1] === "x" ? 16 : 10));
  });
}

/** Control characters have no glyph (and may not appear in XML): they are drawn as nothing. */
function isControl(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  return cp < 0x20 || cp === 0x7f;
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
  // Only the file of the weight asked for (chartFontFiles: regular, then bold): half the font data to read per pass.
  const fontFiles = [chartFontFiles()[weight === "bold" ? 1 : 0] ?? ""];
  const converted = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles, defaultFontFamily: CHART_FONT_FAMILY },
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
 * advance: the width of "丨c丨" less that of "丨丨"). A printable ASCII character asked for alone brings all of them:
 * ECharts measures those one by one for its table of widths (when it truncates a text), and one pass is far cheaper
 * than ninety-five.
 */
export function loadGlyphs(text: string, weight: Weight): void {
  const alone = text.length === 1 && ASCII.includes(text) && !glyphs.has(keyOf(text, weight));
  const asked = alone ? ASCII : text;
  const missing = [...new Set(asked)].filter((ch) => !glyphs.has(keyOf(ch, weight)));
  for (const ch of missing.filter(isControl)) glyphs.set(keyOf(ch, weight), { d: "", advance: 0 });
  if (missing.every(isControl)) return;
  const ideographs = missing.filter(isIdeograph);
  const others = missing.filter((ch) => !isIdeograph(ch) && !isControl(ch));
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
  loadGlyphs(text, weight);
  let advance = 0;
  for (const ch of text) advance += glyphs.get(keyOf(ch, weight))?.advance ?? 0;
  return (advance * size) / UNITS;
}

/** How a text is placed: `x` is its start, middle or end (`anchor`); `y` is where `baseline` puts it. */
interface TextPlacement {
  x: number;
  y: number;
  size: number;
  weight: Weight;
  anchor: string;
  baseline: string;
  /** Transform of the text element, applied after the placement. */
  transform: string;
  /** Other presentation attributes of the text element (fill, stroke…), as written in it. */
  attributes: [string, string][];
}

/**
 * `text` as an SVG group of glyph outlines. The group's aria-label keeps the words (for tests and for anyone
 * reading the SVG).
 */
function textSvg(text: string, place: TextPlacement): string {
  const width = measureText(text, place.size, place.weight);
  const start = place.anchor === "end" ? place.x - width : place.anchor === "middle" ? place.x - width / 2 : place.x;
  const scale = place.size / UNITS;
  const paths: string[] = [];
  let pen = 0;
  for (const ch of text) {
    const glyph = glyphs.get(keyOf(ch, place.weight));
    if (glyph?.d) paths.push(`<path transform="translate(${pen} 0)" d="${glyph.d}"/>`);
    pen += glyph?.advance ?? 0;
  }
  const baseline = place.y + (BASELINE_SHIFT[place.baseline] ?? 0) * place.size;
  // The outlines are drawn at 1000 units per em: a stroke width is scaled to match.
  const attributes = place.attributes.map(([name, value]) =>
    name === "stroke-width" ? ` ${name}="${round(Number.parseFloat(value) / scale)}"` : ` ${name}="${value}"`,
  );
  const transform = `${place.transform} translate(${round(start)} ${round(baseline)}) scale(${scale})`.trim();
  return (
    `<g aria-label="${escapeXml(text).replace(/"/g, "&quot;")}"${attributes.join("")} ` +
    `transform="${transform}">${paths.join("")}</g>`
  );
}

/** Size in px and weight of a CSS font shorthand, as ECharts writes it ("bold 14px sans-serif"). */
export function parseFont(font: string): { size: number; weight: Weight } {
  const size = Number(/(\d+(?:\.\d+)?)px/.exec(font)?.[1] ?? 12);
  return { size, weight: isBold(/\b(bold(?:er)?|[6-9]00)\b/.exec(font)?.[1]) ? "bold" : "normal" };
}

function isBold(weight: string | undefined): boolean {
  return weight !== undefined && (weight.startsWith("bold") || Number(weight) >= 600);
}

/** Attributes of a text element that its outlines take care of; any other attribute is kept on the outlines. */
const TEXT_ATTRIBUTES = new Set([
  "x",
  "y",
  "transform",
  "text-anchor",
  "dominant-baseline",
  "style",
  "font-size",
  "font-weight",
  "font-family",
  "font-style",
  "xml:space",
]);

/** The placement of each <text> element of `svg`, as ECharts writes them, in the order of `replace`'s callback. */
function eachText(svg: string, place: (placement: TextPlacement & { text: string }) => string): string {
  const replaced = svg.replace(/<text\b([^>]*)>([^<]*)<\/text>/g, (_, attrs: string, content: string) => {
    const attributes = new Map([...attrs.matchAll(/([\w:-]+)="([^"]*)"/g)].map((m) => [m[1] ?? "", m[2] ?? ""]));
    const style = new Map(
      (attributes.get("style") ?? "")
        .split(";")
        .map((rule) => rule.split(":").map((part) => part.trim()))
        .filter((rule): rule is [string, string] => rule.length === 2),
    );
    const font = parseFont(style.get("font") ?? "");
    const size = style.get("font-size") ?? attributes.get("font-size");
    const weight = style.get("font-weight") ?? attributes.get("font-weight");
    let text = unescapeXml(content);
    if (attributes.get("xml:space") !== "preserve") text = text.replace(/\s+/g, " ").trim();
    return place({
      text,
      x: Number(attributes.get("x") ?? 0),
      y: Number(attributes.get("y") ?? 0),
      size: size === undefined ? font.size : Number.parseFloat(size),
      weight: weight === undefined ? font.weight : isBold(weight) ? "bold" : "normal",
      anchor: attributes.get("text-anchor") ?? "start",
      baseline: attributes.get("dominant-baseline") ?? "auto",
      transform: attributes.get("transform") ?? "",
      attributes: [...attributes].filter(([name]) => !TEXT_ATTRIBUTES.has(name)),
    });
  });
  if (/<text\b/.test(replaced)) throw new Error("the chart's SVG has a text element that cannot be outlined");
  return replaced;
}

/**
 * `svg` with every <text> element replaced by the outlines of its characters: placed at its x and y after its
 * transform, by its text-anchor and dominant-baseline, at its font size and weight (from its attributes or its
 * style), with its fill and other presentation attributes. Text elements are expected as ECharts writes them: one
 * line of characters, no child elements; any other <text> left over is an error rather than a silent blank.
 */
export function outlineText(svg: string): string {
  return eachText(svg, ({ text, ...place }) => textSvg(text, place));
}

/** A line of text to draw into pixels: where each glyph's origin is, in CSS pixels, and its colour. */
export interface PlacedText {
  glyphs: { key: string; x: number }[];
  /** Baseline, in CSS pixels. */
  y: number;
  size: number;
  /** Fill colour, red, green, blue. */
  rgb: [number, number, number];
}

/**
 * `svg` without its <text> elements, and those texts placed as glyphs for {@link drawText}: the same placement as
 * {@link outlineText}. Texts are expected as ECharts writes the charts': filled with a #rrggbb colour, moved by a
 * translate() at most; any other is an error.
 */
export function splitText(svg: string): { svg: string; texts: PlacedText[] } {
  const texts: PlacedText[] = [];
  const rest = eachText(svg, ({ text, ...place }) => {
    const moved = /^(?:translate\((-?[\d.]+)[ ,]+(-?[\d.]+)\))?$/.exec(place.transform.trim());
    const fill = place.attributes.length === 1 && place.attributes[0]?.[0] === "fill" ? place.attributes[0][1] : "";
    const hex = /^#([\da-f]{2})([\da-f]{2})([\da-f]{2})$/i.exec(fill);
    if (!moved || !hex) throw new Error(`the chart's text "${text}" cannot be drawn as glyphs`);
    const dx = Number(moved[1] ?? 0);
    const dy = Number(moved[2] ?? 0);
    const width = measureText(text, place.size, place.weight);
    const start = place.anchor === "end" ? place.x - width : place.anchor === "middle" ? place.x - width / 2 : place.x;
    const scale = place.size / UNITS;
    const glyphsOfText: PlacedText["glyphs"] = [];
    let pen = 0;
    for (const ch of text) {
      const key = keyOf(ch, place.weight);
      const glyph = glyphs.get(key);
      if (glyph?.d) glyphsOfText.push({ key, x: dx + start + pen * scale });
      pen += glyph?.advance ?? 0;
    }
    texts.push({
      glyphs: glyphsOfText,
      y: dy + place.y + (BASELINE_SHIFT[place.baseline] ?? 0) * place.size,
      size: place.size,
      rgb: [1, 2, 3].map((i) => Number.parseInt(hex[i] ?? "0", 16)) as [number, number, number],
    });
    return "";
  });
  return { svg: rest, texts };
}

/** Coverage of one glyph at one size and sub-pixel offset, trimmed to its ink: `left`, `top` from the pen position. */
interface Mask {
  left: number;
  top: number;
  width: number;
  height: number;
  alpha: Uint8Array;
}

const masks = new Map<string, Mask>();
/**
 * Masks kept at most (each a few hundred bytes): a city's names use a few thousand glyph, size and offset triples;
 * past the bound the oldest go first, so a long-running bot's cache stays a few megabytes.
 */
const MAX_MASKS = 10_000;
/** Glyph positions are rounded to this fraction of a device pixel: a glyph has at most 16 masks per size. */
const SUBPIXEL = 4;

/** The coverage of `key`'s outline at `px` pixels per em, its origin `fx`, `fy` pixels into its first pixel. */
function maskOf(key: string, px: number, fx: number, fy: number): Mask {
  const id = `${key}|${px}|${fx}|${fy}`;
  const cached = masks.get(id);
  if (cached) return cached;
  // Room for any glyph of these fonts: 0.25 em left of the pen to 1.5 em right, 1.2 em above the baseline to 0.4 below.
  const left = Math.ceil(px * 0.25) + 1;
  const top = Math.ceil(px * 1.2) + 1;
  const width = left + Math.ceil(px * 1.5) + 1;
  const height = top + Math.ceil(px * 0.4) + 1;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<path transform="translate(${left + fx} ${top + fy}) scale(${px / UNITS})" d="${glyphs.get(key)?.d ?? ""}"/></svg>`;
  const rgba = new Resvg(svg, { font: { loadSystemFonts: false }, shapeRendering: 2, logLevel: "off" }).render().pixels;
  // Trimmed to the rows and columns with ink.
  const inked = (x: number, y: number) => (rgba[(y * width + x) * 4 + 3] ?? 0) > 0;
  const xs = Array.from({ length: width }, (_, x) => x);
  const ys = Array.from({ length: height }, (_, y) => y);
  const columns = xs.filter((x) => ys.some((y) => inked(x, y)));
  const rows = ys.filter((y) => xs.some((x) => inked(x, y)));
  const x0 = columns[0] ?? 0;
  const y0 = rows[0] ?? 0;
  const mask: Mask = {
    left: x0 - left,
    top: y0 - top,
    width: columns.length ? (columns.at(-1) ?? 0) - x0 + 1 : 0,
    height: rows.length ? (rows.at(-1) ?? 0) - y0 + 1 : 0,
    alpha: new Uint8Array(0),
  };
  mask.alpha = Uint8Array.from({ length: mask.width * mask.height }, (_, i) => {
    const x = x0 + (i % mask.width);
    const y = y0 + Math.floor(i / mask.width);
    return rgba[(y * width + x) * 4 + 3] ?? 0;
  });
  if (masks.size >= MAX_MASKS) masks.delete(masks.keys().next().value as string);
  masks.set(id, mask);
  return mask;
}

/**
 * Draws `texts` into opaque RGBA `pixels` (`width` wide) at `ratio` device pixels per CSS pixel: each glyph's outline
 * is rasterized by resvg once per size and quarter-pixel offset and kept, then blended in with its text's colour.
 * resvg lays out and fills every glyph path of every chart again, which was a third of a chart's rasterizing.
 */
export function drawText(pixels: Uint8Array, width: number, texts: readonly PlacedText[], ratio: number): void {
  const height = pixels.length / 4 / width;
  for (const { glyphs: placed, y, size, rgb } of texts) {
    const px = size * ratio;
    const top = y * ratio;
    const row = Math.floor(top);
    const fy = Math.round((top - row) * SUBPIXEL) / SUBPIXEL;
    for (const { key, x } of placed) {
      const left = x * ratio;
      const column = Math.floor(left);
      const mask = maskOf(key, px, Math.round((left - column) * SUBPIXEL) / SUBPIXEL, fy);
      for (let my = 0; my < mask.height; my++) {
        const py = row + mask.top + my;
        if (py < 0 || py >= height) continue;
        for (let mx = 0; mx < mask.width; mx++) {
          const a = mask.alpha[my * mask.width + mx] ?? 0;
          const pxX = column + mask.left + mx;
          if (a === 0 || pxX < 0 || pxX >= width) continue;
          const o = (py * width + pxX) * 4;
          const keep = 255 - a;
          pixels[o] = (rgb[0] * a + (pixels[o] ?? 0) * keep + 127) / 255;
          pixels[o + 1] = (rgb[1] * a + (pixels[o + 1] ?? 0) * keep + 127) / 255;
          pixels[o + 2] = (rgb[2] * a + (pixels[o + 2] ?? 0) * keep + 127) / 255;
        }
      }
    }
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
