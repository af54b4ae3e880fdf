/**
 * Ranking bar chart for the evening digest (日清日报): grids or communities ranked by a rate or a count, rendered
 * server-side to a PNG that can be uploaded to Feishu as an image.
 *
 * Pipeline: ECharts SSR (SVG renderer, no DOM) → SVG string → resvg-js → PNG at 2× device scale. resvg runs with
 * system fonts disabled and the bundled Noto Sans Hans files loaded, so the output does not depend on the machine and
 * Chinese text never turns into tofu boxes.
 */
import { renderAsync } from "@resvg/resvg-js";
import { BarChart, type BarSeriesOption } from "echarts/charts";
import {
  GraphicComponent,
  type GraphicComponentOption,
  GridComponent,
  type GridComponentOption,
  TitleComponent,
  type TitleComponentOption,
} from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { CHART_EMPTY, chartOmittedNote, escapeRich, FLAG_BADGES, FLAG_LEGENDS } from "../texts/chart.ts";
import { CHART_FONT_FAMILY, chartFontFiles } from "./chart-font.ts";

echarts.use([BarChart, GridComponent, TitleComponent, GraphicComponent, SVGRenderer]);

type ChartOption = echarts.ComposeOption<
  BarSeriesOption | GridComponentOption | TitleComponentOption | GraphicComponentOption
>;

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

/**
 * Renders a horizontal ranking bar chart as a PNG (2× device scale, white background).
 *
 * The best entry is at the top; bars flagged "red" are crimson, "yellow" ones amber, the rest neutral blue, and a
 * legend under the title explains the colours. Values are labelled at the bar ends.
 */
export async function renderRankingChart(input: RankingChartInput): Promise<Buffer> {
  const svg = renderRankingChartSvg(input);
  const family = CHART_FONT_FAMILY;
  const image = await renderAsync(svg, {
    fitTo: { mode: "zoom", value: CHART_PIXEL_RATIO },
    background: COLORS.background,
    font: {
      loadSystemFonts: false,
      fontFiles: chartFontFiles(),
      defaultFontFamily: family,
      sansSerifFamily: family,
      serifFamily: family,
      monospaceFamily: family,
    },
    shapeRendering: 2,
    textRendering: 1,
    logLevel: "off",
  });
  return image.asPng();
}

/**
 * The SVG that {@link renderRankingChart} rasterizes (CSS-pixel size, text in {@link CHART_FONT_FAMILY}). Exposed for
 * tests and debugging; the SVG only renders correctly where that font is available.
 */
export function renderRankingChartSvg(input: RankingChartInput): string {
  const width = Math.max(MIN_CHART_WIDTH, Math.round(input.width ?? DEFAULT_CHART_WIDTH));
  const layout = computeLayout(input, width);
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height: layout.height });
  try {
    chart.setOption(buildOption(input, layout, width));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
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
  const longest = Math.max(0, ...bars.map((b) => textWidth(b.label, LABEL_SIZE)));
  const nameWidth = Math.min(Math.ceil(longest), Math.round(width * 0.38) - RANK_COL);
  const gridLeft = PAD_X + RANK_COL + nameWidth + 12;
  const widestValue = Math.max(
    0,
    ...bars.map((b) => textWidth(formatValue(b.value, input.valueFormat), VALUE_SIZE) + (b.flag ? tagWidth() : 0)),
  );
  const gridRight = PAD_X + Math.ceil(widestValue) + 10;
  return { bars, omitted, legend, legendTop, gridTop, gridHeight, height, gridLeft, gridRight, nameWidth };
}

function buildOption(input: RankingChartInput, layout: Layout, width: number): ChartOption {
  const { bars } = layout;
  const ranks = competitionRanks(bars);
  const values = bars.map((b) => (Number.isFinite(b.value) ? Math.max(0, b.value) : 0));
  const percent = input.valueFormat === "percent";
  // Rates are drawn against 0–100% (more if bad data exceeds 1); counts get ECharts' "nice" scale from 0.
  const axisMax = Math.max(1, ...values);
  const thickness = Math.min(
    BAR_THICKNESS,
    Math.max(4, Math.floor((layout.gridHeight / Math.max(bars.length, 1)) * 0.5)),
  );

  const graphic: GraphicComponentOption[] = [];
  // Legend: a colour chip and its text per flag colour, in one row under the title.
  let x = PAD_X;
  for (const item of layout.legend) {
    graphic.push({
      type: "rect",
      shape: { x, y: layout.legendTop + 4, width: 12, height: 12, r: 2 },
      style: { fill: item.color },
    });
    graphic.push({
      type: "text",
      x: x + 18,
      y: layout.legendTop + LEGEND_LINE / 2,
      style: {
        text: item.text,
        fill: COLORS.textSecondary,
        fontSize: LEGEND_SIZE,
        fontFamily: CHART_FONT_FAMILY,
        verticalAlign: "middle",
      },
    });
    x += 18 + textWidth(item.text, LEGEND_SIZE) + 24;
  }
  graphic.push({
    type: "rect",
    shape: { x: PAD_X, y: layout.gridTop - 10, width: width - 2 * PAD_X, height: 1 },
    style: { fill: COLORS.divider },
  });
  if (layout.omitted > 0) {
    graphic.push({
      type: "text",
      x: PAD_X,
      y: layout.height - BOTTOM_PAD - FOOTNOTE_LINE / 2 + 4,
      style: {
        text: chartOmittedNote(input.bars.length, bars.length),
        fill: COLORS.textMuted,
        fontSize: LEGEND_SIZE,
        fontFamily: CHART_FONT_FAMILY,
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
        fontFamily: CHART_FONT_FAMILY,
        align: "center",
        verticalAlign: "middle",
      },
    });
  }

  const title: TitleComponentOption = {
    text: input.title,
    left: PAD_X,
    top: TITLE_TOP,
    padding: 0,
    itemGap: SUBTITLE_GAP,
    textStyle: {
      fontSize: TITLE_SIZE,
      lineHeight: TITLE_LINE,
      fontWeight: "bold",
      color: COLORS.text,
      width: width - 2 * PAD_X,
      overflow: "truncate",
    },
  };
  if (input.subtitle) {
    title.subtext = input.subtitle;
    title.subtextStyle = {
      fontSize: SUBTITLE_SIZE,
      lineHeight: SUBTITLE_LINE,
      color: COLORS.textSecondary,
      width: width - 2 * PAD_X,
      overflow: "truncate",
    };
  }

  const option: ChartOption = {
    animation: false,
    backgroundColor: COLORS.background,
    textStyle: { fontFamily: CHART_FONT_FAMILY },
    title,
    graphic,
  };
  if (bars.length === 0) return option;

  const names = bars.map((b) => truncate(b.label, LABEL_SIZE, layout.nameWidth));
  option.grid = {
    left: layout.gridLeft,
    right: layout.gridRight,
    top: layout.gridTop,
    height: layout.gridHeight,
    outerBoundsMode: "none",
  };
  option.xAxis = {
    type: "value",
    min: 0,
    ...(percent ? { max: axisMax, interval: 0.25 } : {}),
    axisLabel: {
      fontSize: AXIS_SIZE,
      color: COLORS.textMuted,
      margin: 8,
      formatter: (v: number) => (percent ? `${Math.round(v * 100)}%` : formatValue(v, "count")),
    },
    axisLine: { show: false },
    axisTick: { show: false },
    splitLine: { show: true, lineStyle: { color: COLORS.divider, type: "dashed" } },
  };
  option.yAxis = {
    type: "category",
    inverse: true,
    data: names.map((name, i) => ({ value: `${i}`, name })),
    axisLine: { show: false },
    axisTick: { show: false },
    axisLabel: {
      // Left-aligned in a fixed column: rank number, then the name.
      align: "left",
      margin: layout.gridLeft - PAD_X,
      formatter: (_value: string, index: number) =>
        `{rank|${ranks[index] ?? ""}}{name|${escapeRich(names[index] ?? "")}}`,
      rich: {
        rank: { width: RANK_COL, fontSize: RANK_SIZE, fontWeight: "bold", color: COLORS.textMuted },
        name: { fontSize: LABEL_SIZE, color: COLORS.text },
      },
    },
  };
  option.series = [
    {
      type: "bar",
      barWidth: thickness,
      itemStyle: { borderRadius: [0, 4, 4, 0] },
      data: bars.map((b, i) => ({
        value: values[i] ?? 0,
        itemStyle: { color: b.flag ? COLORS[b.flag] : COLORS.neutral },
      })),
      label: {
        show: true,
        position: "right",
        distance: 8,
        // A white halo keeps the labels readable where they cross the dashed grid lines.
        textBorderColor: COLORS.background,
        textBorderWidth: 3,
        formatter: (params) => {
          const bar = bars[params.dataIndex];
          if (!bar) return "";
          const value = `{value|${formatValue(bar.value, input.valueFormat)}}`;
          if (bar.flag === "red") return `${value}{gap|}{red|${FLAG_BADGES.red}}`;
          if (bar.flag === "yellow") return `${value}{gap|}{yellow|${FLAG_BADGES.yellow}}`;
          return value;
        },
        rich: {
          value: { fontSize: VALUE_SIZE, fontWeight: "bold", color: COLORS.text },
          gap: { width: TAG_GAP },
          red: tagStyle(COLORS.red, "#FFFFFF"),
          yellow: tagStyle(COLORS.yellow, COLORS.text),
        },
      },
    },
  ];
  return option;
}

/** Rich-text style of the "红旗" / "黄牌" badge after a flagged bar's value. */
function tagStyle(backgroundColor: string, color: string) {
  return {
    backgroundColor,
    color,
    fontSize: TAG_SIZE,
    fontWeight: "bold" as const,
    padding: [2, 5],
    borderRadius: 3,
    textBorderWidth: 0,
  };
}

function tagWidth(): number {
  return TAG_GAP + textWidth(FLAG_BADGES.red, TAG_SIZE) + 10;
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

/**
 * Estimated advance width of `text` in Noto Sans Hans, in px. CJK and full-width characters are one em; Latin
 * glyphs use rough per-class widths. Only used for margins and truncation, so a few percent off is fine.
 */
function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0x2e80 || (cp >= 0x2000 && cp <= 0x206f)) em += cp >= 0x2e80 ? 1 : 0.9;
    else if (ch >= "0" && ch <= "9") em += 0.56;
    else if (ch === "." || ch === "," || ch === " " || ch === ":") em += 0.28;
    else if (ch === "%") em += 0.86;
    else if (ch >= "A" && ch <= "Z") em += 0.66;
    else em += 0.55;
  }
  return em * fontSize;
}

/** Cuts `text` so it fits `maxWidth`, ending in "…" when shortened. */
function truncate(text: string, fontSize: number, maxWidth: number): string {
  if (textWidth(text, fontSize) <= maxWidth) return text;
  const chars = [...text];
  while (chars.length > 1 && textWidth(`${chars.join("")}…`, fontSize) > maxWidth) chars.pop();
  return `${chars.join("")}…`;
}
