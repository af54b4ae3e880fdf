/**
 * The CJK font used to rasterize digest charts.
 *
 * Charts are rendered with system fonts disabled so the PNG looks the same on every machine; the glyphs come from the
 * Noto Sans Hans (Simplified Chinese) files shipped in the `@embedpdf/fonts-sc` npm package.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, parse } from "node:path";

/**
 * Family name under which resvg (fontdb) registers the `@embedpdf/fonts-sc` files: the typographic family (name ID 16)
 * of NotoSansHans-*.otf. Every text element of a chart uses it, and it is resvg's default family.
 */
export const CHART_FONT_FAMILY = "Noto Sans S Chinese";

const FONT_PACKAGE = "@embedpdf/fonts-sc";
/** Weights the charts use: body text (400) and titles / flag tags (700). */
const FONT_FILES = ["NotoSansHans-Regular.otf", "NotoSansHans-Bold.otf"] as const;

let cached: string[] | undefined;

/**
 * Absolute paths of the chart font files (regular and bold), looked up once through Node module resolution so they
 * are found wherever `node_modules` lives. Throws with a clear message when the package or a file is missing.
 */
export function chartFontFiles(): string[] {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve(FONT_PACKAGE);
  } catch (err) {
    throw new Error(`chart font package ${FONT_PACKAGE} is not installed`, { cause: err });
  }
  // The package's export map hides package.json and the fonts folder, so walk up from its entry point
  // (dist/index.cjs) to the first directory that holds fonts/<file>.
  let dir = dirname(entry);
  const root = parse(dir).root;
  for (;;) {
    const candidate = join(dir, "fonts");
    if (FONT_FILES.every((f) => existsSync(join(candidate, f)))) {
      cached = FONT_FILES.map((f) => join(candidate, f));
      return cached;
    }
    if (dir === root || basename(dir) === "node_modules") break;
    dir = dirname(dir);
  }
  throw new Error(`chart font files ${FONT_FILES.join(", ")} not found in ${FONT_PACKAGE} (resolved ${entry})`);
}
