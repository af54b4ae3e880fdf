/**
 * `riqing match`: shows how Riqing would file report texts — the place, the category, the three likeliest categories
 * with their scores and the keywords that decided — so an admin can tune keywords after an import.
 */

import { createInterface } from "node:readline";
import { matchReportText } from "../commands/file-issue.ts";
import type { Config } from "../config/env.ts";
import { openDb } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { categoryOf, type Org, orgOf } from "../db/org-queries.ts";
import { type KeywordHit, prepareMatching } from "../domain/match.ts";
import { CLI_TEXTS, MATCH_TEXTS as T } from "../texts/cli.ts";

/** What `riqing match` is asked. */
export interface MatchOptions {
  /** One JSON object per line instead of text for people. */
  json: boolean;
  /** Places are looked for under this unit, as in a chat bound to it; the whole org when absent. */
  unit: string | undefined;
  /** The texts; none means one per line from standard input. */
  texts: string[];
}

/** How one text would be filed: the JSON line of `riqing match --json`. */
interface MatchLine {
  text: string;
  category: { code: string; name: string } | null;
  candidates: { code: string; name: string; score: number; words: string[] }[];
  place: { grid: { code: string; name: string }; point: string | null; word: string | null } | null;
}

function matchLine(org: Org, unitId: number | null, text: string): MatchLine & { hits: KeywordHit[][] } {
  const match = matchReportText(org, unitId, text);
  const category = categoryOf(org, match.categoryId);
  const grid = match.place ? org.units.get(match.place.gridId) : undefined;
  const point = match.place?.pointId ? org.points.get(match.place.pointId) : undefined;
  const candidates = match.candidates.flatMap((c) => {
    const found = categoryOf(org, c.id);
    return found ? [{ code: found.code, name: found.name, score: c.score, hits: c.hits }] : [];
  });
  return {
    text,
    category: category ? { code: category.code, name: category.name } : null,
    candidates: candidates.map(({ hits, ...c }) => ({ ...c, words: hits.map((h) => h.keyword) })),
    place: grid
      ? { grid: { code: grid.code, name: grid.name }, point: point?.name ?? null, word: match.placeName }
      : null,
    hits: candidates.map((c) => c.hits),
  };
}

/** A keyword as found: itself, or with what the text wrote when that was a homophone typo. */
function hitText(hit: KeywordHit): string {
  return hit.found === hit.keyword ? hit.keyword : T.typo(hit.keyword, hit.found);
}

function readable(line: MatchLine, hits: KeywordHit[][]): string {
  const place = line.place ? T.place(line.place.grid.name, line.place.point, line.place.word) : T.noPlace;
  const category = line.category ? line.category.name : line.candidates.length > 0 ? T.categoryPending : T.noCategory;
  const candidates = line.candidates.map((c, i) =>
    T.candidate(i + 1, c.name, c.code, c.score, (hits[i] ?? []).map(hitText)),
  );
  return T.readable(line.text, place, category, candidates);
}

async function* linesOf(options: MatchOptions): AsyncGenerator<string> {
  if (options.texts.length > 0) {
    yield* options.texts;
    return;
  }
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.trim() !== "") yield line.trim();
  }
}

/**
 * Runs `riqing match`: prints, for every text, how Riqing would file it with the org in the database. Returns the
 * exit code: 0 done, 1 when the unit is unknown or the database holds no categories yet.
 */
export async function runMatch(config: Config, options: MatchOptions): Promise<number> {
  await migrate(config.databaseUrl);
  const db = await openDb(config.databaseUrl);
  try {
    const org = await orgOf(db);
    if (org.categories.length === 0) {
      console.error(T.noCategories);
      return 1;
    }
    const unit = options.unit === undefined ? null : [...org.units.values()].find((u) => u.code === options.unit);
    if (unit === undefined) {
      console.error(CLI_TEXTS.unknownUnitCode(options.unit));
      return 1;
    }
    prepareMatching(org.categories);
    for await (const text of linesOf(options)) {
      const { hits, ...line } = matchLine(org, unit?.id ?? null, text);
      console.log(options.json ? JSON.stringify(line) : readable(line, hits));
    }
    return 0;
  } finally {
    await db.$disconnect();
  }
}
