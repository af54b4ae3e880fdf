/**
 * Category matching: accuracy on the phrasings corpus (test/fixtures/category-phrasings.yaml) against the shipped
 * catalogue — all of it, the tuning part and the held-out part — and its cost on the filing path: loading the
 * segmenter once (time, memory), compiling a category list's keywords once, then the time per report text, for
 * the category alone and for the whole of what filing matches (places of the demo street and the category).
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { matchReportText } from "../src/commands/file-issue.ts";
import { openDb } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { orgOf } from "../src/db/org-queries.ts";
import { classify, prepareMatching } from "../src/domain/match.ts";
import { loadSegmenter } from "../src/domain/segment.ts";
import { importOrg } from "../src/org/import-org.ts";
import { CATALOGUE_CANDIDATES, loadPhrasings, scorePhrasings } from "./lib/category-corpus.ts";
import { round, roundSummary, summarize } from "./lib/stats.ts";

const DEMO_ORG = join(import.meta.dirname, "../examples/org.yaml");

/** Options of {@link runMatch}. */
export interface MatchBenchOptions {
  /** Times every corpus text is matched for the timings. */
  rounds: number;
}

/** Microseconds per call of `work` on every text, `rounds` times over. */
function perText(texts: readonly string[], rounds: number, work: (text: string) => unknown) {
  const micros: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const text of texts) {
      const started = performance.now();
      work(text);
      micros.push((performance.now() - started) * 1000);
    }
  }
  return roundSummary(summarize(micros), 1);
}

/** Runs the section; see the module comment. */
export async function runMatch(options: MatchBenchOptions): Promise<Record<string, unknown>> {
  const rssBefore = process.memoryUsage().rss;
  let started = performance.now();
  loadSegmenter();
  const segmenterLoadMs = round(performance.now() - started, 0);
  const segmenterRssMB = round((process.memoryUsage().rss - rssBefore) / 2 ** 20, 0);

  started = performance.now();
  prepareMatching(CATALOGUE_CANDIDATES);
  const vocabularyCompileMs = round(performance.now() - started, 1);

  const phrasings = loadPhrasings();
  const corpus = {
    all: scorePhrasings(phrasings).score,
    tuning: scorePhrasings(phrasings.filter((p) => !p.heldOut)).score,
    heldOut: scorePhrasings(phrasings.filter((p) => p.heldOut)).score,
  };
  const texts = phrasings.map((p) => `上报 ${p.text}`);
  const classifyMicros = perText(texts, options.rounds, (text) => classify(text, CATALOGUE_CANDIDATES));

  const dir = mkdtempSync(join(tmpdir(), "riqing-bench-match-"));
  try {
    const url = `file:${join(dir, "riqing.db")}`;
    migrate(url);
    const db = await openDb(url);
    try {
      const report = await importOrg(db, DEMO_ORG);
      if (!report.ok) throw new Error("the demo org did not import");
      const org = await orgOf(db);
      const street = [...org.units.values()].find((u) => u.level === "street");
      if (!street) throw new Error("the demo org has no street");
      prepareMatching(org.categories);
      const filingMicros = perText(texts, options.rounds, (text) => matchReportText(org, street.id, text));
      return {
        phrasings: phrasings.length,
        corpus,
        segmenterLoadMs,
        segmenterRssMB,
        vocabularyCompileMs,
        classifyMicros,
        filingMatchMicros: filingMicros,
      };
    } finally {
      await db.$disconnect();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
