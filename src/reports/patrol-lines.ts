/**
 * Patrol coverage as lines people read (behaviour §14.4–14.7): the digests' patrol section and the 巡查日报, a
 * patroller's points for today, the weekly coverage table. The figures come from patrol-coverage.ts as they are;
 * each line escapes the names in it for the format it goes into.
 */

import { PATROL_LEVELS } from "../domain/types.ts";
import { COVERAGE_TABLE_TEXTS, PATROL_REPORT_TEXTS, planLabel, pointLabel, TODAY_TEXTS } from "../texts/patrol.ts";
import type { CoverageTable, PatrolReport, TodayPatrol } from "./patrol-coverage.ts";

type Escape = (text: string) => string;

/** Average hours as days with one decimal ("1.3"); null when nothing was rectified. */
function days(hours: number | null): string | null {
  return hours === null ? null : (hours / 24).toFixed(1);
}

/**
 * The lines of a 巡查日报 (and of a digest's patrol section): visits, coverage per level, the problems found on
 * patrols, then the missed plans (at most `limit`, the rest counted).
 */
export function patrolReportLines(report: PatrolReport, esc: Escape, limit = 10): string[] {
  const s = report.problems;
  const lines = [
    PATROL_REPORT_TEXTS.visits(report.visits, report.patrollers, report.pointsVisited, report.withProblems),
    PATROL_REPORT_TEXTS.coverage(
      PATROL_LEVELS.filter((level) => report.byLevel[level].due > 0).map((level) => ({
        level,
        ...report.byLevel[level],
      })),
    ),
    PATROL_REPORT_TEXTS.problems(
      s.found,
      s.byKind.dynamic,
      s.byKind.static,
      s.rectified,
      s.open,
      days(s.durations.rectification.averageHours),
    ),
  ];
  if (report.missed.length === 0) return [...lines, PATROL_REPORT_TEXTS.allMet];
  return [
    ...lines,
    PATROL_REPORT_TEXTS.missedTitle(report.missed.length),
    ...report.missed
      .slice(0, limit)
      .map((c) =>
        PATROL_REPORT_TEXTS.missedLine(
          esc(pointLabel(c.point.name, c.point.key)),
          planLabel(c.level, c.frequency, esc(c.patroller.name)),
        ),
      ),
    ...(report.missed.length > limit ? [PATROL_REPORT_TEXTS.more(report.missed.length)] : []),
  ];
}

/** One line per plan of a patroller's points for today (behaviour §14.5). */
export function todayPatrolLines(today: readonly TodayPatrol[], esc: Escape): string[] {
  return today.map((t) =>
    TODAY_TEXTS.line(
      t.visited,
      esc(pointLabel(t.point.name, t.point.key)),
      planLabel(t.level, t.frequency, esc(t.patroller.name)),
      t.lastDue,
      TODAY_TEXTS.span[t.frequency],
    ),
  );
}

/** The weekly coverage table as lines (behaviour §14.6): the totals, then per person, then per point. */
export function coverageTableLines(table: CoverageTable, esc: Escape): string[] {
  if (table.byPerson.length === 0 && table.byPoint.length === 0) return [COVERAGE_TABLE_TEXTS.none];
  return [
    COVERAGE_TABLE_TEXTS.total(table.met, table.due),
    COVERAGE_TABLE_TEXTS.byPerson,
    ...table.byPerson.map((p) =>
      COVERAGE_TABLE_TEXTS.personLine(esc(p.name), p.visits, p.points, p.withProblems, p.met, p.due),
    ),
    COVERAGE_TABLE_TEXTS.byPoint,
    ...table.byPoint.map((p) =>
      COVERAGE_TABLE_TEXTS.pointLine(
        esc(pointLabel(p.point.name, p.point.key)),
        p.met,
        p.due,
        PATROL_LEVELS.filter((l) => p.byLevel[l].due > 0)
          .map((l) => COVERAGE_TABLE_TEXTS.level(l, p.byLevel[l].met, p.byLevel[l].due))
          .join(" · "),
        p.visits,
      ),
    ),
  ];
}
