/**
 * The 日清日报 digest (behaviour §7) as data: a unit's figures for one local day from stats.ts, its overdue issues and
 * those in hand that fall due later today or tomorrow from stats-lists.ts, and the ranking of the units under it
 * from stats-ranking.ts. Nothing here counts on its own, so the digest always agrees with 统计 and the ledger. Also
 * the plain-text rendering (CLI) and the ranking chart input; the card lives in presenters/digest-card.ts.
 *
 * The day's account ({@link TodayAccount}): every issue open at some time of the day up to the observation instant —
 * open then, or closed during the day — falls in exactly one bucket: 已销项 (closed today), 待验收 (fixed, waiting for
 * verification), 超期 (in hand, deadline passed), 今日到期未完成 (in hand, due before midnight), 明日到期 (in hand,
 * due tomorrow) or 其余在办 (in hand, due later or not yet given a deadline). The buckets add up to the total.
 */

import type { OfficeHours } from "../config/office-hours.ts";
import type { Db, Tx } from "../db/client.ts";
import { localDateString, localPeriod, type Period, startOfDate } from "../domain/deadline.ts";
import { DEFAULT_RANKING_SCORING, DURATION_KINDS, observationInstant, type RankingScoring } from "../domain/metrics.ts";
import type { UnitLevel } from "../domain/types.ts";
import { deadlineDate, deadlinePhrase, shortDate } from "../texts/deadline.ts";
import {
  andMore,
  averageOf,
  DIGEST_MARKS,
  DIGEST_WORDS,
  definitionsLine,
  digestTitleText,
  FIGURE_LABELS,
  figureLine,
  foundValue,
  indicatorsLineText,
  indicatorsTitleText,
  LIST_TITLES,
  openValue,
  pieces,
  rankingLineText,
  rankingRuleText,
  rankingTitleText,
  rateTerms,
  rectifiedValue,
  scoreTerms,
  type TodayAccount,
  todayAccount,
  unrankedText,
} from "../texts/digest.ts";
import { escapeText } from "../texts/escape.ts";
import { PARKED_LIST_TITLE, parkedPhrase } from "../texts/extension.ts";
import { CATEGORY_PENDING, STATUS_LABELS, UNIT_LEVEL_LABELS } from "../texts/labels.ts";
import {
  DURATION_LABELS,
  formatDateTime,
  formatDecimal,
  formatDurationStats,
  formatRate,
  formatTimeOfDay,
  METRICS_DEFINITION,
} from "../texts/messages.ts";
import { PATROL_REPORT_TEXTS } from "../texts/patrol.ts";

import { compositeFormula, indicatorLine } from "../texts/stats.ts";
import type { RankingChartInput } from "./chart.ts";
import { type PatrolReport, patrolReport, unitsWithPatrolPlans } from "./patrol-coverage.ts";
import { patrolReportLines } from "./patrol-lines.ts";
import { statsForScope, type UnitStats } from "./stats.ts";
import { dueListsOf, type IssueList, type IssueListItem, overdueListsOf, parkedListsOf } from "./stats-lists.ts";
import { FLAG_EMOJI, type RankingEntry, rankChildren } from "./stats-ranking.ts";
import { DEPARTMENT_LEVEL, loadScope, type UnitNode } from "./stats-scope.ts";

type Client = Db | Tx;

/** What to build a digest of. */
export interface DigestRequest {
  unitId: number;
  /** The local date reported on, YYYY-MM-DD. */
  date: string;
  /** The moment of observation; figures of a past date are observed at the end of that day (observationInstant). */
  now: Date;
  timeZone: string;
  /** RIQING_OFFICE_HOURS: what 工作时 durations count (behaviour §8.7); the default office hours when not given. */
  officeHours?: OfficeHours;
  /** Fewest issues in 应结案数 for a unit to be ranked. */
  minRankedIssues: number;
  /** How the ranking scores and flags units; the defaults when not given. */
  scoring?: RankingScoring;
  /** Most issues of each list kept for presenting (the totals are kept apart). Default 10. */
  listLimit?: number;
}

/** Everything a digest shows. */
export interface DigestData {
  unit: UnitNode;
  date: string;
  period: Period;
  asOf: Date;
  timeZone: string;
  stats: UnitStats;
  /** What the ranked units are called: 网格 in a community digest, 社区 in a street digest. */
  childLabel: string;
  ranking: RankingEntry[];
  /** The departments directly under the unit ranked by the same rule (a street's), else empty. */
  departments: RankingEntry[];
  minRankedIssues: number;
  scoring: RankingScoring;
  /** The earliest-due overdue issues (at most listLimit); their total is stats.overdue. */
  overdue: IssueListItem[];
  /** The issues in hand due later on the day (at most listLimit): 今日到期未完成. */
  dueToday: IssueListItem[];
  /** The issues in hand due the next day (at most listLimit): 明日到期. */
  dueTomorrow: IssueListItem[];
  /** The issues parked (挂账/缓办) and in hand (at most listLimit, with their total): behaviour §7.6. */
  parked: IssueList;
  today: TodayAccount;
  /** The patrol section (behaviour §14.4, §14.7): a community's or street's, when its points have plans; else null. */
  patrol: PatrolReport | null;
}

/** One labelled figure of a digest. */
export interface DigestFigure {
  label: string;
  value: string;
}

const DEFAULT_LIST_LIMIT = 10;

/** The level of the units one level down, for naming the ranking. */
const CHILD_LEVEL: Readonly<Partial<Record<string, UnitLevel>>> = {
  district: "street",
  street: "community",
  community: "grid",
  grid: "microgrid",
};

/**
 * Builds the digest of a unit (any level; normally a community or a street) for a local date. Throws RangeError for
 * a malformed date and UnknownUnitError for an unknown unit.
 */
export async function buildDigest(db: Client, request: DigestRequest): Promise<DigestData> {
  return (await buildDigests(db, [request]))[0] as DigestData;
}

/**
 * Builds many digests at once — every chat's at 18:00 — with the same queries one digest needs: requests of the
 * same date, instant and time zone share one pass of the statistics (statsByUnit over all their units) and one
 * query per list. Results are in the order of the requests. Throws as {@link buildDigest}.
 */
export async function buildDigests(db: Client, requests: readonly DigestRequest[]): Promise<DigestData[]> {
  const groups = new Map<string, DigestRequest[]>();
  for (const r of requests) {
    const key = `${r.date}|${r.now.getTime()}|${r.timeZone}|${r.listLimit ?? DEFAULT_LIST_LIMIT}|${JSON.stringify(r.officeHours)}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const built = new Map<DigestRequest, DigestData>();
  for (const group of groups.values()) {
    const { date, timeZone, officeHours } = group[0] as DigestRequest;
    const period = localPeriod(startOfDate(date, timeZone), "day", timeZone);
    const asOf = observationInstant(period, (group[0] as DigestRequest).now);
    const limit = (group[0] as DigestRequest).listLimit ?? DEFAULT_LIST_LIMIT;
    const tomorrow = localPeriod(period.to, "day", timeZone);
    const scope = await loadScope(
      db,
      group.map((r) => r.unitId),
    );
    const [all, overdue, dueToday, dueTomorrow, parked, planned] = await Promise.all([
      statsForScope(db, scope, period, asOf, { timeZone, officeHours }, 1),
      overdueListsOf(db, scope, asOf, { limit }),
      dueListsOf(db, scope, asOf, { from: asOf, to: period.to }, { limit }),
      dueListsOf(db, scope, asOf, tomorrow, { limit }),
      parkedListsOf(db, scope, asOf, { limit }),
      unitsWithPatrolPlans(db),
    ]);
    for (const request of group) {
      const stats = all.get(request.unitId) as UnitStats;
      const patrol =
        PATROL_LEVELS.has(stats.unit.level) && planned.has(request.unitId)
          ? await patrolReport(db, { unitId: request.unitId, period, asOf, timeZone, officeHours })
          : null;

      const scoring = request.scoring ?? DEFAULT_RANKING_SCORING;
      const childLevel = CHILD_LEVEL[stats.unit.level];
      const today = dueToday.get(request.unitId) ?? { items: [], total: 0 };
      const tomorrowList = dueTomorrow.get(request.unitId) ?? { items: [], total: 0 };
      built.set(request, {
        unit: stats.unit,
        date,
        period,
        asOf,
        timeZone,
        stats,
        childLabel: childLevel ? UNIT_LEVEL_LABELS[childLevel] : DIGEST_WORDS.childUnits,
        ranking: rankChildren(all, request.unitId, request.minRankedIssues, scoring),
        departments:
          stats.unit.level === DEPARTMENT_LEVEL
            ? []
            : rankChildren(all, request.unitId, request.minRankedIssues, scoring, true),
        minRankedIssues: request.minRankedIssues,
        scoring,
        overdue: overdue.get(request.unitId)?.items ?? [],
        dueToday: today.items,
        dueTomorrow: tomorrowList.items,
        parked: parked.get(request.unitId) ?? { items: [], total: 0 },
        today: {
          total: stats.open + stats.closed,
          closed: stats.closed,
          awaiting: stats.awaitingVerification,
          overdue: stats.overdue,
          dueToday: today.total,
          dueTomorrow: tomorrowList.total,
          rest: stats.open - stats.awaitingVerification - stats.overdue - today.total - tomorrowList.total,
        },
        patrol,
      });
    }
  }
  return requests.map((r) => built.get(r) as DigestData);
}

/** The units whose digests carry a patrol section: communities and streets (behaviour §14.4). */
const PATROL_LEVELS: ReadonlySet<string> = new Set(["community", "street"]);

/** The digest's patrol section, titled 巡查日报 for a street and 今日巡查 for a community; null without plans. */
export function patrolSection(
  data: DigestData,
  esc: (text: string) => string,
): { title: string; lines: string[] } | null {
  if (!data.patrol) return null;
  return {
    title: PATROL_REPORT_TEXTS.title(data.unit.level === "street"),
    lines: patrolReportLines(data.patrol, esc),
  };
}

/** The headline figures in the order the digest shows them (behaviour §7). */
export function digestFigures(data: DigestData): DigestFigure[] {
  const s = data.stats;
  const rate = (r: { rate: number | null; closed: number; open: number }) =>
    `${formatRate(r.rate)}${r.rate === null ? "" : rateTerms(r.closed, r.open)}`;
  return [
    { label: FIGURE_LABELS.found, value: foundValue(s.found, s.byKind.dynamic, s.byKind.static, s.byKind.none) },
    { label: FIGURE_LABELS.rectified, value: rectifiedValue(s.rectified, s.closed) },
    { label: FIGURE_LABELS.open, value: openValue(s.open, s.overdue, s.awaitingVerification) },
    { label: FIGURE_LABELS.rebound, value: pieces(s.rebound) },
    { label: FIGURE_LABELS.rate, value: rate(s.rate) },
    { label: FIGURE_LABELS.cumulativeRate, value: rate(s.cumulativeRate) },
    ...DURATION_KINDS.map((kind) => ({
      label: averageOf(DURATION_LABELS[kind]),
      value: formatDurationStats(s.durations[kind]),
    })),
  ];
}

/** What a list line needs to know about the list it is in. */
export interface ListContext {
  /** The moment the deadlines are worded from. */
  asOf: Date;
  timeZone: string;
  /** Whether lines name the community of each issue too: in a list about a street, not in one about a community. */
  withCommunity: boolean;
}

/** The list context of a unit's lists as of a moment: lines name the community above community level. */
export function listContext(unit: { level: string }, asOf: Date, timeZone: string): ListContext {
  return { asOf, timeZone, withCommunity: !["community", "grid", "microgrid"].includes(unit.level) };
}

/** How a person answering for an issue is named in a list line: a mention in cards, the name in plain text. */
export type AssigneeFormat = (assignee: { name: string; openId: string }) => string;

/** How a list line is written: markup escaped and people mentioned (cards), or plain. */
export interface ListFormat {
  escape: (text: string) => string;
  assignee: AssigneeFormat;
}

/** Plain text lines: what people wrote escaped for a text message, names as text (a list should not ping again). */
export const PLAIN_LIST: ListFormat = { escape: escapeText, assignee: (a) => escapeText(a.name) };

/**
 * One line of an issue list, without markup: "#1024 堆物堆料 · 幸福里第一网格 幸福路菜市场 · 已超期 1 天（期限 昨天
 * 12:00） · 郑晓红". `format` makes user-written parts safe for the target and renders the people answering for it;
 * the last part is who answers for it (`owner`) or its status (`status`, in a person's own list).
 */
export function issueListLine(
  context: ListContext,
  item: IssueListItem,
  format: ListFormat,
  show: "owner" | "status" = "owner",
): string {
  const owner = item.awaitingVerification
    ? DIGEST_WORDS.awaitingVerification
    : item.owner
      ? [item.owner.unit && format.escape(item.owner.unit), ...item.owner.people.map(format.assignee)]
          .filter(Boolean)
          .join(" ")
      : DIGEST_WORDS.unassigned;
  const place = [context.withCommunity ? item.community : null, item.grid?.name ?? null, item.point]
    .filter((p): p is string => Boolean(p))
    .join(" ");
  const parts = [
    `#${item.number} ${format.escape(item.category ?? CATEGORY_PENDING)}`,
    place && format.escape(place),
    item.park
      ? parkedPhrase(item.park.kind, deadlineDate(item.park.until, context.timeZone, context.asOf))
      : item.deadline
        ? deadlinePhrase(item.deadline, context.asOf, context.timeZone)
        : DIGEST_WORDS.deadlinePending,
    show === "owner" ? owner : STATUS_LABELS[item.status],
  ];
  return parts.filter(Boolean).join(" · ");
}

/**
 * The digest's lists in the order shown: title, the issues kept, their total, and what to say when there are none;
 * the 挂账/缓办 list only when there are any (behaviour §7.6).
 */
export function digestLists(
  data: DigestData,
): { title: string; items: IssueListItem[]; total: number; empty: string; overdue: boolean }[] {
  const t = data.today;
  return [
    {
      title: LIST_TITLES.overdue(t.overdue),
      items: data.overdue,
      total: t.overdue,
      empty: DIGEST_WORDS.noOverdue,
      overdue: true,
    },
    {
      title: LIST_TITLES.dueToday(t.dueToday),
      items: data.dueToday,
      total: t.dueToday,
      empty: DIGEST_WORDS.noneDueToday,
      overdue: false,
    },
    {
      title: LIST_TITLES.dueTomorrow(t.dueTomorrow),
      items: data.dueTomorrow,
      total: t.dueTomorrow,
      empty: DIGEST_WORDS.noneDueTomorrow,
      overdue: false,
    },
    ...(data.parked.total > 0
      ? [{ title: PARKED_LIST_TITLE(data.parked.total), ...data.parked, empty: "", overdue: false }]
      : []),
  ];
}

/**
 * The day's account in one line, its buckets adding up to the total: "今日在办 12 件 = 已销项 3 + 待验收 1 + 超期 2 +
 * 今日到期未完成 1 + 明日到期 2 + 其余在办 3".
 */
export function todayAccountLine(data: DigestData): string {
  return todayAccount(data.today);
}

/**
 * One line of the ranking: "🚩 第 1 名 幸福里第一网格 86.7 分（按期处置 2/3 · 结案 1/3 · 返工 0）" — the rank in
 * words, since card markdown would take "2. …" for a list item and number it anew; unranked units are summed up by
 * {@link unrankedLine}.
 */
export function rankingLine(entry: RankingEntry, esc: (text: string) => string): string {
  const flag = entry.flag ? `${FLAG_EMOJI[entry.flag]} ` : "";
  const score = entry.score === null ? "—" : formatDecimal(entry.score);
  return rankingLineText(flag, entry.rank, esc(entry.stats.unit.name), score, scoreTerms(entry.stats.indicators));
}

/**
 * The street digest's indicators per community and per department (behaviour §8.6), in ranking order: a title and
 * one line per unit; none below street level.
 */
export function indicatorSections(
  data: DigestData,
  esc: (text: string) => string,
): { title: string; lines: string[] }[] {
  if (data.unit.level !== "street") return [];
  const section = (label: string, entries: readonly RankingEntry[]) => ({
    title: indicatorsTitleText(label),
    lines: entries.map((e) => indicatorsLineText(esc(e.stats.unit.name), indicatorLine(e.stats.indicators))),
  });
  return [section(data.childLabel, data.ranking), section(UNIT_LEVEL_LABELS.department, data.departments)].filter(
    (s) => s.lines.length > 0,
  );
}

/** "不参与排名（问题少于 3 件）：A、B", or null when every unit is ranked. */
export function unrankedLine(data: DigestData, esc: (text: string) => string): string | null {
  const names = data.ranking.filter((e) => e.rank === null).map((e) => esc(e.stats.unit.name));
  return names.length > 0 ? unrankedText(data.minRankedIssues, names) : null;
}

/** The ranking title: "各网格今日综合指标排名". */
export function rankingTitle(data: DigestData): string {
  return rankingTitleText(data.childLabel);
}

/** The ranking rule, for the footer. */
export function rankingRule(data: DigestData): string {
  return rankingRuleText(data.minRankedIssues, data.childLabel, compositeFormula(data.scoring.weights));
}

/** The bar chart of the ranked units, or null when no unit is ranked. */
export function digestChartInput(data: DigestData): RankingChartInput | null {
  const ranked = data.ranking.filter((e) => e.rank !== null);
  if (ranked.length === 0) return null;
  return {
    title: rankingTitle(data),
    subtitle: `${data.unit.name} · ${shortDate(data.date)}`,
    bars: ranked.map((e) => ({
      label: e.stats.unit.name,
      value: e.score ?? Number.NaN,
      ...(e.flag ? { flag: e.flag } : {}),
    })),
    valueFormat: "count",
  };
}

/** The ranking chart as a PNG, or null when no unit is ranked. */
export async function renderDigestChart(data: DigestData): Promise<Buffer | null> {
  const input = digestChartInput(data);
  if (!input) return null;
  // On a thread of its own, started with the first chart: resvg and the glyph outlines are needed in the evening only.
  const { renderRankingChartOnThread } = await import("./chart-thread.ts");
  return renderRankingChartOnThread(input);
}

/** How a digest's title says it is not the day's digest sent on time. */
export interface DigestMark {
  /** Sent more than half an hour after the chat's digest time: 补发. */
  late?: boolean;
  /** The 日报 command's preview: 预览. */
  preview?: boolean;
  /** Sent before the chat's digest time (riqing digest --force), so not the day's digest: 截至 HH:mm. */
  early?: boolean;
}

/**
 * The digest title: "日清日报 · 幸福里社区 · 11月23日", with （预览）, （截至 17:05） or （补发） when it applies (the
 * time of an early digest is its observation time, with the date when that is another day).
 */
export function digestTitle(data: DigestData, mark: DigestMark = {}): string {
  const asOf =
    localDateString(data.asOf, data.timeZone) === data.date
      ? formatTimeOfDay(data.asOf, data.timeZone)
      : formatDateTime(data.asOf, data.timeZone);
  const suffix = mark.preview
    ? DIGEST_MARKS.preview
    : mark.early
      ? DIGEST_MARKS.early(asOf)
      : mark.late
        ? DIGEST_MARKS.late
        : "";
  return digestTitleText(data.unit.name, shortDate(data.date), suffix);
}

/** The whole digest as plain text (the CLI), with every overdue and due issue given in `data`. */
export function digestText(data: DigestData, mark: DigestMark = {}): string {
  const plain = PLAIN_LIST;
  const context = listContext(data.unit, data.asOf, data.timeZone);
  const lines = [digestTitle(data, mark), ""];
  for (const f of digestFigures(data)) lines.push(figureLine(f.label, f.value));
  lines.push(todayAccountLine(data));
  for (const list of digestLists(data)) {
    lines.push("", list.title);
    for (const item of list.items) lines.push(`  ${issueListLine(context, item, plain)}`);
    if (list.total > list.items.length) lines.push(`  ${andMore(list.total)}`);
  }
  const patrol = patrolSection(data, plain.escape);
  if (patrol) lines.push("", patrol.title, ...patrol.lines.map((l) => `  ${l}`));
  lines.push("", rankingTitle(data));
  for (const entry of data.ranking.filter((e) => e.rank !== null)) lines.push(`  ${rankingLine(entry, plain.escape)}`);
  const unranked = unrankedLine(data, plain.escape);
  if (unranked) lines.push(`  ${unranked}`);
  for (const section of indicatorSections(data, plain.escape)) {
    lines.push("", section.title, ...section.lines.map((line) => `  ${line}`));
  }
  lines.push("", definitionsLine(METRICS_DEFINITION), rankingRule(data));
  return lines.join("\n");
}
