/**
 * Patrol coverage (三级巡查, behaviour §14) as data: which plans of a unit's points were met in a period, which points
 * nobody looked at when they were last due, a patroller's points for today, the weekly table per person and per
 * point, and the street's 巡查日报. Every "due" comes from domain/patrol.ts; every problem figure comes from
 * stats.ts (the issues found on patrols, counted by the statistics module's own definitions), never from here.
 *
 * A plan is met for a span when someone it names visited the point inside that span: the person of a person's plan,
 * or anyone with a duty on the plan's unit or a unit below it (a community's grid workers, a department's staff).
 */

import type { OfficeHours } from "../config/office-hours.ts";
import type { Db, Tx } from "../db/client.ts";
import { type Org, orgOf, unitSubtree } from "../db/org-queries.ts";
import { localPeriod, type Period } from "../domain/deadline.ts";
import { asksForVisitOn, lastDueDay, patrolSpan, spansDueIn } from "../domain/patrol.ts";
import { PATROL_FREQUENCIES, PATROL_LEVELS, type PatrolFrequency, type PatrolLevel } from "../domain/types.ts";
import { statsForScope, type UnitStats } from "./stats.ts";
import { foundOnPatrol, loadScope, type UnitNode } from "./stats-scope.ts";

type Client = Db | Tx;

/** A point as coverage lists it. */
export interface PatrolPoint {
  id: number;
  code: string;
  name: string;
  key: boolean;
  gridId: number;
}

/** Who a plan names: a person, or a unit whose people patrol. */
export type Patroller =
  | { kind: "person"; personId: number; name: string }
  | { kind: "unit"; unitId: number; name: string };

/** One line of the 点位包干分工表 as stored. */
export interface PatrolPlanLine {
  planId: number;
  point: PatrolPoint;
  level: PatrolLevel;
  frequency: PatrolFrequency;
  patroller: Patroller;
}

/** A plan's coverage over a period. */
export interface PlanCoverage extends PatrolPlanLine {
  /** Spans whose visit was last due in the period (domain/patrol.ts spansDueIn). */
  due: number;
  /** Of those, the spans someone the plan names visited the point in. */
  met: number;
  /** Visits to the point in the period by someone the plan names. */
  visits: number;
  lastVisitAt: Date | null;
}

/** A visit as coverage counts it. */
interface VisitFact {
  pointId: number;
  personId: number;
  at: Date;
}

const LEVEL_ORDER = new Map(PATROL_LEVELS.map((l, i) => [l, i]));

/** Key points first, then 一级 before 二级 before 三级, then by point code: the order every list uses. */
export function byPatrolOrder(a: PatrolPlanLine, b: PatrolPlanLine): number {
  return (
    Number(b.point.key) - Number(a.point.key) ||
    (LEVEL_ORDER.get(a.level) ?? 0) - (LEVEL_ORDER.get(b.level) ?? 0) ||
    a.point.code.localeCompare(b.point.code)
  );
}

const asLevel = (v: string): PatrolLevel =>
  (PATROL_LEVELS as readonly string[]).includes(v) ? (v as PatrolLevel) : "community";
const asFrequency = (v: string): PatrolFrequency =>
  (PATROL_FREQUENCIES as readonly string[]).includes(v) ? (v as PatrolFrequency) : "daily";

/** The ids of the points inside a unit (a grid, a community, a street …). */
function pointsUnder(org: Org, unitId: number): Map<number, PatrolPoint> {
  const units = new Set(unitSubtree(org, unitId).map((u) => u.id));
  const points = new Map<number, PatrolPoint>();
  for (const p of org.points.values()) {
    if (units.has(p.gridId)) points.set(p.id, { id: p.id, code: p.code, name: p.name, key: p.key, gridId: p.gridId });
  }
  return points;
}

/** The plans of the points inside `unitId` (or, for a person, the plans that name them or a unit they serve). */
async function plansOf(db: Client, org: Org, where: { unitId: number } | { personId: number }) {
  const rows = await db.patrolPlan.findMany({
    where:
      "unitId" in where
        ? { pointId: { in: [...pointsUnder(org, where.unitId).keys()] } }
        : { OR: [{ personId: where.personId }, { unitId: { in: unitsServedBy(org, where.personId) } }] },
    include: { person: { select: { name: true } } },
    orderBy: { id: "asc" },
  });
  return rows.flatMap((row): PatrolPlanLine[] => {
    const p = org.points.get(row.pointId);
    if (!p) return [];
    const unit = row.unitId === null ? undefined : org.units.get(row.unitId);
    const patroller: Patroller | null =
      row.personId !== null && row.person
        ? { kind: "person", personId: row.personId, name: row.person.name }
        : unit
          ? { kind: "unit", unitId: unit.id, name: unit.name }
          : null;
    if (!patroller) return [];
    return [
      {
        planId: row.id,
        point: { id: p.id, code: p.code, name: p.name, key: p.key, gridId: p.gridId },
        level: asLevel(row.level),
        frequency: asFrequency(row.frequency),
        patroller,
      },
    ];
  });
}

/** The units a person's visits count for: every unit they hold a duty on, and every unit above those. */
function unitsServedBy(org: Org, personId: number): number[] {
  const ids = new Set<number>();
  for (const duty of org.dutiesByPerson.get(personId) ?? []) {
    for (let u = org.units.get(duty.unitId); u; u = u.parentId === null ? undefined : org.units.get(u.parentId)) {
      ids.add(u.id);
    }
  }
  return [...ids];
}

/** Whether a visit by `personId` counts for the plan (see the top of this file). */
function countsFor(org: Org, plan: Pick<PatrolPlanLine, "patroller">, personId: number): boolean {
  if (plan.patroller.kind === "person") return plan.patroller.personId === personId;
  return unitsServedBy(org, personId).includes(plan.patroller.unitId);
}

/** Whether any of the point's plans names the person, or a unit they serve (behaviour §14.3). */
export async function isPatrollerOf(db: Client, pointId: number, personId: number): Promise<boolean> {
  const org = await orgOf(db);
  const plans = await db.patrolPlan.findMany({ where: { pointId }, select: { personId: true, unitId: true } });
  const served = unitsServedBy(org, personId);
  return plans.some((p) => p.personId === personId || (p.unitId !== null && served.includes(p.unitId)));
}

async function visitsAt(db: Client, pointIds: readonly number[], from: Date, to: Date): Promise<VisitFact[]> {
  if (pointIds.length === 0) return [];
  return db.patrolVisit.findMany({
    where: { pointId: { in: [...pointIds] }, at: { gte: from, lt: to } },
    select: { pointId: true, personId: true, at: true },
    orderBy: { at: "asc" },
  });
}

/** Coverage of the given plans over a period of whole local days. */
async function cover(
  db: Client,
  org: Org,
  plans: readonly PatrolPlanLine[],
  period: Period,
  timeZone: string,
): Promise<PlanCoverage[]> {
  const spans = new Map(plans.map((p) => [p.planId, spansDueIn(p.frequency, period, timeZone)]));
  const all = [...spans.values()].flat();
  const from = new Date(Math.min(period.from.getTime(), ...all.map((s) => s.from.getTime())));
  const to = new Date(Math.max(period.to.getTime(), ...all.map((s) => s.to.getTime())));
  const visits = await visitsAt(db, [...new Set(plans.map((p) => p.point.id))], from, to);
  return plans.map((plan) => {
    const own = visits.filter((v) => v.pointId === plan.point.id && countsFor(org, plan, v.personId));
    const due = spans.get(plan.planId) ?? [];
    const inPeriod = own.filter((v) => v.at >= period.from && v.at < period.to);
    return {
      ...plan,
      due: due.length,
      met: due.filter((s) => own.some((v) => v.at >= s.from && v.at < s.to)).length,
      visits: inPeriod.length,
      lastVisitAt: inPeriod.at(-1)?.at ?? null,
    };
  });
}

/**
 * Coverage of every plan of the points inside a unit over `period` (whole local days), in the list order (key points
 * first). A plan none of whose spans fell due in the period is still listed, with due 0.
 */
export async function patrolCoverage(
  db: Client,
  input: { unitId: number; period: Period; timeZone: string },
): Promise<PlanCoverage[]> {
  const org = await orgOf(db);
  const plans = await plansOf(db, org, { unitId: input.unitId });
  return (await cover(db, org, plans, input.period, input.timeZone)).sort(byPatrolOrder);
}

/**
 * The plans of a unit's points whose visit was last due on the local day of `at` and that nobody they name visited
 * in time (behaviour §14.4): 重点点位 first, then by level. What the evening digests list.
 */
export async function missedPatrols(
  db: Client,
  input: { unitId: number; at: Date; timeZone: string },
): Promise<PlanCoverage[]> {
  const day = localPeriod(input.at, "day", input.timeZone);
  const coverage = await patrolCoverage(db, { unitId: input.unitId, period: day, timeZone: input.timeZone });
  return coverage.filter((c) => c.due > c.met);
}

/**
 * The units, of any level, with a patrol plan on a point inside them (digests say nothing of patrols without one):
 * one read of the planned points, however many digests ask.
 */
export async function unitsWithPatrolPlans(db: Client): Promise<Set<number>> {
  const [org, planned] = await Promise.all([
    orgOf(db),
    db.patrolPlan.findMany({ distinct: ["pointId"], select: { pointId: true } }),
  ]);
  const units = new Set<number>();
  for (const { pointId } of planned) {
    // A unit already met has its ancestors in the set too.
    for (let id = org.points.get(pointId)?.gridId ?? null; id !== null && !units.has(id); ) {
      units.add(id);
      id = org.units.get(id)?.parentId ?? null;
    }
  }
  return units;
}

/** Whether a unit has any patrol plan on its points (see {@link unitsWithPatrolPlans}). */
export async function hasPatrolPlans(db: Client, unitId: number): Promise<boolean> {
  return (await unitsWithPatrolPlans(db)).has(unitId);
}

/** One of a patroller's points for today: the plan, whether its span is already met, and when it is last due. */
export interface TodayPatrol extends PatrolPlanLine {
  /** The span the plan's next visit answers for (today, this week, this half month). */
  span: Period;
  visited: boolean;
  /** Whether today is the span's last due day (a weekly plan on Friday). */
  lastDue: boolean;
}

/**
 * A person's points for the local day of `at` (behaviour §14.5): the plans naming them or a unit they serve that ask
 * for a visit today, each with whether it is already met in its span. Unmet first, then the list order.
 */
export async function patrolsForToday(
  db: Client,
  input: { personId: number; at: Date; timeZone: string },
): Promise<TodayPatrol[]> {
  const org = await orgOf(db);
  const plans = (await plansOf(db, org, { personId: input.personId })).filter((p) =>
    asksForVisitOn(p.frequency, input.at, input.timeZone),
  );
  const spans = plans.map((p) => patrolSpan(p.frequency, input.at, input.timeZone));
  const from = new Date(Math.min(input.at.getTime(), ...spans.map((s) => s.from.getTime())));
  const to = new Date(Math.max(input.at.getTime(), ...spans.map((s) => s.to.getTime())));
  const visits = await visitsAt(db, [...new Set(plans.map((p) => p.point.id))], from, to);
  const today = localPeriod(input.at, "day", input.timeZone);
  return plans
    .map((plan, i): TodayPatrol => {
      const span = spans[i] as Period;
      const last = lastDueDay(plan.frequency, input.at, input.timeZone);
      return {
        ...plan,
        span,
        visited: visits.some(
          (v) => v.pointId === plan.point.id && v.at >= span.from && v.at < span.to && countsFor(org, plan, v.personId),
        ),
        lastDue: last?.from.getTime() === today.from.getTime(),
      };
    })
    .sort((a, b) => Number(a.visited) - Number(b.visited) || byPatrolOrder(a, b));
}

/** One person's row of the weekly coverage table. */
export interface PersonCoverage {
  personId: number;
  name: string;
  /** Visits they made to the unit's points in the period. */
  visits: number;
  /** Distinct points they visited. */
  points: number;
  /** Visits of theirs that found problems. */
  withProblems: number;
  /** Spans due and met of the plans naming them in person (a leader's 包干 points); 0/0 for others. */
  due: number;
  met: number;
}

/** One point's row of the weekly coverage table. */
export interface PointCoverage {
  point: PatrolPoint;
  /** Spans due and met over all the point's plans, and per level. */
  due: number;
  met: number;
  byLevel: Record<PatrolLevel, { due: number; met: number }>;
  /** Every visit to the point in the period, by anyone. */
  visits: number;
  lastVisitAt: Date | null;
}

/** The coverage table of a unit's points over a period (normally a week), per person and per point. */
export interface CoverageTable {
  period: Period;
  byPerson: PersonCoverage[];
  byPoint: PointCoverage[];
  due: number;
  met: number;
}

const zeroByLevel = (): Record<PatrolLevel, { due: number; met: number }> =>
  Object.fromEntries(PATROL_LEVELS.map((l) => [l, { due: 0, met: 0 }])) as Record<
    PatrolLevel,
    { due: number; met: number }
  >;

/**
 * The weekly coverage table (behaviour §14.6) of the points inside a unit: per person, their visits, points, visits
 * with problems and their own 包干 plans met; per point, spans due and met by level and all visits. People by most
 * visits, points in the list order.
 */
export async function coverageTable(
  db: Client,
  input: { unitId: number; period: Period; timeZone: string },
): Promise<CoverageTable> {
  const coverage = await patrolCoverage(db, input);
  const org = await orgOf(db);
  const points = pointsUnder(org, input.unitId);
  const visits = await db.patrolVisit.findMany({
    where: { pointId: { in: [...points.keys()] }, at: { gte: input.period.from, lt: input.period.to } },
    select: { pointId: true, personId: true, at: true, result: true, person: { select: { name: true } } },
    orderBy: { at: "asc" },
  });

  const people = new Map<number, PersonCoverage & { seen: Set<number> }>();
  const personRow = (personId: number, name: string) => {
    let row = people.get(personId);
    if (!row) {
      row = { personId, name, visits: 0, points: 0, withProblems: 0, due: 0, met: 0, seen: new Set() };
      people.set(personId, row);
    }
    return row;
  };
  for (const v of visits) {
    const row = personRow(v.personId, v.person.name);
    row.visits++;
    row.seen.add(v.pointId);
    if (v.result === "problems") row.withProblems++;
  }
  for (const c of coverage) {
    if (c.patroller.kind !== "person") continue;
    const row = personRow(c.patroller.personId, c.patroller.name);
    row.due += c.due;
    row.met += c.met;
  }

  const byPoint = new Map<number, PointCoverage>();
  for (const c of coverage) {
    let row = byPoint.get(c.point.id);
    if (!row) {
      row = { point: c.point, due: 0, met: 0, byLevel: zeroByLevel(), visits: 0, lastVisitAt: null };
      byPoint.set(c.point.id, row);
    }
    row.due += c.due;
    row.met += c.met;
    row.byLevel[c.level].due += c.due;
    row.byLevel[c.level].met += c.met;
  }
  for (const v of visits) {
    const row = byPoint.get(v.pointId);
    if (!row) continue;
    row.visits++;
    row.lastVisitAt = v.at;
  }

  return {
    period: input.period,
    byPerson: [...people.values()]
      .map(({ seen, ...row }) => ({ ...row, points: seen.size }))
      .sort((a, b) => b.visits - a.visits || a.name.localeCompare(b.name, "zh-CN")),
    byPoint: [...byPoint.values()],
    due: coverage.reduce((n, c) => n + c.due, 0),
    met: coverage.reduce((n, c) => n + c.met, 0),
  };
}

/** The street's 巡查日报 (behaviour §14.7): the day's patrols and the problems they found. */
export interface PatrolReport {
  unit: UnitNode;
  period: Period;
  visits: number;
  patrollers: number;
  pointsVisited: number;
  /** Visits that found problems. */
  withProblems: number;
  /** Spans due and met in the period, per level. */
  byLevel: Record<PatrolLevel, { due: number; met: number }>;
  /** The plans due in the period and not met, in the list order. */
  missed: PlanCoverage[];
  /**
   * The statistics module's figures (stats.ts) over the issues found on patrols — those filed from a check-in: found
   * (by kind), rectified, open, and the durations.
   */
  problems: UnitStats;
}

/**
 * The 巡查日报 of a unit (normally a street) for a period of whole local days observed at `asOf`: visits, patrollers
 * and points visited, coverage per level, the plans missed, and the problems found on patrols as the statistics
 * module counts them.
 */
export async function patrolReport(
  db: Client,
  input: { unitId: number; period: Period; asOf: Date; timeZone: string; officeHours?: OfficeHours },
): Promise<PatrolReport> {
  const org = await orgOf(db);
  const points = pointsUnder(org, input.unitId);
  const coverage = await patrolCoverage(db, input);
  const visits = await db.patrolVisit.findMany({
    where: { pointId: { in: [...points.keys()] }, at: { gte: input.period.from, lt: input.period.to } },
    select: { pointId: true, personId: true, result: true },
  });
  const scope = await loadScope(db, [input.unitId]);
  const patrolScope = foundOnPatrol(scope);
  const counting = { timeZone: input.timeZone, officeHours: input.officeHours };
  const problems = (await statsForScope(db, patrolScope, input.period, input.asOf, counting, 0)).get(
    input.unitId,
  ) as UnitStats;
  const byLevel = zeroByLevel();
  for (const c of coverage) {
    byLevel[c.level].due += c.due;
    byLevel[c.level].met += c.met;
  }
  return {
    unit: problems.unit,
    period: input.period,
    visits: visits.length,
    patrollers: new Set(visits.map((v) => v.personId)).size,
    pointsVisited: new Set(visits.map((v) => v.pointId)).size,
    withProblems: visits.filter((v) => v.result === "problems").length,
    byLevel,
    missed: coverage.filter((c) => c.due > c.met),
    problems,
  };
}
