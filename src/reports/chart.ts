/**
 * Ranking bar chart for the evening digest (日清日报): grids or communities ranked by a rate or a count, rendered
 * server-side to a PNG that can be uploaded to Feishu as an image.
 *
 * Pipeline: the SVG is written here directly (rectangles, dashed lines and text), its text as glyph outlines from the
 * bundled Noto Sans Hans files (chart-glyphs.ts, each character converted once per process) → resvg-js rasterizes it
 * at 2× device scale → sharp encodes the PNG; both on libuv's thread pool, off the event loop. The SVG needs no font to rasterize, so the output does not depend on the
 * machine and Chinese text never turns into tofu boxes.
 */
import { renderAsync } from "@resvg/resvg-js";
import { CHART_EMPTY, chartOmittedNote, FLAG_BADGES, FLAG_LEGENDS } from "../texts/chart.ts";
import { measureText, textSvg } from "./chart-glyphs.ts";

/** One bar of a ranking chart. */
export interface RankingBar {
  /** Grid or community name, shown left of its bar (long names are truncated with "…"). */
  label: string;
  /** A rate in 0..1 (valueFormat "percent") or a count. Non-finite values are drawn as an empty bar labelled "—". */
  value: number;
  /** "red": red flag, an honour for the best (crimson bar); "yellow": yellow card, a warning for the worst. */
  flag?: "red" | "yellow";
}

/** Input of {@link renderRankingChart}. */
export interface RankingChartInput {
  /** Chart title, e.g. "各社区整改率排名". */
  title: string;
  /** Second header line, e.g. the date and the scope. */
  subtitle?: string;
  /**
   * Bars in rank order: the first is drawn at the top with rank 1. Adjacent bars with equal values share a rank
   * (1, 2, 2, 4). At most {@link MAX_RANKING_BARS} are drawn; a footnote says how many were left out.
   */
  bars: RankingBar[];
  /** "percent": values are rates 0..1 labelled "93.5%"; "count": values are labelled as numbers ("1,234"). */
  valueFormat: "percent" | "count";
  /** Legend texts for the flag colours; defaults depend on valueFormat (e.g. "红旗：整改率最高"). */
  flagLabels?: { red?: string; yellow?: string };
  /** Width in CSS pixels (the PNG is twice as wide), at least {@link MIN_CHART_WIDTH}. Default: 720. */
  width?: number;
  /** Height in CSS pixels (the PNG is twice as high). Default: grows with the number of bars. */
  height?: number;
}

/** Most bars a chart shows; the rest are dropped from the bottom of the ranking. */
export const MAX_RANKING_BARS = 30;
/** Default chart width in CSS pixels: fits a phone screen at 2× without downscaling text too much. */
export const DEFAULT_CHART_WIDTH = 720;
/** Narrowest chart drawn; smaller widths are raised to this. */
export const MIN_CHART_WIDTH = 320;
/** Device pixel ratio of the PNG: sharp on high-density phone screens. */
export const CHART_PIXEL_RATIO = 2;

const COLORS = {
  red: "#C8161D",
  yellow: "#F2B200",
  neutral: "#5B8FF9",
  text: "#1F2329",
  textSecondary: "#646A73",
  textMuted: "#8F959E",
  divider: "#E5E6EB",
  background: "#FFFFFF",
} as const;

const PAD_X = 24;
const TITLE_TOP = 20;
const TITLE_SIZE = 20;
const TITLE_LINE = 28;
const SUBTITLE_SIZE = 14;
const SUBTITLE_LINE = 20;
const SUBTITLE_GAP = 6;
const LEGEND_SIZE = 13;
const LEGEND_LINE = 20;
const LABEL_SIZE = 15;
const RANK_SIZE = 14;
const RANK_COL = 30;
const VALUE_SIZE = 14;
const TAG_SIZE = 12;
const TAG_GAP = 6;
const ROW_HEIGHT = 36;
const BAR_THICKNESS = 18;
const AXIS_SIZE = 12;
/** Room under the bars for the value axis labels. */
const AXIS_BAND = 28;
const BOTTOM_PAD = 16;
const FOOTNOTE_LINE = 24;
const EMPTY_HEIGHT = 80;
/** The value axis's dashed lines: dash and gap lengths in px. */
const DASH = 4;
const GAP = 2;

/**
 * Renders a horizontal ranking bar chart as a PNG (2× device scale, white background).
 *
 * The best entry is at the top; bars flagged "red" are crimson, "yellow" ones amber, the rest neutral blue, and a
 * legend under the title explains the colours. Values are labelled at the bar ends.
 */
export async function renderRankingChart(input: RankingChartInput): Promise<Buffer> {
  const [image, { default: sharp }] = await Promise.all([
    renderAsync(renderRankingChartSvg(input), {
      fitTo: { mode: "zoom", value: CHART_PIXEL_RATIO },
      background: COLORS.background,
      font: { loadSystemFonts: false },
      shapeRendering: 2,
      logLevel: "off",
    }),
    import("sharp"),
  ]);
  // sharp's PNG encoder is about twice as fast as resvg's here and its files are a quarter smaller.
  const { width, height } = image;
  return sharp(image.pixels, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
}

/** The SVG that {@link renderRankingChart} rasterizes, at CSS-pixel size; its text is outlines, so it needs no font. */
export function renderRankingChartSvg(input: RankingChartInput): string {
  const width = Math.max(MIN_CHART_WIDTH, Math.round(input.width ?? DEFAULT_CHART_WIDTH));
  const layout = computeLayout(input, width);
  const parts = [
    `<rect width="${width}" height="${layout.height}" fill="${COLORS.background}"/>`,
    ...header(input, layout, width),
    ...(layout.bars.length > 0 ? bars(input, layout, width) : [emptyNote(layout, width)]),
  ];
  if (layout.omitted > 0) {
    parts.push(
      textSvg(chartOmittedNote(input.bars.length, layout.bars.length), {
        x: PAD_X,
        y: layout.height - BOTTOM_PAD - FOOTNOTE_LINE / 2 + 4,
        size: LEGEND_SIZE,
        fill: COLORS.textMuted,
      }),
    );
  }
  return (
    `<svg width="${width}" height="${layout.height}" viewBox="0 0 ${width} ${layout.height}" ` +
    `xmlns="http://www.w3.org/2000/svg">${parts.join("")}</svg>`
  );
}

interface Layout {
  bars: RankingBar[];
  omitted: number;
  legend: { color: string; text: string }[];
  legendTop: number;
  gridTop: number;
  gridHeight: number;
  height: number;
  /** Left edge of the bar area (after rank column and names). */
  gridLeft: number;
  /** Space right of the bar area kept free for the value labels. */
  gridRight: number;
  /** Widest a name may be before it is truncated. */
  nameWidth: number;
}

function computeLayout(input: RankingChartInput, width: number): Layout {
  const bars = input.bars.slice(0, MAX_RANKING_BARS);
  const omitted = input.bars.length - bars.length;
  const labels = flagLabels(input);
  const legend: Layout["legend"] = [];
  if (bars.some((b) => b.flag === "red")) legend.push({ color: COLORS.red, text: labels.red });
  if (bars.some((b) => b.flag === "yellow")) legend.push({ color: COLORS.yellow, text: labels.yellow });

  let y = TITLE_TOP + TITLE_LINE;
  if (input.subtitle) y += SUBTITLE_GAP + SUBTITLE_LINE;
  const legendTop = y + 10;
  if (legend.length > 0) y = legendTop + LEGEND_LINE;
  const gridTop = y + 20;

  const rows = Math.max(bars.length, 1);
  const footer = omitted > 0 ? FOOTNOTE_LINE : 0;
  let gridHeight = bars.length > 0 ? rows * ROW_HEIGHT : EMPTY_HEIGHT;
  const bottom = (bars.length > 0 ? AXIS_BAND : 0) + footer + BOTTOM_PAD;
  let height = gridTop + gridHeight + bottom;
  if (input.height !== undefined) {
    height = Math.round(input.height);
    gridHeight = Math.max(height - gridTop - bottom, rows * 8);
  }

  // Names get as much room as the longest needs, but never more than ~38% of the width.
  const longest = Math.max(0, ...bars.map((b) => measureText(b.label, LABEL_SIZE)));
  const nameWidth = Math.min(Math.ceil(longest), Math.round(width * 0.38) - RANK_COL);
  const gridLeft = PAD_X + RANK_COL + nameWidth + 12;
  const widestValue = Math.max(
    0,
    ...bars.map(
      (b) => measureText(formatValue(b.value, input.valueFormat), VALUE_SIZE, "bold") + (b.flag ? tagWidth() : 0),
    ),
  );
  const gridRight = PAD_X + Math.ceil(widestValue) + 10;
  return { bars, omitted, legend, legendTop, gridTop, gridHeight, height, gridLeft, gridRight, nameWidth };
}

/** Title, subtitle, the legend of the flag colours and the line under them. */
function header(input: RankingChartInput, layout: Layout, width: number): string[] {
  const room = width - 2 * PAD_X;
  const parts = [
    textSvg(truncate(input.title, TITLE_SIZE, room, "bold"), {
      x: PAD_X,
      y: TITLE_TOP + TITLE_LINE / 2,
      size: TITLE_SIZE,
      weight: "bold",
      fill: COLORS.text,
    }),
  ];
  if (input.subtitle) {
    parts.push(
      textSvg(truncate(input.subtitle, SUBTITLE_SIZE, room), {
        x: PAD_X,
        y: TITLE_TOP + TITLE_LINE + SUBTITLE_GAP + SUBTITLE_LINE / 2,
        size: SUBTITLE_SIZE,
        fill: COLORS.textSecondary,
      }),
    );
  }
  // A colour chip and its text per flag colour, in one row under the title.
  let x = PAD_X;
  for (const item of layout.legend) {
    parts.push(rect(x, layout.legendTop + 4, 12, 12, item.color, 2));
    parts.push(
      textSvg(item.text, {
        x: x + 18,
        y: layout.legendTop + LEGEND_LINE / 2,
        size: LEGEND_SIZE,
        fill: COLORS.textSecondary,
      }),
    );
    x += 18 + measureText(item.text, LEGEND_SIZE) + 24;
  }
  parts.push(rect(PAD_X, layout.gridTop - 10, room, 1, COLORS.divider));
  return parts;
}

function emptyNote(layout: Layout, width: number): string {
  return textSvg(CHART_EMPTY, {
    x: width / 2,
    y: layout.gridTop + EMPTY_HEIGHT / 2,
    size: LABEL_SIZE,
    anchor: "middle",
    fill: COLORS.textMuted,
  });
}

/** The value axis (dashed lines and their labels), then per row: rank, name, bar, value and flag badge. */
function bars(input: RankingChartInput, layout: Layout, width: number): string[] {
  const { bars } = layout;
  const ranks = competitionRanks(bars);
  const values = bars.map((b) => (Number.isFinite(b.value) ? Math.max(0, b.value) : 0));
  const percent = input.valueFormat === "percent";
  // Rates are drawn against 0–100% in quarters (more if bad data exceeds 1); counts get a "nice" scale from 0.
  const axis = percent ? { max: Math.max(1, ...values), step: 0.25 } : niceAxis(Math.max(0, ...values));
  const plotWidth = width - layout.gridLeft - layout.gridRight;
  const xOf = (value: number) => layout.gridLeft + (plotWidth * value) / axis.max;
  const rowHeight = layout.gridHeight / bars.length;
  const thickness = Math.min(BAR_THICKNESS, Math.max(4, Math.floor(rowHeight * 0.5)));
  const parts: string[] = [];

  const axisY = layout.gridTop + layout.gridHeight + 8 + AXIS_SIZE / 2;
  const dashes: string[] = [];
  for (let tick = 0; tick <= axis.max + 1e-9; tick += axis.step) {
    const x = Math.round(xOf(tick));
    // Dashes as filled 1 px rectangles on whole pixels: crisp, and far cheaper to rasterize than a dashed stroke.
    for (let y = layout.gridTop; y < layout.gridTop + layout.gridHeight; y += DASH + GAP) {
      dashes.push(`M${x} ${y}h1v${Math.min(DASH, layout.gridTop + layout.gridHeight - y)}h-1z`);
    }
    const label = percent ? `${Math.round(tick * 100)}%` : formatValue(tick, "count");
    parts.push(textSvg(label, { x: x + 0.5, y: axisY, size: AXIS_SIZE, anchor: "middle", fill: COLORS.textMuted }));
  }
  parts.unshift(`<path d="${dashes.join("")}" fill="${COLORS.divider}"/>`);

  bars.forEach((bar, i) => {
    const cy = layout.gridTop + rowHeight * (i + 0.5);
    parts.push(
      textSvg(String(ranks[i] ?? ""), { x: PAD_X, y: cy, size: RANK_SIZE, weight: "bold", fill: COLORS.textMuted }),
    );
    parts.push(
      textSvg(truncate(bar.label, LABEL_SIZE, layout.nameWidth), {
        x: PAD_X + RANK_COL,
        y: cy,
        size: LABEL_SIZE,
        fill: COLORS.text,
      }),
    );
    const end = xOf(values[i] ?? 0);
    const length = end - layout.gridLeft;
    if (length > 0) {
      const color = bar.flag ? COLORS[bar.flag] : COLORS.neutral;
      parts.push(barPath(layout.gridLeft, cy - thickness / 2, length, thickness, Math.min(4, length), color));
    }
    // On a white box, so the value stays readable where it crosses the dashed lines.
    const value = formatValue(bar.value, input.valueFormat);
    const valueX = end + 8;
    const valueWidth = measureText(value, VALUE_SIZE, "bold");
    parts.push(rect(valueX - 2, cy - VALUE_SIZE / 2 - 2, valueWidth + 4, VALUE_SIZE + 4, COLORS.background));
    parts.push(textSvg(value, { x: valueX, y: cy, size: VALUE_SIZE, weight: "bold", fill: COLORS.text }));
    if (bar.flag) {
      const badge = FLAG_BADGES[bar.flag];
      const x = valueX + valueWidth + TAG_GAP;
      const badgeWidth = measureText(badge, TAG_SIZE, "bold") + 10;
      parts.push(rect(x, cy - TAG_SIZE / 2 - 2, badgeWidth, TAG_SIZE + 4, COLORS[bar.flag], 3));
      const fill = bar.flag === "red" ? "#FFFFFF" : COLORS.text;
      parts.push(textSvg(badge, { x: x + 5, y: cy, size: TAG_SIZE, weight: "bold", fill }));
    }
  });
  return parts;
}

function rect(x: number, y: number, width: number, height: number, fill: string, radius = 0): string {
  const r = radius > 0 ? ` rx="${radius}"` : "";
  return `<rect x="${round(x)}" y="${round(y)}" width="${round(width)}" height="${round(height)}"${r} fill="${fill}"/>`;
}

/** A bar with its right corners rounded by `r`. */
function barPath(x: number, y: number, width: number, height: number, r: number, fill: string): string {
  const right = x + width;
  const d =
    `M${round(x)} ${round(y)}H${round(right - r)}Q${round(right)} ${round(y)} ${round(right)} ${round(y + r)}` +
    `V${round(y + height - r)}Q${round(right)} ${round(y + height)} ${round(right - r)} ${round(y + height)}` +
    `H${round(x)}Z`;
  return `<path d="${d}" fill="${fill}"/>`;
}

/** A count axis from 0: about five steps of 1, 2 or 5 times a power of ten, ending on a step. */
function niceAxis(max: number): { max: number; step: number } {
  if (max <= 0) return { max: 1, step: 0.25 };
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((m) => m * power >= rough) ?? 10) * power;
  return { max: Math.ceil(max / step) * step, step };
}

function tagWidth(): number {
  return TAG_GAP + measureText(FLAG_BADGES.red, TAG_SIZE, "bold") + 10;
}

function flagLabels(input: RankingChartInput): { red: string; yellow: string } {
  const defaults = input.valueFormat === "percent" ? FLAG_LEGENDS.percent : FLAG_LEGENDS.other;
  return { red: input.flagLabels?.red ?? defaults.red, yellow: input.flagLabels?.yellow ?? defaults.yellow };
}

/** "93.5%" for rates, "1,234" for counts, "—" when there is no number. */
function formatValue(value: number, format: RankingChartInput["valueFormat"]): string {
  if (!Number.isFinite(value)) return "—";
  if (format === "percent") return `${(value * 100).toFixed(1)}%`;
  return new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 1 }).format(value);
}

/** Standard competition ranking over the given order: equal adjacent values share a rank (1, 2, 2, 4). */
function competitionRanks(bars: RankingBar[]): number[] {
  const ranks: number[] = [];
  bars.forEach((bar, i) => {
    const prev = bars[i - 1];
    const prevRank = ranks[i - 1];
    ranks.push(prev && prevRank !== undefined && prev.value === bar.value ? prevRank : i + 1);
  });
  return ranks;
}

/** Cuts `text` so it fits `maxWidth`, ending in "…" when shortened. */
function truncate(text: string, fontSize: number, maxWidth: number, weight: "normal" | "bold" = "normal"): string {
  if (measureText(text, fontSize, weight) <= maxWidth) return text;
  const chars = [...text];
  while (chars.length > 1 && measureText(`${chars.join("")}…`, fontSize, weight) > maxWidth) chars.pop();
  return `${chars.join("")}…`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
