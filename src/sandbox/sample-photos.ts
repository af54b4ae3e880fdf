import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PROJECT_DIR } from "../config/paths.ts";
import { CHART_FONT_FAMILY, chartFontFiles } from "../reports/chart-font.ts";

/** A bundled illustration of a street problem, drawn as SVG in ./samples and rasterized on first use. */
export interface SamplePhoto {
  id: string;
  /** Caption under the thumbnail. */
  name: string;
  /** A report line that fits the photo. */
  suggestedText: string;
}

/** The samples the page offers, in the order shown. */
export const SAMPLE_PHOTOS: readonly SamplePhoto[] = [
  { id: "market-boxes", name: "纸箱堆物", suggestedText: "上报 幸福路菜市场门口堆物堆料，纸箱堆了一地" },
  { id: "flying-wire", name: "飞线充电", suggestedText: "上报 3号楼楼下有人飞线充电" },
  { id: "street-stall", name: "占道摆摊", suggestedText: "上报 幸福里商业街有流动摊贩占道经营" },
  { id: "flyers", name: "小广告", suggestedText: "上报 幸福里小游园旁电线杆上贴满小广告" },
  { id: "market-cleared", name: "清理完毕", suggestedText: "已整改" },
];

const SAMPLE_DIR = join(PROJECT_DIR, "src/sandbox/samples");
const rendered = new Map<string, Promise<Buffer>>();

/** The PNG bytes of a sample (rendered once, then cached); undefined for an unknown id. */
export function samplePhoto(id: string): Promise<Buffer> | undefined {
  if (!SAMPLE_PHOTOS.some((s) => s.id === id)) return undefined;
  let png = rendered.get(id);
  if (!png) {
    png = Promise.all([readFile(join(SAMPLE_DIR, `${id}.svg`), "utf8"), import("@resvg/resvg-js")]).then(
      ([svg, { Resvg }]) =>
        new Resvg(svg, {
          font: { fontFiles: chartFontFiles(), loadSystemFonts: false, defaultFontFamily: CHART_FONT_FAMILY },
        })
          .render()
          .asPng(),
    );
    png.catch(() => rendered.delete(id));
    rendered.set(id, png);
  }
  return png;
}
