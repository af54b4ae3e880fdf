/**
 * The 比学赶超 ranking of units by 综合指标值 (夺红旗、亮黄牌), used by the digest, its chart, the board and 统计
 * (behaviour §7.2, §8.6; docs/indicators.md).
 *
 * Rules:
 *   - Units are ranked by the period's 综合指标值 (compositeIndex in src/domain/metrics.ts, with the configured
 *     weights), highest first.
 *   - A unit with fewer than `minIssues` issues in its 应结案数 is not ranked: it is listed after the ranked units as
 *     不参与排名, since one issue more or less would swing its value.
 *   - Equal values share a rank and the next rank skips (1, 1, 3); values within a billionth of a point are equal.
 *   - With at least two ranked units, every unit of the best rank gets the red flag 🚩 — when its value reaches
 *     `redFlagAtLeast`, if set — and every unit of the worst rank the yellow card 🟨 — when its value is below
 *     `yellowCardBelow`, if set; when all ranked units tie, they all share the top and nobody gets a yellow card.
 */

import {
  compositeIndex,
  DEFAULT_MIN_RANKED_ISSUES,
  DEFAULT_RANKING_SCORING,
  type RankingScoring,
} from "../domain/metrics.ts";
import type { UnitStats } from "./stats.ts";
import { DEPARTMENT_LEVEL } from "./stats-scope.ts";

/** One line of a ranking. */
export interface RankingEntry {
  stats: UnitStats;
  /** 综合指标值 with the rule's weights; null when the unit has nothing to measure. */
  score: number | null;
  /** 1-based rank; null when the unit is not ranked (不参与排名). */
  rank: number | null;
  /** "red" 🚩 for the best, "yellow" 🟨 for the worst, else null (the chart module uses the same names). */
  flag: "red" | "yellow" | null;
}

/** What a flag looks like in text. */
export const FLAG_EMOJI: Readonly<Record<"red" | "yellow", string>> = { red: "🚩", yellow: "🟨" };

/** Values closer than this are equal (floating-point sums of weighted fractions). */
const EPSILON = 1e-9;

function denominator(stats: UnitStats): number {
  return stats.indicators.dueClosure;
}

function byCode(a: UnitStats, b: UnitStats): number {
  return a.unit.code < b.unit.code ? -1 : a.unit.code > b.unit.code ? 1 : 0;
}

/**
 * Ranks units by 综合指标值 (rules at the top of this file): ranked units first, best first (equal values ordered
 * by more issues, then code), then unranked ones by code. `minIssues` below 1 is treated as 1, so a unit with
 * nothing to measure is never ranked.
 */
export function rankUnits(
  units: readonly UnitStats[],
  minIssues: number = DEFAULT_MIN_RANKED_ISSUES,
  rule: RankingScoring = DEFAULT_RANKING_SCORING,
): RankingEntry[] {
  const threshold = Math.max(1, minIssues);
  const scored = units.map((stats) => ({ stats, score: compositeIndex(stats.indicators, rule.weights) }));
  const ranked = scored.filter((u) => denominator(u.stats) >= threshold);
  const unranked = scored.filter((u) => denominator(u.stats) < threshold).sort((a, b) => byCode(a.stats, b.stats));
  const compare = (a: { score: number | null }, b: { score: number | null }) => {
    const difference = (b.score ?? 0) - (a.score ?? 0);
    return Math.abs(difference) < EPSILON ? 0 : difference;
  };
  ranked.sort((a, b) => compare(a, b) || denominator(b.stats) - denominator(a.stats) || byCode(a.stats, b.stats));

  const entries: RankingEntry[] = [];
  ranked.forEach((unit, i) => {
    const previous = entries[i - 1];
    const tied = previous !== undefined && compare(previous, unit) === 0;
    entries.push({ ...unit, rank: tied ? (previous.rank as number) : i + 1, flag: null });
  });

  if (entries.length >= 2) {
    const worst = entries[entries.length - 1]?.rank ?? 1;
    for (const entry of entries) {
      const score = entry.score ?? 0;
      if (entry.rank === 1) {
        if (rule.redFlagAtLeast === null || score >= rule.redFlagAtLeast) entry.flag = "red";
      } else if (entry.rank === worst && (rule.yellowCardBelow === null || score < rule.yellowCardBelow)) {
        entry.flag = "yellow";
      }
    }
  }

  return [...entries, ...unranked.map((unit): RankingEntry => ({ ...unit, rank: null, flag: null }))];
}

/**
 * The ranking of the children of `parentId` (grids in a community, communities in a street) from the result of
 * statsByUnit for that parent. Departments under an area unit are not areas and are ranked among departments only:
 * `departments` (default: whether the parent is one) says which of its children to rank.
 */
export function rankChildren(
  stats: ReadonlyMap<number, UnitStats>,
  parentId: number,
  minIssues: number = DEFAULT_MIN_RANKED_ISSUES,
  rule: RankingScoring = DEFAULT_RANKING_SCORING,
  departments: boolean = stats.get(parentId)?.unit.level === DEPARTMENT_LEVEL,
): RankingEntry[] {
  const children = [...stats.values()].filter(
    (s) => s.unit.parentId === parentId && (s.unit.level === DEPARTMENT_LEVEL) === departments,
  );
  return rankUnits(children, minIssues, rule);
}
