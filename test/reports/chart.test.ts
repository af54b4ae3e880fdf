import { inflateSync } from "node:zlib";
import { renderAsync } from "@resvg/resvg-js";
import { describe, expect, it } from "vitest";
import {
  CHART_PIXEL_RATIO,
  DEFAULT_CHART_WIDTH,
  MAX_RANKING_BARS,
  type RankingBar,
  type RankingChartInput,
  renderRankingChart,
  renderRankingChartSvg,
} from "../../src/reports/chart.ts";
import { CHART_FONT_FAMILY, chartFontFiles } from "../../src/reports/chart-font.ts";
import { drawText, outlineText, splitText } from "../../src/reports/chart-glyphs.ts";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Pixels {
  width: number;
  height: number;
  /** RGBA, row-major. */
  data: Uint8Array;
}

/** Width and height from the IHDR chunk, which always directly follows the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(12, 16).toString("latin1")).toBe("IHDR");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Minimal decoder for what resvg writes: 8-bit RGBA, not interlaced, any of the five scanline filters. */
function decodePng(png: Buffer): Pixels {
  const { width, height } = pngSize(png);
  expect([png[24], png[25], png[28]]).toEqual([8, 6, 0]); // bit depth 8, colour type RGBA, no interlace
  const idat: Buffer[] = [];
  for (let pos = 8; pos < png.length; ) {
    const len = png.readUInt32BE(pos);
    if (png.toString("latin1", pos + 4, pos + 8) === "IDAT") idat.push(png.subarray(pos + 8, pos + 8 + len));
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const data = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= 4 ? (data[y * stride + i - 4] ?? 0) : 0;
      const b = y > 0 ? (data[(y - 1) * stride + i] ?? 0) : 0;
      const c = i >= 4 && y > 0 ? (data[(y - 1) * stride + i - 4] ?? 0) : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      data[y * stride + i] = ((line[i] ?? 0) + predictor) & 0xff;
    }
  }
  return { width, height, data };
}

/** Bounding box and count of the pixels that differ between two same-sized images. */
function diff(a: Pixels, b: Pixels): { count: number; minX: number; maxX: number } {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let count = 0;
  let minX = Number.POSITIVE_INFINITY;
  let maxX = -1;
  for (let p = 0; p < a.width * a.height; p++) {
    const o = p * 4;
    if (a.data[o] !== b.data[o] || a.data[o + 1] !== b.data[o + 1] || a.data[o + 2] !== b.data[o + 2]) {
      count++;
      const x = p % a.width;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
    }
  }
  return { count, minX, maxX };
}

function chart(bars: RankingBar[], extra: Partial<RankingChartInput> = {}): RankingChartInput {
  return { title: "各社区整改率排名", subtitle: "幸福街道 · 6月18日", valueFormat: "percent", bars, ...extra };
}

const twoBars = (first: string): RankingBar[] => [
  { label: first, value: 0.935, flag: "red" },
  { label: "南关社区", value: 0.5, flag: "yellow" },
];

describe("renderRankingChart", () => {
  it("returns a PNG at CHART_PIXEL_RATIO times the requested CSS size, growing with the bar count and capped", async () => {
    const png = await renderRankingChart(chart(twoBars("东城社区"), { width: 600, height: 300 }));
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: 600 * CHART_PIXEL_RATIO, height: 300 * CHART_PIXEL_RATIO });

    const heightFor = async (n: number) => {
      const bars = Array.from({ length: n }, (_, i) => ({ label: `第${i + 1}网格`, value: 1 - i / 100 }));
      const svg = await renderRankingChartSvg(chart(bars));
      const match = /^<svg width="(\d+)" height="(\d+)"/.exec(svg);
      expect(match?.[1]).toBe(String(DEFAULT_CHART_WIDTH));
      return Number(match?.[2]);
    };
    const h = await Promise.all([1, 8, MAX_RANKING_BARS, MAX_RANKING_BARS + 1, MAX_RANKING_BARS + 20].map(heightFor));
    expect(h[0]).toBeLessThan(h[1] ?? 0);
    expect(h[1]).toBeLessThan(h[2] ?? 0);
    // Past the cap only a one-line footnote ("仅显示前 30 项") is added, however many bars are dropped.
    expect(h[3]).toBe(h[4]);
    expect((h[3] ?? 0) - (h[2] ?? 0)).toBeLessThan(40);
    expect(await renderRankingChartSvg(chart([]))).toContain('aria-label="暂无数据"');
  });

  it("is opaque on white, with bars and without any", async () => {
    for (const input of [chart(twoBars("东城社区")), chart([])]) {
      const { data } = decodePng(await renderRankingChart(input));
      const alphas = new Set(data.filter((_, i) => i % 4 === 3));
      expect([...alphas]).toEqual([255]);
      expect([...data.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
    }
  });

  it("is deterministic: the same input gives byte-identical PNGs", async () => {
    const [a, b] = await Promise.all([
      renderRankingChart(chart(twoBars("东城社区"))),
      renderRankingChart(chart(twoBars("东城社区"))),
    ]);
    expect(a.equals(b)).toBe(true);
  });

  // No-tofu check, without looking at the image. A font that lacks a character draws the same ".notdef" box (or
  // nothing) for every missing character, so two charts that differ only in a label of equal length, "东城社区" vs
  // "西城社区", would come out pixel-identical. With real glyphs they differ, and only in the name column on the left.
  // Rendering is deterministic (previous test), so any difference comes from the label alone.
  it("draws real Chinese glyphs: different characters give different pixels, only in the label column", async () => {
    const [east, west] = await Promise.all([
      renderRankingChart(chart(twoBars("东城社区"))),
      renderRankingChart(chart(twoBars("西城社区"))),
    ]);
    const d = diff(decodePng(east), decodePng(west));
    expect(d.count).toBeGreaterThan(50);
    // Rank column + a 4-character name at 15 px ends well before 40% of the width, where the bars start.
    expect(d.maxX).toBeLessThan(DEFAULT_CHART_WIDTH * CHART_PIXEL_RATIO * 0.4);
  });

  // The text is drawn from glyph outlines taken from the bundled font files, so nothing needs a font to rasterize: the
  // outlined SVG drawn by resvg with no font at all is the PNG, up to anti-aliasing (the PNG blends each glyph in from
  // its outline rasterized once, at a quarter-pixel position). A <text> resvg had no font for would be left out.
  it("holds its text as outlines from the bundled fonts: the PNG is the outlined SVG drawn with no font at all", async () => {
    const input = chart(twoBars("东城社区"));
    const svg = await renderRankingChartSvg(input);
    expect(svg).not.toContain("<text");
    const png = decodePng(await renderRankingChart(input));
    const noFont = await renderAsync(svg, {
      fitTo: { mode: "zoom", value: CHART_PIXEL_RATIO },
      background: "#FFFFFF",
      font: { loadSystemFonts: false, fontFiles: [] },
      shapeRendering: 2,
      logLevel: "off",
    });
    const bare: Pixels = { width: noFont.width, height: noFont.height, data: new Uint8Array(noFont.pixels) };
    const ink = bare.data.filter((v, i) => i % 4 === 0 && v < 128).length;
    expect(ink).toBeGreaterThan(5000);
    let off = 0;
    for (let i = 0; i < bare.data.length; i++) {
      if (Math.abs((bare.data[i] ?? 0) - (png.data[i] ?? 0)) > 96) off++;
    }
    expect(off).toBeLessThan(ink * 0.02);
  });

  // ECharts writes each text as a <text> element; every one of them is replaced by its characters' outlines: a label's
  // group holds one path per character, the same character has the same outline wherever it is drawn.
  it("replaces every text ECharts writes with the outlines of its characters", async () => {
    const groups = (svg: string, label: string) =>
      [...svg.matchAll(new RegExp(`<g aria-label="${label}"[^>]*>(.*?)</g>`, "g"))].map((m) => m[1] ?? "");
    const glyphsOf = (group: string) => [...group.matchAll(/<path transform="[^"]*" d="([^"]+)"\/>/g)].map((m) => m[1]);
    const east = await renderRankingChartSvg(chart(twoBars("东城社区")));
    const west = await renderRankingChartSvg(chart(twoBars("西城社区")));
    expect(east).not.toMatch(/<text\b/);
    const [eastGlyphs = []] = groups(east, "东城社区").map(glyphsOf);
    const [westGlyphs = []] = groups(west, "西城社区").map(glyphsOf);
    expect(eastGlyphs).toHaveLength(4);
    expect(westGlyphs).toHaveLength(4);
    expect(eastGlyphs[0]).not.toBe(westGlyphs[0]);
    expect(eastGlyphs.slice(1)).toEqual(westGlyphs.slice(1));
    // The other texts too: title, legend, ranks, values, badges, axis labels.
    for (const text of ["各社区整改率排名", "红旗：整改率最高", "93.5%", "红旗", "黄牌", "100%"]) {
      expect(groups(east, text).length, text).toBeGreaterThan(0);
    }
  });

  // The bars are drawn in their flag's colour, top to bottom in rank order: a column of pixels across the bars meets
  // each bar once, in its colour (the swatches of the legend sit left of it, the badges right of the bars' ends).
  it("draws each bar in its flag's colour: crimson for a red flag, amber for a yellow card, blue otherwise", async () => {
    const bars: RankingBar[] = [
      { label: "东城社区", value: 0.95, flag: "red" },
      { label: "西城社区", value: 0.9 },
      { label: "南城社区", value: 0.85 },
      { label: "北城社区", value: 0.8, flag: "yellow" },
    ];
    const { width, height, data } = decodePng(await renderRankingChart(chart(bars)));
    const colours = new Map([
      ["200,22,29", "red"],
      ["91,143,249", "blue"],
      ["242,178,0", "yellow"],
    ]);
    const x = Math.round(width * 0.6);
    const runs: string[] = [];
    let previous: string | undefined;
    for (let y = 0; y < height; y++) {
      const o = (y * width + x) * 4;
      const colour = colours.get(`${data[o]},${data[o + 1]},${data[o + 2]}`);
      if (colour && colour !== previous) runs.push(colour);
      previous = colour;
    }
    expect(runs).toEqual(["red", "blue", "blue", "yellow"]);
  });

  it("truncates a long name with an ellipsis to the name column", async () => {
    const long = "幸福里街道第十二社区第三网格东片区北段";
    const svg = await renderRankingChartSvg(chart(twoBars(long)));
    const name = /<g aria-label="(幸福里[^"]*)"/.exec(svg)?.[1] ?? "";
    expect(name).toMatch(/^幸福里街道.+…$/);
    expect(name.length).toBeLessThan(long.length);
  });

  // The outlines and advances come from resvg's own layout of the bundled fonts: a line of text drawn from them matches
  // resvg drawing the same line as <text> with those fonts, pixel for pixel up to anti-aliasing — as outlines in the
  // SVG, and as glyphs blended into the pixels of the SVG without its text (as the PNG draws it).
  it("outlines a text element (anchor, baseline, size, weight) as resvg draws it with the bundled fonts", async () => {
    const line = "幸福里第12网格 93.5%（截至 18:00）Ab";
    const size = 15;
    const baseline = 24;
    const raster = async (body: string, fontFiles: string[]) => {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="360" height="48">${body}</svg>`;
      const font = { loadSystemFonts: false, fontFiles, defaultFontFamily: CHART_FONT_FAMILY };
      const image = await renderAsync(svg, { background: "#FFFFFF", font, shapeRendering: 2, logLevel: "off" });
      return { width: image.width, height: image.height, data: new Uint8Array(image.pixels) };
    };
    const cases = [
      { weight: "normal", anchor: "start", dominant: "central" },
      { weight: "bold", anchor: "middle", dominant: "alphabetic" },
      { weight: "normal", anchor: "end", dominant: "hanging" },
      { weight: "bold", anchor: "start", dominant: "text-before-edge" },
      { weight: "normal", anchor: "middle", dominant: "ideographic" },
      { weight: "normal", anchor: "start", dominant: "middle" },
    ];
    for (const { weight, anchor, dominant } of cases) {
      const text =
        `<text x="${anchor === "start" ? 7 : anchor === "middle" ? 177 : 347}" y="${baseline - 2.3}" text-anchor="${anchor}" ` +
        `dominant-baseline="${dominant}" style="font-size:${size}px;font-weight:${weight};" ` +
        `transform="translate(3 2.3)" fill="#1F2329" xml:space="preserve">${line}</text>`;
      const theirs = await raster(text, chartFontFiles());
      const outlined = await raster(outlineText(text), []);
      const { svg, texts } = splitText(`<svg xmlns="http://www.w3.org/2000/svg" width="360" height="48">${text}</svg>`);
      expect(svg).not.toContain("<text");
      const blended = await raster("", []);
      drawText(blended.data, blended.width, texts, 1);
      for (const [how, ours] of [
        ["outlined", outlined],
        ["blended", blended],
      ] as const) {
        const ink = ours.data.filter((v, i) => i % 4 === 0 && v < 128).length;
        expect(ink).toBeGreaterThan(500);
        let off = 0;
        for (let i = 0; i < ours.data.length; i += 4) {
          if (Math.abs((ours.data[i] ?? 0) - (theirs.data[i] ?? 0)) > 96) off++;
        }
        expect(off, `${how} ${weight} ${anchor} ${dominant}`).toBeLessThan(ink * 0.02);
      }
    }
  });

  it("draws as glyphs only the texts ECharts writes for the charts: filled with a colour, moved by a translate", () => {
    const svg = (attributes: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"><text ${attributes}>东城</text></svg>`;
    expect(splitText(svg('transform="translate(4 16)" fill="#1F2329"')).texts).toHaveLength(1);
    expect(() => splitText(svg('transform="rotate(90)" fill="#1F2329"'))).toThrow(/东城/);
    expect(() => splitText(svg('fill="url(#gradient)"'))).toThrow(/东城/);
    expect(() => splitText(svg('fill="#1F2329" stroke="#FFFFFF"'))).toThrow(/东城/);
  });

  it("finds the font files through module resolution", () => {
    const files = chartFontFiles();
    expect(files).toHaveLength(2);
    for (const f of files) expect(f).toMatch(/@embedpdf[\\/]fonts-sc[\\/]fonts[\\/]NotoSansHans-\w+\.otf$/);
  });
});
