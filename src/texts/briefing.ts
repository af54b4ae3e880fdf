/**
 * The words of the 工作简报 (reports/briefing.ts, its .docx and its card): the masthead, the section titles, the
 * tables' headers, the comparisons and the 约谈 rule.
 */

import type { Cadence } from "../domain/briefing-period.ts";

/** The briefing's name, on the masthead, the card and the file. */
export const BRIEFING_NAME = "创文工作简报";

/** "第12期". */
export function issueNumber(n: number): string {
  return `第${n}期`;
}

/** The line under the masthead's name: "（周报）第12期". */
export function cadenceNumber(cadenceName: string, n: number): string {
  return `（${cadenceName}）${issueNumber(n)}`;
}

/** The fonts of the document, as WPS and Word on Chinese Windows name them: 仿宋 text, 黑体 headings, 宋体 tables. */
export const DOCUMENT_FONTS = { body: "仿宋", heading: "黑体", title: "宋体", table: "宋体" } as const;

/** What a period of each cadence is called in running text: 本周 / 本月. */
export const CADENCE_WORDS: Readonly<Record<Cadence, { this: string; previous: string; name: string }>> = {
  week: { this: "本周", previous: "上周", name: "周报" },
  month: { this: "本月", previous: "上月", name: "月报" },
};

/** The period as the masthead names it: "2026年12月" or "2026年第49周（11月30日—12月6日）". */
export function periodTitle(cadence: Cadence, year: number, indexInYear: number, first: string, last: string): string {
  return cadence === "month" ? `${year}年${indexInYear}月` : `${year}年第${indexInYear}周（${first}—${last}）`;
}

/** "幸福街道创文办 编　　2026年12月7日". */
export function mastheadLine(unitName: string, issuedOn: string): string {
  return `${unitName}创文办 编　　　　${issuedOn}`;
}

/** The end of a day, as reports write it: "11月29日 24:00". */
export function endOfDay(date: string): string {
  return `${date} 24:00`;
}

/** "2026年12月7日". */
export function longDate(date: string): string {
  const [year = "", month = "", day = ""] = date.split("-");
  return `${Number(year)}年${Number(month)}月${Number(day)}日`;
}

/** The section titles; the document numbers them in order ({@link sectionHeading}). */
export const SECTION_TITLES = {
  overall: "总体情况",
  ranking: (childLabel: string) => `各${childLabel}排名（比学赶超）`,
  categories: "问题分类",
  overdue: "超期问题",
  parked: "挂账问题",
  talks: "约谈名单",
  patrols: "巡查情况",
  cases: "典型案例",
} as const;

const NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"] as const;

/** A section's heading, numbered as Chinese documents are: "三、问题分类" for the third. */
export function sectionHeading(index: number, title: string): string {
  return `${NUMERALS[index] ?? String(index + 1)}、${title}`;
}

/** The lead sentence of 总体情况. */
export function overallSentence(f: {
  thisPeriod: string;
  found: number;
  dynamic: number;
  stat: number;
  rectified: number;
  closed: number;
  rate: string;
  asOf: string;
  open: number;
  overdue: number;
}): string {
  return (
    `${f.thisPeriod}共发现问题 ${f.found} 件（动态 ${f.dynamic} 件、静态 ${f.stat} 件），整改 ${f.rectified} 件，` +
    `销项 ${f.closed} 件，整改率 ${f.rate}；截至 ${f.asOf}，未销项 ${f.open} 件，其中超期 ${f.overdue} 件。`
  );
}

/** The labels of the headline figures, in the order the table and the card show them. */
export const BRIEFING_FIGURES = {
  found: "发现问题",
  rectified: "整改问题",
  closed: "销项问题",
  open: "期末未销项",
  overdue: "期末超期",
  rate: "整改率",
  rectification: "平均整改用时",
} as const;

/** The header of the figures table. */
export const FIGURES_HEADER = ["指标", "本期", "上期", "环比", "去年同期", "同比"] as const;

/** A change in a count: "+3", "-2", "持平". */
export function countChange(delta: number): string {
  return delta === 0 ? "持平" : delta > 0 ? `+${delta}` : `${delta}`;
}

/** A change in a rate, in percentage points: "+5.0 个百分点". */
export function pointsChange(points: string, up: boolean, zero: boolean): string {
  return zero ? "持平" : `${up ? "+" : "-"}${points} 个百分点`;
}

/** A comparison that cannot be made: no data for the earlier period. */
export const NO_COMPARISON = "—";

/** The header of the ranking table; the measure's column is named by the measure. */
export function rankingHeader(childLabel: string, measure: string): string[] {
  return ["名次", childLabel, "发现", "销项", "未销项", "超期", measure, "评价"];
}

/**
 * What a flag is called in the document: words in the flag's colour, since fonts for 🚩 and 🟨 are missing where a
 * secretary prints (the card shows the emoji).
 */
export const FLAG_WORDS = { red: "红旗", yellow: "黄牌" } as const;

/** The ranking's rule under its table. */
export function rankingNote(measure: string, minIssues: number, childLabel: string): string {
  return `按${measure}排名；应结案问题少于 ${minIssues} 件的${childLabel}不参与排名，名次记“—”；最高的亮红旗，最低的亮黄牌。`;
}

/** An unranked unit's rank. */
export const UNRANKED = "—";

/** The header of the category table. */
export const CATEGORY_HEADER = ["问题类别", "性质", "件数", "占比"] as const;

/** The header of the overdue table. */
export const OVERDUE_HEADER = ["编号", "社区", "网格及点位", "问题类别", "整改期限", "责任单位（人）"] as const;

/** The header of the 挂账 table. */
export const PARKED_HEADER = [
  "编号",
  "社区",
  "网格及点位",
  "问题类别",
  "类型",
  "预计恢复办理",
  "处置计划或原因",
] as const;

/** "共 12 件，列出期限最早的 50 件。" */
export function listCut(total: number, shown: number): string {
  return `共 ${total} 件，列出期限最早的 ${shown} 件。`;
}

/** What an empty list says. */
export const EMPTY_LISTS = {
  overdue: "期末无超期问题。",
  parked: "期末无挂账、缓办问题。",
  categories: "本期未发现问题。",
  talks: "本期无约谈单位。",
  cases: "本期没有整改前后照片齐全的销项问题。",
} as const;

/** The 约谈 rule. */
export function talkRule(measure: string, below: number, periods: number, previous: string): string {
  return periods === 1
    ? `${measure}低于 ${below} 的单位列入约谈名单。`
    : `连续 ${periods} 期（本期及${previous}${periods > 2 ? "等" : ""}）${measure}低于 ${below} 的单位列入约谈名单。`;
}

/** The lead sentence of 巡查情况. */
export function patrolSentence(f: {
  thisPeriod: string;
  visits: number;
  patrollers: number;
  points: number;
  withProblems: number;
  found: number;
  rectified: number;
}): string {
  return (
    `${f.thisPeriod}共巡查 ${f.visits} 人次，${f.patrollers} 人巡查点位 ${f.points} 个，其中 ${f.withProblems} 次发现问题；` +
    `巡查发现问题 ${f.found} 处，整改 ${f.rectified} 处。`
  );
}

/** The header of the patrol coverage table, by level. */
export const PATROL_HEADER = ["巡查层级", "应巡（次）", "已巡（次）", "覆盖率"] as const;

/** The header of the missed patrols table. */
export const MISSED_HEADER = ["点位", "重点点位", "层级", "巡查人（单位）", "应巡 / 已巡"] as const;

/** A key point's mark in the missed table. */
export const KEY_POINT = "是";

/** What the missed table says when nothing was missed, or above it when it is cut short. */
export const MISSED_WORDS = {
  none: "各巡查计划均已按期完成。",
  title: "未按期巡查的点位（重点点位在前）：",
} as const;

/** "3 / 5". */
export function dueMet(due: number, met: number): string {
  return `${due} / ${met}`;
}

/** The header of the 约谈 table: the unit, then each period's measure, latest first. */
export function talkHeader(childLabel: string, periodNames: readonly string[]): string[] {
  return [childLabel, ...periodNames];
}

/** The periods of the 约谈 table, latest first: 本期, 上期, 前 2 期 … */
export function periodName(back: number): string {
  return back === 0 ? "本期" : back === 1 ? "上期" : `前 ${back} 期`;
}

/** A typical case's heading: "#1024 堆物堆料 · 东苑社区 东苑一网格 G11号路口". */
export function caseHeading(number: number, category: string, place: string): string {
  return `#${number} ${category}${place ? ` · ${place}` : ""}`;
}

/** A typical case's dates: "11月30日 上报，12月2日 销项。" */
export function caseDates(reported: string, closed: string): string {
  return `${reported} 上报，${closed} 销项。`;
}

/** The captions of a case's photos. */
export const CASE_PHOTOS = { before: "整改前", after: "整改后" } as const;

/** The footnote with the definitions. */
export function definitionsNote(definition: string): string {
  return `口径：${definition}`;
}

/** The card's title: "创文工作简报 第12期 · 幸福街道 · 2026年第49周（…）". */
export function briefingCardTitle(number: string, unitName: string, period: string): string {
  return `${BRIEFING_NAME} ${number} · ${unitName} · ${period}`;
}

/** A card figure with its change: "12（上周 +3）". */
export function valueWithChange(value: string, previous: string, change: string): string {
  return `${value}（${previous} ${change}）`;
}

/** The card's line about the attachment. */
export const ATTACHMENT_NOTE = "全文见下方 Word 附件，可在 WPS 中编辑后印发。";

/** The card's ranking line: "🚩 东苑社区　🟨 西苑社区". */
export function cardFlags(red: readonly string[], yellow: readonly string[]): string {
  return [red.length ? `🚩 ${red.join("、")}` : "", yellow.length ? `🟨 ${yellow.join("、")}` : ""]
    .filter(Boolean)
    .join("　");
}

/** The card's 约谈 line. */
export function cardTalks(names: readonly string[]): string {
  return `约谈：${names.join("、")}`;
}

/** The file name: "幸福街道创文工作简报第12期.docx". */
export function briefingFileName(unitName: string, number: string): string {
  return `${unitName}${BRIEFING_NAME}${number}.docx`;
}

/** The summary line of a sent briefing (sweep notices and the CLI). */
export function briefingSummary(unitName: string, number: string, period: string, chat: string): string {
  return `${BRIEFING_NAME} ${number} ${unitName} ${period} → ${chat}`;
}

/** The ranking chart's title: "各社区整改率排名". */
export function rankingChartTitle(childLabel: string, measure: string): string {
  return `各${childLabel}${measure}排名`;
}

/** The category chart's title. */
export const CATEGORY_CHART_TITLE = "问题分类（件）";
