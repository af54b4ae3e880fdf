#!/usr/bin/env node
// `npm install` runs this as the "prepare" script: `prisma generate` for the SQLite schema and the PostgreSQL schema
// generated from it, with their output passed through except for the
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
/**
 * The two clients, SQLite's from the schema source and PostgreSQL's from the schema generated from it — or, when the
 * command line names what to generate, just that.
 */
const SCHEMAS =
  process.argv.length > 2 ? [process.argv.slice(2)] : [[], ["--schema", "prisma/postgresql/schema.prisma"]];

/** Copies `from` to `to` line by line, leaving out the expected warnings. */
function pass(from, to) {
  const lines = createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on("line", (line) => {
    if (!EXPECTED.test(line.replace(COLOURS, ""))) to.write(`${line}\n`);
  });
  return new Promise((resolve) => lines.once("close", resolve));
}

/** Runs `prisma generate` with `args`; resolves with its exit code. */
function generate(args) {
  const child = spawn(process.execPath, [cli, "generate", ...args], {
    stdio: ["inherit", "pipe", "pipe"],
  });
  const copied = Promise.all([pass(child.stdout, process.stdout), pass(child.stderr, process.stderr)]);
  return new Promise((resolve) =>
    child.on("close", async (code, signal) => {
      await copied;
      resolve(code ?? (signal ? 1 : 0));
    }),
  );
}

for (const args of SCHEMAS) {
  const code = await generate(args);
  if (code !== 0) process.exit(code);
}
