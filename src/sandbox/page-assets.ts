import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import { chartFontFiles } from "../reports/chart-font.ts";

const PAGE_DIR = join(import.meta.dirname, "page");

/** One file the page loads. */
export interface Asset {
  type: string;
  body: Buffer | string;
  /** Seconds a browser may cache it. */
  maxAge: number;
}

let script: Promise<string> | undefined;

/**
 * The page script: page/main.ts and what it imports, bundled by esbuild in memory on first request (about 100 ms)
 * and kept for the life of the process, so `npm start` needs no build step.
 */
function bundleScript(): Promise<string> {
  script ??= build({
    entryPoints: [join(PAGE_DIR, "main.ts")],
    bundle: true,
    write: false,
    format: "esm",
    target: "es2022",
    charset: "utf8",
    legalComments: "none",
    logLevel: "silent",
  }).then((result) => {
    const [output] = result.outputFiles;
    if (!output) throw new Error("esbuild produced no page script");
    return output.text;
  });
  script.catch(() => {
    script = undefined;
  });
  return script;
}

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
