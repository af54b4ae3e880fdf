/**
 * The 工作简报 (behaviour §15) as data: a street's figures for a week or a month with 环比 and 同比, the ranking of its
 * communities, problems by category, the issues overdue at the period's end, the 约谈 list and typical cases. Every
 * figure comes from stats.ts (and its lists and ranking), as the digest's do; nothing here counts on its own. The
 * document is written by briefing-docx.ts, the card by presenters/briefing-card.ts.
 *
 * Seams for what other work adds: the ranking's measure is {@link RANKING_MEASURE} (综合指标值, as stats-ranking.ts
 * ranks), and further sections are fields of {@link BriefingData} filled here and given a section in briefing-docx.ts,
 * as 挂账 (the parked issues at the period's end) and patrol coverage (the 巡查日报 of patrol-coverage.ts) are.
 */

import type { OfficeHours } from "../config/office-hours.ts";
import type { Db, Tx } from "../db/client.ts";
import { type Cadence, indexInYear, previousPeriod, samePeriodLastYear } from "../domain/briefing-period.ts";
import { localDateString, type Period } from "../domain/deadline.ts";
import { PARK_KINDS, type ParkKind } from "../domain/extension.ts";
import {
  closedIn,
  DEFAULT_RANKING_SCORING,
  observationInstant,
  openAt,
  overdueAt,
  parkedAt,
  type RankingScoring,
} from "../domain/metrics.ts";
import { BRIEFING_FIGURES, countChange, NO_COMPARISON, periodTitle, pointsChange } from "../texts/briefing.ts";
import { shortDate } from "../texts/deadline.ts";
import { UNIT_LEVEL_LABELS } from "../texts/labels.ts";
import { formatHours, formatRate } from "../texts/messages.ts";
import { INDICATOR_LABELS } from "../texts/stats.ts";
import type { RankingChartInput } from "./chart.ts";
import { hasPatrolPlans, type PatrolReport, patrolReport } from "./patrol-coverage.ts";
import { statsForScope, toWhere, type UnitStats } from "./stats.ts";
import { type IssueList, type IssueListItem, issuesAt } from "./stats-lists.ts";
import { type FLAG_EMOJI, type RankingEntry, rankChildren } from "./stats-ranking.ts";
import { loadUnitScope, PLACED_SELECT, type Scope, type UnitNode } from "./stats-scope.ts";

type Client = Db | Tx;

/** What to build a briefing of. */
export interface BriefingRequest {
  /** The street (any unit works; the ranking is of the units below it). */
  unitId: number;
  cadence: Cadence;
  /** The week or month reported on (briefing-period.ts). */
  period: Period;
  /** Its number (第N期). */
  number: number;
  /** When it is built: the figures are observed at the earlier of this and the period's end. */
  now: Date;
  timeZone: string;
  /** RIQING_OFFICE_HOURS: what 工作时 durations count (behaviour §8.7); the default office hours when not given. */
  officeHours?: OfficeHours;
  minRankedIssues: number;
  /** 约谈: the ranking measure (points) below which a unit is listed, in `talkPeriods` periods running. */
  talkBelow: number;
  talkPeriods: number;
  /** How the ranking scores and flags units (the leader group's settings); the defaults when not given. */
  scoring?: RankingScoring;
  /** Most overdue issues listed (the total is given apart). Default 50. */
  listLimit?: number;
  /** Most typical cases. Default 2. */
  caseLimit?: number;
}

/**
 * The measure the ranking orders units by (stats-ranking.ts: 综合指标值, points of 100 with the default weights) and
 * the 约谈 rule judges them by: each ranking entry's `score`. Only its name is the briefing's to say.
 */
export const RANKING_MEASURE = { label: INDICATOR_LABELS.composite };

/** A unit listed for 约谈: its measure in each period judged, latest first. */
export interface TalkEntry {
  unit: UnitNode;
  scores: number[];
}

/** An issue parked (挂账/缓办) at the period's end, with its kind, expected date and plan. */
export interface ParkedItem extends IssueListItem {
  parkKind: ParkKind | null;
  parkedUntil: Date | null;
  parkPlan: string | null;
}

/** A typical case: a closed issue with photos before and after (paths under DATA_DIR). */
export interface TypicalCase {
  number: number;
  category: string | null;
  place: string;
  text: string;
  reportedAt: Date;
  closedAt: Date;
  before: string;
  after: string;
}

/** Everything a briefing shows. */
export interface BriefingData {
  unit: UnitNode;
  cadence: Cadence;
  number: number;
  period: Period;
  /** The period as the masthead names it: 2026年第49周（11月30日—12月6日）. */
  periodName: string;
  /** The instant open and overdue are judged at. */
  asOf: Date;
  timeZone: string;
  stats: UnitStats;
  /** The period before (环比) and the same period a year earlier (同比); null when nothing was recorded then. */
  previous: UnitStats | null;
  lastYear: UnitStats | null;
  /** What the ranked units are called: 社区 in a street's briefing. */
  childLabel: string;
  ranking: RankingEntry[];
  minRankedIssues: number;
  /** The issues overdue at the period's end, earliest deadline first, with their total. */
  overdue: IssueList;
  /** The issues parked (挂账, 缓办) at the period's end: never overdue, listed apart. */
  parked: { items: ParkedItem[]; total: number };
  talks: TalkEntry[];
  talkBelow: number;
  talkPeriods: number;
  cases: TypicalCase[];
  /** The period's patrols (patrol-coverage.ts patrolReport); null when the street has no patrol plans. */
  patrols: PatrolReport | null;
}

const DEFAULT_LIST_LIMIT = 50;
const DEFAULT_CASE_LIMIT = 2;

/** Whether a unit's figures of a period record anything at all (else a comparison with it says nothing). */
function recorded(stats: UnitStats): boolean {
  return stats.reported + stats.open + stats.closed > 0;
}

/**
 * Builds a briefing. The figures of each period are read with statsForScope over the unit and everything under it
 * (so the ranking and the 约谈 rule see the same numbers as the headline): this period, the ones before it the 约谈
 * rule looks back over (at least one, for 环比), and the same period a year earlier. Throws UnknownUnitError.
 */
export async function buildBriefing(db: Client, request: BriefingRequest): Promise<BriefingData> {
  const { unitId, cadence, period, now, timeZone, officeHours } = request;
  const counting = { timeZone, officeHours };
  const scope = await loadUnitScope(db, unitId);
  const periods = [period];
  while (periods.length < Math.max(2, request.talkPeriods)) {
    periods.push(previousPeriod(cadence, periods[periods.length - 1] as Period, timeZone));
  }
  const asOf = observationInstant(period, now);
  const [byPeriod, lastYear, overdue, parked, cases, patrols] = await Promise.all([
    Promise.all(periods.map((p) => statsForScope(db, scope, p, now, counting, 1))),
    statsForScope(db, scope, samePeriodLastYear(cadence, period, timeZone), now, counting, 0),
    issuesAt(db, unitId, overdueAt(asOf), { limit: request.listLimit ?? DEFAULT_LIST_LIMIT }),
    parkedIssues(db, unitId, asOf, request.listLimit ?? DEFAULT_LIST_LIMIT),
    typicalCases(db, scope, unitId, period, request.caseLimit ?? DEFAULT_CASE_LIMIT),
    hasPatrolPlans(db, unitId).then((planned) =>
      planned ? patrolReport(db, { unitId, period, asOf: now, timeZone, officeHours }) : null,
    ),
  ]);
  const stats = byPeriod[0]?.get(unitId) as UnitStats;
  const previous = byPeriod[1]?.get(unitId) as UnitStats;
  const lastYearStats = lastYear.get(unitId) as UnitStats;
  const scoring = request.scoring ?? DEFAULT_RANKING_SCORING;
  const rankings = byPeriod.map((all) => rankChildren(all, unitId, request.minRankedIssues, scoring));
  const childLevel = scope.children.get(unitId)?.find((u) => u.level !== "department")?.level;
  const first = localDateString(period.from, timeZone);
  const last = localDateString(new Date(period.to.getTime() - 1), timeZone);
  const { year, index } = indexInYear(cadence, period, timeZone);
  return {
    unit: stats.unit,
    cadence,
    number: request.number,
    period,
    periodName: periodTitle(cadence, year, index, shortDate(first), shortDate(last)),
    asOf,
    timeZone,
    stats,
    previous: recorded(previous) ? previous : null,
    lastYear: recorded(lastYearStats) ? lastYearStats : null,
    childLabel: UNIT_LEVEL_LABELS[(childLevel ?? "community") as keyof typeof UNIT_LEVEL_LABELS],
    ranking: rankings[0] ?? [],
    minRankedIssues: request.minRankedIssues,
    overdue,
    parked,
    talks: talksOf(rankings.slice(0, request.talkPeriods), request.talkBelow),
    talkBelow: request.talkBelow,
    talkPeriods: request.talkPeriods,
    cases,
    patrols,
  };
}

/**
 * The units ranked in every one of the periods given (latest first) with a score below `below` in each:
 * 约谈 for staying low, not for one bad week. A unit with too few issues to be ranked in some period is not listed.
 */
function talksOf(rankings: readonly RankingEntry[][], below: number): TalkEntry[] {
  const [latest = [], ...earlier] = rankings;
  const talks: TalkEntry[] = [];
  for (const entry of latest) {
    const entries = [entry, ...earlier.map((r) => r.find((e) => e.stats.unit.id === entry.stats.unit.id))];
    const scores = entries.map((e) => (e && e.rank !== null ? e.score : null));
    if (scores.every((s): s is number => s !== null && s < below)) talks.push({ unit: entry.stats.unit, scores });
  }
  return talks;
}

/** The issues of the unit open and parked at `t` (openAt and parkedAt in domain/metrics.ts), with how they are parked. */
async function parkedIssues(db: Client, unitId: number, t: Date, limit: number) {
  const list = await issuesAt(db, unitId, { all: [openAt(t), parkedAt(t)] }, { limit });
  const rows = await db.issue.findMany({
    where: { id: { in: list.items.map((i) => i.id) } },
    select: { id: true, parkKind: true, parkedUntil: true, parkPlan: true },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const kinds: readonly string[] = PARK_KINDS;
  const items = list.items.map((item): ParkedItem => {
    const row = byId.get(item.id);
    const kind = row?.parkKind ?? null;
    return {
      ...item,
      parkKind: kind !== null && kinds.includes(kind) ? (kind as ParkKind) : null,
      parkedUntil: row?.parkedUntil ?? null,
      parkPlan: row?.parkPlan ?? null,
    };
  });
  return { items, total: list.total };
}

/** The most recent issues closed in the period with both a before and an after photo, latest first. */
async function typicalCases(
  db: Client,
  scope: Scope,
  unitId: number,
  period: Period,
  limit: number,
): Promise<TypicalCase[]> {
  const own = scope.issuesOf(unitId);
  const rows = await db.issue.findMany({
    where: {
      AND: [
        own.where,
        toWhere(closedIn(period)),
        { photos: { some: { stage: "before" } } },
        { photos: { some: { stage: "after" } } },
      ],
    },
    select: {
      number: true,
      text: true,
      reportedAt: true,
      closedAt: true,
      ...PLACED_SELECT,
      category: { select: { name: true } },
      community: { select: { name: true } },
      grid: { select: { name: true } },
      point: { select: { name: true } },
      photos: { select: { stage: true, path: true }, orderBy: { id: "asc" } },
    },
    orderBy: [{ closedAt: "desc" }, { number: "desc" }],
    ...(own.exact ? { take: limit } : {}),
  });
  return rows
    .filter((row) => own.exact || scope.containersOf(row).includes(unitId))
    .slice(0, limit)
    .map((row) => ({
      number: row.number,
      category: row.category?.name ?? null,
      place: [row.community?.name, row.grid?.name, row.point?.name].filter(Boolean).join(" "),
      text: row.text,
      reportedAt: row.reportedAt,
      closedAt: row.closedAt as Date,
      before: row.photos.find((p) => p.stage === "before")?.path as string,
      after: row.photos.findLast((p) => p.stage === "after")?.path as string,
    }));
}

/** The headline figures: what each is, its value now, before (环比) and a year earlier (同比). */
export const FIGURE_KEYS = ["found", "rectified", "closed", "open", "overdue", "rate", "rectification"] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

/** How a figure is measured: a count, a rate in 0..1, or hours. */
export const FIGURE_KINDS: Readonly<Record<FigureKey, "count" | "rate" | "hours">> = {
  found: "count",
  rectified: "count",
  closed: "count",
  open: "count",
  overdue: "count",
  rate: "rate",
  rectification: "hours",
};

/** A figure's value in one period's statistics. */
export function figureValue(key: FigureKey, stats: UnitStats): number | null {
  switch (key) {
    case "rate":
      return stats.rate.rate;
    case "rectification":
      return stats.durations.rectification.averageHours;
    default:
      return stats[key];
  }
}

/** The ranking chart of the ranked units, or null when none is ranked. */
export function briefingChartInput(data: BriefingData, title: string): RankingChartInput | null {
  const ranked = data.ranking.filter((e) => e.rank !== null);
  if (ranked.length === 0) return null;
  return {
    title,
    subtitle: `${data.unit.name} · ${data.periodName}`,
    bars: ranked.map((e) => ({
      label: e.stats.unit.name,
      value: e.score ?? Number.NaN,
      ...(e.flag ? { flag: e.flag } : {}),
    })),
    valueFormat: "count",
  };
}

/** The units of the ranking carrying each flag, by name. */
export function flaggedNames(data: BriefingData): { red: string[]; yellow: string[] } {
  const named = (flag: keyof typeof FLAG_EMOJI) =>
    data.ranking.filter((e) => e.flag === flag).map((e) => e.stats.unit.name);
  return { red: named("red"), yellow: named("yellow") };
}

/** A figure's value for people: "12", "93.2%", "5.2 小时"; "—" when there is none. */
export function formatFigure(key: FigureKey, value: number | null): string {
  if (value === null) return NO_COMPARISON;
  switch (FIGURE_KINDS[key]) {
    case "rate":
      return formatRate(value);
    case "hours":
      return formatHours(value);
    case "count":
      return String(value);
  }
}

/**
 * How a figure changed from an earlier period (环比, 同比): "+3", "-5.0 个百分点", "+1.2 小时", 持平; "—" when there is
 * no earlier period or either value is missing.
 */
export function figureChange(key: FigureKey, now: UnitStats, before: UnitStats | null): string {
  const a = figureValue(key, now);
  const b = before === null ? null : figureValue(key, before);
  if (a === null || b === null) return NO_COMPARISON;
  switch (FIGURE_KINDS[key]) {
    case "count":
      return countChange(a - b);
    case "rate": {
      const points = Math.abs(a - b) * 100;
      return pointsChange(points.toFixed(1), a > b, points < 0.05);
    }
    case "hours": {
      const hours = a - b;
      return Math.abs(hours) < 0.05 ? countChange(0) : `${hours > 0 ? "+" : "-"}${formatHours(Math.abs(hours))}`;
    }
  }
}

/** The rows of the figures table: label, this period, the period before, 环比, a year earlier, 同比. */
export function figureRows(data: BriefingData): string[][] {
  const value = (key: FigureKey, stats: UnitStats | null) =>
    stats === null ? NO_COMPARISON : formatFigure(key, figureValue(key, stats));
  return FIGURE_KEYS.map((key) => [
    BRIEFING_FIGURES[key],
    value(key, data.stats),
    value(key, data.previous),
    figureChange(key, data.stats, data.previous),
    value(key, data.lastYear),
    figureChange(key, data.stats, data.lastYear),
  ]);
}
