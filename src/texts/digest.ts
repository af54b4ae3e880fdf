/**
 * The words of the daily digest (日清日报, reports/digest.ts): its figures, lists, ranking and title, in the card and
 * in plain text alike.
 */

/** Words the digest uses on their own. */
export const DIGEST_WORDS = {
  /** What the units below are called when their level has no name. */
  childUnits: "下级单位",
  /** In a list line instead of who answers for the issue. */
  awaitingVerification: "已整改待验收",
  unassigned: "待派单",
  deadlinePending: "期限待定",
  /** An unranked unit instead of its rank. */
  unranked: "不参与排名",
  noOverdue: "无超期问题 👍",
  noneDueToday: "今天没有还未整改的到期问题",
  noneDueTomorrow: "明天没有到期的问题",
} as const;

/** The labels of the headline figures. */
export const FIGURE_LABELS = {
  found: "今日发现",
  rectified: "今日整改",
  open: "未销项",
  rebound: "反弹",
  rate: "今日整改率",
  cumulativeRate: "累计整改率",
} as const;

/** "5 件". */
export function pieces(n: number): string {
  return `${n} 件`;
}

/** "5 件（动态 3 · 静态 2 · 未分类 0）", the last part only when some are not sorted. */
export function foundValue(found: number, dynamic: number, stat: number, unsorted: number): string {
  return `${found} 件（动态 ${dynamic} · 静态 ${stat}${unsorted > 0 ? ` · 未分类 ${unsorted}` : ""}）`;
}

/** "3 件（销项 2 件）". */
export function rectifiedValue(rectified: number, closed: number): string {
  return `${rectified} 件（销项 ${closed} 件）`;
}

/** "4 件（超期 1 件，已整改待验收 2 件）", the last part only when some await verification. */
export function openValue(open: number, overdue: number, awaiting: number): string {
  return `${open} 件（超期 ${overdue} 件${awaiting > 0 ? `，已整改待验收 ${awaiting} 件` : ""}）`;
}

/** The terms of a rate: "（2/3）". */
export function rateTerms(closed: number, open: number): string {
  return `（${closed}/${closed + open}）`;
}

/** "平均整改用时", for a duration's label. */
export function averageOf(label: string): string {
  return `平均${label}`;
}

/** The titles of the digest's lists. */
export const LIST_TITLES = {
  overdue: (n: number) => `超期问题（${n} 件）`,
  dueToday: (n: number) => `今日到期未完成（${n} 件）`,
  dueTomorrow: (n: number) => `明日到期（${n} 件）`,
} as const;

/** The day's account: the issues open at some time of the day, by bucket (src/reports/digest.ts counts them). */
export interface TodayAccount {
  total: number;
  closed: number;
  awaiting: number;
  overdue: number;
  dueToday: number;
  dueTomorrow: number;
  /** In hand, due after tomorrow or without a deadline yet. */
  rest: number;
}

/** The day's account, its buckets adding up to the total. */
export function todayAccount(t: TodayAccount): string {
  return (
    `今日在办 ${t.total} 件 = 已销项 ${t.closed} + 待验收 ${t.awaiting} + 超期 ${t.overdue} + ` +
    `今日到期未完成 ${t.dueToday} + 明日到期 ${t.dueTomorrow} + 其余在办 ${t.rest}`
  );
}

/** "🚩 第 1 名 幸福里第一网格 86.7 分（按期处置 2/3 · 结案 1/3 · 返工 0）", the flag with its space already in front. */
export function rankingLineText(flag: string, rank: number | null, name: string, score: string, terms: string): string {
  return `${flag}第 ${rank} 名 ${name} ${score} 分${terms}`;
}

/** The terms behind a score: "（按期处置 2/3 · 结案 1/3 · 返工 0）". */
export function scoreTerms(i: {
  disposedOnTime: number;
  dueDisposal: number;
  closed: number;
  dueClosure: number;
  rework: number;
}): string {
  return `（按期处置 ${i.disposedOnTime}/${i.dueDisposal} · 结案 ${i.closed}/${i.dueClosure} · 返工 ${i.rework}）`;
}

/** "不参与排名（应结案少于 3 件）：A、B". */
export function unrankedText(minIssues: number, names: readonly string[]): string {
  return `${DIGEST_WORDS.unranked}（应结案少于 ${minIssues} 件）：${names.join("、")}`;
}

/** "各网格今日综合指标排名". */
export function rankingTitleText(childLabel: string): string {
  return `各${childLabel}今日综合指标排名`;
}

/** The ranking rule, for the footer, after the formula with its weights. */
export function rankingRuleText(minIssues: number, childLabel: string, formula: string): string {
  return `排名按今日${formula}，应结案少于 ${minIssues} 件的${childLabel}不参与排名；🚩 为最高，🟨 为最低。`;
}

/** "各社区考核指标" / "各部门考核指标": the street digest's indicators per community and per department. */
export function indicatorsTitleText(label: string): string {
  return `各${label}考核指标`;
}

/** "幸福里社区：综合指标值 86.7 · …". */
export function indicatorsLineText(name: string, line: string): string {
  return `${name}：${line}`;
}

/** The marks a digest title may carry. */
export const DIGEST_MARKS = {
  preview: "（预览）",
  late: "（补发）",
  early: (asOf: string) => `（截至 ${asOf}）`,
} as const;

/** The digest's name. */
export const DIGEST_NAME = "日清日报";

/** "日清日报 · 幸福里社区 · 11月23日（补发）". */
export function digestTitleText(unitName: string, date: string, suffix: string): string {
  return `${DIGEST_NAME} · ${unitName} · ${date}${suffix}`;
}

/** A figure in plain text: "今日发现：5 件". */
export function figureLine(label: string, value: string): string {
  return `${label}：${value}`;
}

/** The line below a list cut short: "等 12 件". */
export function andMore(total: number): string {
  return `等 ${total} 件`;
}

/** The definitions line of the plain digest. */
export function definitionsLine(definition: string): string {
  return `口径：${definition}`;
}
