/**
 * Runs one section of the benchmark in a process of its own (the runner starts it, with a time limit):
 * `node --import tsx bench/section.ts <ingest|city|pacing|match>` with the section's options as JSON in BENCH_SECTION.
 * Results are written as JSON to the file named by BENCH_OUT — after every step for the city section, so a step
 * that runs out of time leaves the earlier ones.
 */

import { writeFileSync } from "node:fs";
import { runCity } from "./city/city.ts";
import { type IngestOptions, runIngest } from "./ingest/ingest.ts";
import { type MatchBenchOptions, runMatch } from "./match.ts";
import { runPacing } from "./pacing.ts";

/** Options of any section as passed through the environment (dates as ISO strings). */
type Raw = Record<string, unknown> & { now?: string };

async function main(): Promise<void> {
  const [name] = process.argv.slice(2);
  const raw = JSON.parse(process.env.BENCH_SECTION ?? "{}") as Raw;
  const out = process.env.BENCH_OUT;
  if (!out) throw new Error("BENCH_OUT is not set");
  const write = (results: unknown) => writeFileSync(out, JSON.stringify(results, null, 2));
  const now = new Date(raw.now ?? Date.now());
  switch (name) {
    case "ingest":
      write(await runIngest(raw as unknown as IngestOptions));
      break;
    case "city":
      write(await runCity({ ...(raw as unknown as Parameters<typeof runCity>[0]), now }, write));
      break;
    case "pacing":
      write(await runPacing({ ...(raw as unknown as Parameters<typeof runPacing>[0]), now }));
      break;
    case "match":
      write(await runMatch(raw as unknown as MatchBenchOptions));
      break;
    default:
      throw new Error(`unknown section ${name}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench section ${process.argv[2]} failed:`, error);
    process.exit(1);
  },
);
