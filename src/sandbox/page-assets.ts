import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PROJECT_DIR } from "../config/paths.ts";
import { pageBundle } from "../http/page-bundle.ts";
import { chartFontFiles } from "../reports/chart-font.ts";

const PAGE_DIR = join(PROJECT_DIR, "src/sandbox/page");

/** One file the page loads. */
export interface Asset {
  type: string;
  body: Buffer | string;
  /** Seconds a browser may cache it. */
  maxAge: number;
}

/** The page script: page/main.ts and what it imports (see pageBundle). */
const bundleScript = pageBundle(join(PAGE_DIR, "main.ts"));

/**
 * The page's files by name: the HTML, the stylesheet, the bundled script, and the Noto Sans SC fonts the charts use
 * (so Chinese renders on machines without CJK fonts, such as a bare CI container). Undefined for an unknown name.
 */
export async function pageAsset(name: string): Promise<Asset | undefined> {
  switch (name) {
    case "index.html":
      return { type: "text/html; charset=utf-8", body: await readFile(join(PAGE_DIR, "index.html")), maxAge: 0 };
    case "app.css":
      return { type: "text/css; charset=utf-8", body: await readFile(join(PAGE_DIR, "style.css")), maxAge: 0 };
    case "app.js":
      return { type: "text/javascript; charset=utf-8", body: await bundleScript(), maxAge: 0 };
    case "font-regular.otf":
    case "font-bold.otf": {
      const [regular, bold] = chartFontFiles();
      const file = name === "font-regular.otf" ? regular : bold;
      return file ? { type: "font/otf", body: await readFile(file), maxAge: 86_400 } : undefined;
    }
    default:
      return undefined;
  }
}
