/**
 * The category phrasings corpus (test/fixtures/category-phrasings.yaml) scored against the shipped catalogue: top-1
 * and top-3 accuracy, how often the matcher decides and how often it decides wrongly, and the misses. Used by the
 * accuracy test and by the `match` section of the benchmark.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { type CategoryCandidate, classify } from "../../src/domain/match.ts";
import { CATALOGUE } from "../../src/org/catalogue.ts";

const CORPUS = join(import.meta.dirname, "../../test/fixtures/category-phrasings.yaml");

const part = z.record(z.string(), z.array(z.string().min(1)));
const corpusFile = z.object({ tuning: part, held_out: part });

/** One phrasing and the code of the category it belongs to. */
export interface Phrasing {
  text: string;
  code: string;
  /** Part of the held-out set, never tuned on. */
  heldOut: boolean;
}

/** Every phrasing of the corpus, tuning part first. */
export function loadPhrasings(): Phrasing[] {
  const file = corpusFile.parse(parse(readFileSync(CORPUS, "utf8")));
  const lines = (set: Record<string, string[]>, heldOut: boolean) =>
    Object.entries(set).flatMap(([code, texts]) => texts.map((text) => ({ text, code, heldOut })));
  return [...lines(file.tuning, false), ...lines(file.held_out, true)];
}

/** The shipped catalogue as the matcher sees it, ids standing for catalogue positions. */
export const CATALOGUE_CANDIDATES: readonly CategoryCandidate[] = CATALOGUE.map((c, id) => ({
  id,
  name: c.name,
  keywords: [...c.keywords],
}));

const codeOf = (id: number | undefined) => (id === undefined ? null : (CATALOGUE[id]?.code ?? null));

/** A phrasing whose category was not ranked first, with what came instead. */
export interface Miss {
  text: string;
  expected: string;
  /** The candidates, best first: "code score". */
  got: string[];
  heldOut: boolean;
}

/** How the matcher did on some phrasings; rates are fractions of `total`, to three decimals. */
export interface CorpusScore {
  total: number;
  top1: number;
  top3: number;
  /** Phrasings whose category the matcher decided on its own (not asking). */
  decided: number;
  /** Phrasings it decided on a wrong category. */
  decidedWrong: number;
}

const rate = (n: number, total: number) => (total === 0 ? 0 : Math.round((n / total) * 1000) / 1000);

/** Classifies every phrasing with the shipped catalogue and scores the results, with every miss. */
export function scorePhrasings(phrasings: readonly Phrasing[]): { score: CorpusScore; misses: Miss[] } {
  let top1 = 0;
  let top3 = 0;
  let decided = 0;
  let decidedWrong = 0;
  const misses: Miss[] = [];
  for (const p of phrasings) {
    const { category, candidates } = classify(p.text, CATALOGUE_CANDIDATES);
    const codes = candidates.map((c) => codeOf(c.id));
    if (codes[0] === p.code) top1++;
    else
      misses.push({
        text: p.text,
        expected: p.code,
        heldOut: p.heldOut,
        got: candidates.map((c) => `${codeOf(c.id)} ${c.score}`),
      });
    if (codes.includes(p.code)) top3++;
    if (category) {
      decided++;
      if (codeOf(category.id) !== p.code) decidedWrong++;
    }
  }
  const total = phrasings.length;
  return {
    score: {
      total,
      top1: rate(top1, total),
      top3: rate(top3, total),
      decided: rate(decided, total),
      decidedWrong: rate(decidedWrong, total),
    },
    misses,
  };
}

/** One line per miss, for a failing test or the bench's log. */
export function formatMisses(misses: readonly Miss[]): string {
  return misses
    .map((m) => `${m.heldOut ? "[held out] " : ""}${m.text} → expected ${m.expected}, got ${m.got.join(", ") || "—"}`)
    .join("\n");
}
