#!/usr/bin/env node
// `npm install` runs this as the "prepare" script: `prisma generate`, with its output passed through except for the
// two warnings Prisma 6.19 prints about the preview features "driverAdapters" and "queryCompiler". Riqing must keep
// them: without them `prisma generate` falls back to downloading an engine binary, which fails offline. Every other
// line, and the exit code, is Prisma's own.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";

const EXPECTED = /^warn Preview feature "(driverAdapters|queryCompiler)" is deprecated\./;
// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes are what is stripped
const COLOURS = /\u001b\[[0-9;]*m/g;

const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const child = spawn(process.execPath, [cli, "generate", ...process.argv.slice(2)], {
  stdio: ["inherit", "pipe", "pipe"],
});

/** Copies `from` to `to` line by line, leaving out the expected warnings. */
function pass(from, to) {
  const lines = createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on("line", (line) => {
    if (!EXPECTED.test(line.replace(COLOURS, ""))) to.write(`${line}\n`);
  });
  return new Promise((resolve) => lines.once("close", resolve));
}

const copied = Promise.all([pass(child.stdout, process.stdout), pass(child.stderr, process.stderr)]);
child.on("close", async (code, signal) => {
  await copied;
  process.exit(code ?? (signal ? 1 : 0));
});
