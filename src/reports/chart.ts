/**
 * Ranking bar chart for the evening digest (日清日报) and the 工作简报: grids, communities or categories ranked by a
 * rate or a count, rendered server-side to a PNG that can be uploaded to Feishu or put in a Word document.
 *
 * Pipeline: ECharts lays the chart out and draws it as SVG (server-side rendering, no DOM; loaded with the first
 * chart), measuring text with the advances of the bundled Noto Sans Hans fonts → resvg-js rasterizes the SVG without
 * its <text> elements at 1.5× device scale on libuv's thread pool, and each text's glyphs are blended in from their
 * outlines (chart-glyphs.ts: each character converted once per process, its coverage rasterized once per size and
 * quarter-pixel position) → sharp encodes the PNG off the event loop. Nothing is drawn with a font, so the output does
 * not depend on the machine and Chinese text never turns into tofu boxes.
 */
import { renderAsync } from "@resvg/resvg-js";
import type { BarSeriesOption, EChartsOption, GraphicComponentOption } from "echarts";
import { CHART_EMPTY, chartOmittedNote, escapeRich, FLAG_BADGES, FLAG_LEGENDS } from "../texts/chart.ts";
import { drawText, loadGlyphs, measureText, outlineText, parseFont, splitText } from "./chart-glyphs.ts";

/** One bar of a ranking chart. */
export interface RankingBar {
  /** Grid or community name, shown on the y-axis (long names are truncated with "…"). */
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
  /**
   * Width in CSS pixels (the PNG is {@link CHART_PIXEL_RATIO} times as wide), at least {@link MIN_CHART_WIDTH}.
   * Default: 720.
   */
  width?: number;
  /** Height in CSS pixels (the PNG is {@link CHART_PIXEL_RATIO} times as high). Default: grows with the number of bars. */
  height?: number;
}

/** Most bars a chart shows; the rest are dropped from the bottom of the ranking. */
export const MAX_RANKING_BARS = 30;
/** Default chart width in CSS pixels: fits a phone screen without downscaling text too much. */
export const DEFAULT_CHART_WIDTH = 720;
/** Narrowest chart drawn; smaller widths are raised to this. */
export const MIN_CHART_WIDTH = 320;
/**
 * Device pixel ratio of the PNG: 1080 px wide at the default width, about a phone screen's own width in device pixels
 * (where Feishu shows a chat image across the screen), so the text is drawn at the screen's resolution. At 2× the
 * phone scaled the image down again, and rasterizing and encoding the extra 78 % of pixels was half a chart's CPU.
 */
export const CHART_PIXEL_RATIO = 1.5;

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
/** Between the name column and the bars. */
const LABEL_MARGIN = 12;
const ELLIPSIS = "…";

let echartsLoaded: Promise<typeof import("echarts")> | undefined;

/** ECharts, loaded with the first chart (not with the bot), measuring text as the outlines will draw it. */
function loadECharts(): Promise<typeof import("echarts")> {
  echartsLoaded ??= import("echarts").then((echarts) => {
    echarts.setPlatformAPI({
      measureText: (text, font) => {
        const { size, weight } = parseFont(font ?? "");
        return { width: measureText(text, size, weight) };
      },
    });
    return echarts;
  });
  return echartsLoaded;
}

/**
 * Renders a horizontal ranking bar chart as a PNG ({@link CHART_PIXEL_RATIO}× device scale, white background).
 *
 * The best entry is at the top; bars flagged "red" are crimson, "yellow" ones amber, the rest neutral blue, and a
 * legend under the title explains the colours. Values are labelled at the bar ends.
 */
export async function renderRankingChart(input: RankingChartInput): Promise<Buffer> {
  const [{ svg, texts }, { default: sharp }] = await Promise.all([chartSvg(input).then(splitText), import("sharp")]);
  // No background option: ECharts paints the white background as the SVG's first element, and filling the canvas
  // twice costs milliseconds at this size.
  const { width, height, pixels } = await renderAsync(svg, {
    fitTo: { mode: "zoom", value: CHART_PIXEL_RATIO },
    font: { loadSystemFonts: false },
    shapeRendering: 2,
    logLevel: "off",
  });
  drawText(pixels, width, texts, CHART_PIXEL_RATIO);
  // sharp's PNG encoder is three to four times faster than resvg's own (asPng) here. Compression level 2 instead of
  // 6: a 20-bar chart (1080×1332 px, mostly white) encodes in a third of the time for a file about a fifth larger.
  return sharp(pixels, { raw: { width, height, channels: 4 } })
    .png({ compressionLevel: 2 })
    .toBuffer();
}

/**
 * The chart as one SVG at CSS-pixel size, its text as outlines, so it needs no font: what {@link renderRankingChart}
 * draws, its shapes rasterized by resvg and its glyphs blended in from the same outlines.
 */
export async function renderRankingChartSvg(input: RankingChartInput): Promise<string> {
  return outlineText(await chartSvg(input));
}

/** The SVG ECharts writes for the chart, its texts as <text> elements measured with the bundled fonts' advances. */
async function chartSvg(input: RankingChartInput): Promise<string> {
  const echarts = await loadECharts();
  const width = Math.max(MIN_CHART_WIDTH, Math.round(input.width ?? DEFAULT_CHART_WIDTH));
  preloadGlyphs(input);
  const layout = computeLayout(input, width);
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height: layout.height });
  try {
    chart.setOption(buildOption(input, layout, width));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/**
 * Converts the characters of every text the chart shows in one pass per weight; ECharts measures its texts one by
 * one, and each text with a new character would otherwise be a conversion pass of its own.
 */
function preloadGlyphs(input: RankingChartInput): void {
  // ECharts sizes every font by "国" (U+56FD) and "a"; axis labels are digits; long texts end in an ellipsis.
  const common = `\u56fda${ELLIPSIS}0123456789.,%—`;
  const labels = flagLabels(input);
  const bars = input.bars.slice(0, MAX_RANKING_BARS);
  const names = bars.map((b) => escapeRich(b.label));
  const footnote = chartOmittedNote(input.bars.length, bars.length);
  loadGlyphs(
    [common, input.subtitle ?? "", ...names, labels.red, labels.yellow, footnote, CHART_EMPTY].join(""),
    "normal",
  );
  loadGlyphs([common, input.title, FLAG_BADGES.red, FLAG_BADGES.yellow].join(""), "bold");
}

interface Layout {
  bars: RankingBar[];
  omitted: number;
  legendTop: number;
  gridTop: number;
  gridHeight: number;
  height: number;
  /** Width of the rank and name column left of the bars; longer names are truncated to it. */
  labelWidth: number;
  /** Space right of the bar area kept free for the value labels. */
  gridRight: number;
}

/** The chart's height and the bands ECharts places the title, legend and bars in; the canvas size comes first. */
function computeLayout(input: RankingChartInput, width: number): Layout {
  const bars = input.bars.slice(0, MAX_RANKING_BARS);
  const omitted = input.bars.length - bars.length;

  let y = TITLE_TOP + TITLE_LINE;
  if (input.subtitle) y += SUBTITLE_GAP + SUBTITLE_LINE;
  const legendTop = y + 10;
  if (bars.some((b) => b.flag)) y = legendTop + LEGEND_LINE;
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
  const longest = Math.max(0, ...bars.map((b) => measureText(escapeRich(b.label), LABEL_SIZE)));
  const labelWidth = RANK_COL + Math.min(Math.ceil(longest), Math.round(width * 0.38) - RANK_COL);
  // The value labels stick out right of the bars, where ECharts does not look for them: room is kept for the widest.
  const widestValue = Math.max(
    0,
    ...bars.map(
      (b) => measureText(formatValue(b.value, input.valueFormat), VALUE_SIZE, "bold") + (b.flag ? tagWidth() : 0),
    ),
  );
  const gridRight = PAD_X + Math.ceil(widestValue) + 10;
  return { bars, omitted, legendTop, gridTop, gridHeight, height, labelWidth, gridRight };
}

function buildOption(input: RankingChartInput, layout: Layout, width: number): EChartsOption {
  const { bars } = layout;
  const graphic: GraphicComponentOption[] = [
    {
      type: "rect",
      shape: { x: PAD_X, y: layout.gridTop - 10, width: width - 2 * PAD_X, height: 1 },
      style: { fill: COLORS.divider },
    },
  ];
  if (layout.omitted > 0) {
    graphic.push({
      type: "text",
      x: PAD_X,
      y: layout.height - BOTTOM_PAD - FOOTNOTE_LINE / 2 + 4,
      style: {
        text: chartOmittedNote(input.bars.length, bars.length),
        fill: COLORS.textMuted,
        fontSize: LEGEND_SIZE,
        verticalAlign: "middle",
      },
    });
  }
  if (bars.length === 0) {
    graphic.push({
      type: "text",
      x: width / 2,
      y: layout.gridTop + EMPTY_HEIGHT / 2,
      style: {
        text: CHART_EMPTY,
        fill: COLORS.textMuted,
        fontSize: LABEL_SIZE,
        align: "center",
        verticalAlign: "middle",
      },
    });
  }
  const header = { width: width - 2 * PAD_X, overflow: "truncate", ellipsis: ELLIPSIS } as const;
  const option: EChartsOption = {
    animation: false,
    backgroundColor: COLORS.background,
    title: {
      text: input.title,
      subtext: input.subtitle,
      left: PAD_X,
      top: TITLE_TOP,
      padding: 0,
      itemGap: SUBTITLE_GAP,
      textStyle: { fontSize: TITLE_SIZE, lineHeight: TITLE_LINE, fontWeight: "bold", color: COLORS.text, ...header },
      subtextStyle: { fontSize: SUBTITLE_SIZE, lineHeight: SUBTITLE_LINE, color: COLORS.textSecondary, ...header },
    },
    graphic,
  };
  if (bars.length === 0) return option;

  const ranks = competitionRanks(bars);
  const values = bars.map((b) => (Number.isFinite(b.value) ? Math.max(0, b.value) : 0));
  const percent = input.valueFormat === "percent";
  const thickness = Math.min(BAR_THICKNESS, Math.max(4, Math.floor((layout.gridHeight / bars.length) * 0.5)));
  const labels = flagLabels(input);
  // On a white box, so the value stays readable where it crosses the dashed lines.
  const value = {
    fontSize: VALUE_SIZE,
    fontWeight: "bold" as const,
    color: COLORS.text,
    backgroundColor: COLORS.background,
    padding: [2, 2],
  };
  // One series, each bar in its flag's colour; a flagged bar's label is rich text (the value, then the badge), the
  // others' plain text, which ECharts lays out at a fraction of rich text's cost.
  const series: BarSeriesOption = {
    type: "bar",
    barWidth: thickness,
    itemStyle: { borderRadius: [0, 4, 4, 0] },
    emphasis: { disabled: true },
    data: bars.map((b, i) => ({
      value: values[i] ?? 0,
      itemStyle: { color: b.flag ? COLORS[b.flag] : COLORS.neutral },
      ...(b.flag
        ? {
            // The series' plain label has the white box; the rich one has it on its value only.
            label: {
              backgroundColor: "transparent",
              padding: 0,
              formatter: `{value|${formatValue(b.value, input.valueFormat)}}{gap|}{${b.flag}|${FLAG_BADGES[b.flag]}}`,
              rich: {
                value,
                gap: { width: TAG_GAP - 2 },
                [b.flag]: b.flag === "red" ? tagStyle(COLORS.red, "#FFFFFF") : tagStyle(COLORS.yellow, COLORS.text),
              },
            },
          }
        : {}),
    })),
    label: {
      show: true,
      position: "right",
      distance: 6,
      formatter: ({ dataIndex }) => formatValue(bars[dataIndex]?.value ?? Number.NaN, input.valueFormat),
      ...value,
    },
  };
  // The legend names the flag colours in use, drawn as ECharts' legend would (a rounded swatch, then the words).
  let legendX = PAD_X;
  for (const flag of ["red", "yellow"] as const) {
    if (!bars.some((b) => b.flag === flag)) continue;
    // Centred on the 13 px line of the text, as ECharts' legend centres its icon.
    const y = layout.legendTop + 4.5;
    graphic.push(
      { type: "rect", shape: { x: legendX, y, width: 12, height: 12, r: 3 }, style: { fill: COLORS[flag] } },
      {
        type: "text",
        x: legendX + 17,
        y: y + 6,
        style: { text: labels[flag], fill: COLORS.textSecondary, fontSize: LEGEND_SIZE, verticalAlign: "middle" },
      },
    );
    legendX += 17 + measureText(labels[flag], LEGEND_SIZE) + 24;
  }
  return {
    ...option,
    grid: {
      left: PAD_X + layout.labelWidth + LABEL_MARGIN,
      right: layout.gridRight,
      top: layout.gridTop,
      height: layout.gridHeight,
      // The name column's width is known (it is the truncation width): ECharts' search for room (outerBounds) would
      // only cost time.
      outerBoundsMode: "none",
    },
    xAxis: {
      type: "value",
      min: 0,
      // Rates are drawn against 0–100% in quarters (more if bad data exceeds 1); counts get ECharts' "nice" scale.
      ...(percent ? { max: Math.max(1, ...values), interval: 0.25 } : {}),
      axisLabel: {
        fontSize: AXIS_SIZE,
        color: COLORS.textMuted,
        margin: 8,
        formatter: (v: number) => (percent ? `${Math.round(v * 100)}%` : formatValue(v, "count")),
      },
      axisLine: { show: false },
      axisTick: { show: false },
      splitLine: { show: true, lineStyle: { color: COLORS.divider, type: "dashed" } },
    },
    yAxis: {
      type: "category",
      inverse: true,
      data: bars.map((_, i) => String(i)),
      axisLine: { show: false },
      axisTick: { show: false },
      axisLabel: {
        // A fixed column: the rank, then the name, truncated to the column.
        interval: 0,
        margin: LABEL_MARGIN,
        width: layout.labelWidth,
        overflow: "truncate",
        ellipsis: ELLIPSIS,
        formatter: (_value: string, index: number) => rankLabel(ranks[index] ?? 0, bars[index]?.label ?? ""),
        rich: {
          rank: { width: RANK_COL, align: "left", fontSize: RANK_SIZE, fontWeight: "bold", color: COLORS.textMuted },
          name: { align: "left", fontSize: LABEL_SIZE, color: COLORS.text },
        },
      },
    },
    series,
  };
}

/** A y-axis label in ECharts' rich text: the rank, then the name. */
function rankLabel(rank: number, name: string): string {
  return `{rank|${rank}}{name|${escapeRich(name)}}`;
}

/** Rich-text style of the "红旗" / "黄牌" badge after a flagged bar's value. */
function tagStyle(backgroundColor: string, color: string) {
  return { backgroundColor, color, fontSize: TAG_SIZE, fontWeight: "bold" as const, padding: [2, 5], borderRadius: 3 };
}

function tagWidth(): number {
  return TAG_GAP + measureText(FLAG_BADGES.red, TAG_SIZE, "bold") + 10;
}

function flagLabels(input: RankingChartInput): { red: string; yellow: string } {
  const defaults = input.valueFormat === "percent" ? FLAG_LEGENDS.percent : FLAG_LEGENDS.other;
  return { red: input.flagLabels?.red ?? defaults.red, yellow: input.flagLabels?.yellow ?? defaults.yellow };
}

/** Counts as labelled: made once, as making an Intl.NumberFormat costs far more than formatting with one. */
const COUNT_FORMAT = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 1 });

/** "93.5%" for rates, "1,234" for counts, "—" when there is no number. */
function formatValue(value: number, format: RankingChartInput["valueFormat"]): string {
  if (!Number.isFinite(value)) return "—";
  if (format === "percent") return `${(value * 100).toFixed(1)}%`;
  return COUNT_FORMAT.format(value);
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
