/**
 * The 比学赶超 ranking of units by rectification rate (夺红旗、亮黄牌), used by the digest, its chart and 统计.
 *
 * Rules:
 *   - Units are ranked by the period's rectification rate, highest first.
 *   - A unit with fewer than `minIssues` issues in the rate's denominator (closed + open terms) is not ranked:
 *     it is listed after the ranked units as 不参与排名, since one issue more or less would swing its rate.
 *   - Equal rates share a rank and the next rank skips (1, 1, 3). Rates are compared exactly, as fractions.
 *   - With at least two ranked units, every unit of the best rank gets the red flag 🚩 and every unit of the worst
 *     rank the yellow card 🟨; when all ranked units tie, they all share the top and nobody gets a yellow card.
 */

import { DEFAULT_MIN_RANKED_ISSUES } from "../domain/metrics.ts";
import type { UnitStats } from "./stats.ts";
import { DEPARTMENT_LEVEL } from "./stats-scope.ts";

/** One line of a ranking. */
export interface RankingEntry {
  stats: UnitStats;
  /** 1-based rank; null when the unit is not ranked (不参与排名). */
  rank: number | null;
  /** "red" 🚩 for the best, "yellow" 🟨 for the worst, else null (the chart module uses the same names). */
  flag: "red" | "yellow" | null;
}

/** What a flag looks like in text. */
export const FLAG_EMOJI: Readonly<Record<"red" | "yellow", string>> = { red: "🚩", yellow: "🟨" };

function denominator(stats: UnitStats): number {
  return stats.rate.closed + stats.rate.open;
}

/** Compares the rates closed/denominator of two units exactly (cross-multiplied): negative when `a` is better. */
function compareRates(a: UnitStats, b: UnitStats): number {
  return b.rate.closed * denominator(a) - a.rate.closed * denominator(b);
}

function byCode(a: UnitStats, b: UnitStats): number {
  return a.unit.code < b.unit.code ? -1 : a.unit.code > b.unit.code ? 1 : 0;
}

/**
 * Ranks units by rectification rate (rules at the top of this file): ranked units first, best first (equal rates
 * ordered by more issues, then code), then unranked ones by code. `minIssues` below 1 is treated as 1, so a unit
 * with no rate is never ranked.
 */
export function rankUnits(units: readonly UnitStats[], minIssues: number = DEFAULT_MIN_RANKED_ISSUES): RankingEntry[] {
  const threshold = Math.max(1, minIssues);
  const ranked = units.filter((u) => denominator(u) >= threshold);
  const unranked = units.filter((u) => denominator(u) < threshold).sort(byCode);
  ranked.sort((a, b) => compareRates(a, b) || denominator(b) - denominator(a) || byCode(a, b));

  const entries: { stats: UnitStats; rank: number; flag: RankingEntry["flag"] }[] = [];
  ranked.forEach((stats, i) => {
    const previous = entries[i - 1];
    const tied = previous !== undefined && compareRates(previous.stats, stats) === 0;
    entries.push({ stats, rank: tied ? previous.rank : i + 1, flag: null });
  });

  if (entries.length >= 2) {
    const worst = entries[entries.length - 1]?.rank ?? 1;
    for (const entry of entries) {
      if (entry.rank === 1) entry.flag = "red";
      else if (entry.rank === worst) entry.flag = "yellow";
    }
  }

  return [...entries, ...unranked.map((stats): RankingEntry => ({ stats, rank: null, flag: null }))];
}

/**
 * The ranking of the children of `parentId` (grids in a community, communities in a street) from the result of
 * statsByUnit for that parent. Departments under an area unit are left out: they are not areas and are ranked
 * among departments only.
 */
export function rankChildren(
  stats: ReadonlyMap<number, UnitStats>,
  parentId: number,
  minIssues: number = DEFAULT_MIN_RANKED_ISSUES,
): RankingEntry[] {
  const parent = stats.get(parentId);
  const parentIsDepartment = parent?.unit.level === DEPARTMENT_LEVEL;
  const children = [...stats.values()].filter(
    (s) => s.unit.parentId === parentId && (s.unit.level === DEPARTMENT_LEVEL) === parentIsDepartment,
  );
  return rankUnits(children, minIssues);
}
