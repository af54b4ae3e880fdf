#!/usr/bin/env node
// `npm install` (the "prepare" script) and `npm start` run this: bundles the bot's TypeScript (src/cli/main.ts and
// everything it imports, dynamic imports as chunks of their own) into JavaScript in dist/, so the running bot needs
// no TypeScript loader. Packages stay in node_modules. The chunks sit side by side in dist/: src/config/paths.ts
// finds the project's folder one level up. Takes well under a second.
import { rmSync } from "node:fs";
import { build } from "esbuild";

const OUT = "dist";

rmSync(OUT, { recursive: true, force: true });
await build({
  entryPoints: { riqing: "src/cli/main.ts" },
  outdir: OUT,
  bundle: true,
  splitting: true,
  chunkNames: "[name]-[hash]",
  format: "esm",
  platform: "node",
  target: "node20.12",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
});
