#!/usr/bin/env node
// `npm install` (the "prepare" script) and `npm start` run this: bundles the bot's TypeScript (src/cli/main.ts and
// everything it imports, dynamic imports as chunks of their own) into JavaScript in dist/, so the running bot needs
// no TypeScript loader. Packages stay in node_modules. The chunks sit side by side in dist/: src/config/paths.ts
// finds the project's folder one level up. Takes well under a second. With --if-changed (npm start) it does nothing
// when dist/ is newer than every file under src/ and this script. The benchmark builds its bot process the same way
// (bundle below). Beside the bundle goes a copy of the Lark SDK without its comments (src/lark/sdk.ts says why).
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const OUT = "dist";
const ENTRY = join(OUT, "riqing.js");

/** The newest modification time of `path` and, for a folder, of everything in it. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** The file name of the Lark SDK's copy in the build, as src/lark/sdk.ts requires it. */
const LARK_SDK_COPY = "lark-sdk.cjs";

/**
 * Bundles `entryPoints` ({name: source}) into `outdir`, emptied first, as the bot is built, with the Lark SDK's copy.
 * `outdir` must be one level under the project's folder (src/config/paths.ts), so that the copy's own `require`s
 * find the SDK's dependencies in node_modules.
 */
export async function bundle(entryPoints, outdir) {
  const { build } = await import("esbuild");
  rmSync(outdir, { recursive: true, force: true });
  // The same code, whitespace and comments dropped and every non-ASCII character escaped.
  await build({
    entryPoints: [createRequire(import.meta.url).resolve("@larksuiteoapi/node-sdk")],
    outfile: join(outdir, LARK_SDK_COPY),
    format: "cjs",
    platform: "node",
    target: "node20.12",
    charset: "ascii",
    minifyWhitespace: true,
    sourcemap: "linked",
    logLevel: "warning",
  });
  await build({
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    chunkNames: "[name]-[hash]",
    format: "esm",
    platform: "node",
    target: "node20.12",
    packages: "external",
    define: { LARK_SDK_COPY: JSON.stringify(`./${LARK_SDK_COPY}`) },
    sourcemap: "linked",
    logLevel: "warning",
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const upToDate =
    process.argv.includes("--if-changed") &&
    existsSync(ENTRY) &&
    statSync(ENTRY).mtimeMs > Math.max(newest("src"), newest("scripts/build.js"));
  if (!upToDate) await bundle({ riqing: "src/cli/main.ts" }, OUT);
}
