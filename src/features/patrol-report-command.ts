import type { FeatureDeps } from "../commands/deps.ts";
import { orgOf } from "../db/org-queries.ts";
import { localDateString, localPeriod } from "../domain/deadline.ts";
import { coverageTable, hasPatrolPlans, patrolReport } from "../reports/patrol-coverage.ts";
import { coverageTableLines, patrolReportLines } from "../reports/patrol-lines.ts";
import { periodLabel } from "../reports/stats.ts";
import { escapeText } from "../texts/escape.ts";
import { COVERAGE_TABLE_TEXTS, PATROL_REPORT_TEXTS } from "../texts/patrol.ts";

/** The levels 巡查日报 and 巡查周报 are given for, the wider first: a private ask answers for the widest. */
const LEVELS = ["street", "community"] as const;

/**
 * 巡查日报 and 巡查周报 (behaviour §14.6, §14.7): today's patrol report, or this week's coverage table (Monday to
 * today), of the street or community the command covers — the group's unit, or in private the widest such unit the
 * sender's duties reach. A unit without plans is told so.
 */
export async function patrolAnswer(
  deps: FeatureDeps,
  span: "day" | "week",
  unitIds: readonly number[],
): Promise<string> {
  const org = await orgOf(deps.db);
  const units = unitIds.flatMap((id) => org.units.get(id) ?? []);
  const unit = LEVELS.flatMap((level) => units.filter((u) => u.level === level))[0] ?? units[0];
  if (!unit) return PATROL_REPORT_TEXTS.noPlans("");
  if (!(await hasPatrolPlans(deps.db, unit.id))) return PATROL_REPORT_TEXTS.noPlans(escapeText(unit.name));
  const now = deps.now();
  const today = localPeriod(now, "day", deps.timeZone);
  if (span === "day") {
    const report = await patrolReport(deps.db, {
      unitId: unit.id,
      period: today,
      asOf: now,
      timeZone: deps.timeZone,
      officeHours: deps.officeHours,
    });
    return [
      PATROL_REPORT_TEXTS.heading(escapeText(unit.name), localDateString(now, deps.timeZone)),
      "",
      ...patrolReportLines(report, escapeText, Number.POSITIVE_INFINITY),
      "",
      PATROL_REPORT_TEXTS.definition,
    ].join("\n");
  }
  const week = { from: localPeriod(now, "week", deps.timeZone).from, to: today.to };
  const table = await coverageTable(deps.db, { unitId: unit.id, period: week, timeZone: deps.timeZone });
  return [
    COVERAGE_TABLE_TEXTS.heading(escapeText(unit.name), periodLabel(week, deps.timeZone)),
    "",
    ...coverageTableLines(table, escapeText),
  ].join("\n");
}
