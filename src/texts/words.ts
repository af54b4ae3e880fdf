/**
 * The Chinese words Riqing listens for in what users write: report words, urgent words. Matching works on the
 * simplified text (domain/match.ts), so traditional characters and full-width punctuation count too.
 */

import type { IssueAction } from "../domain/lifecycle.ts";
import { simplify } from "../domain/match.ts";
import type { ChatPurpose } from "../domain/types.ts";

const REPORT_PREFIX = /^(上报|报告|#问题|问题:)/;

/** Urgent words; a lone 急 counts only when it is not part of a longer word such as 急救. */
const URGENT = /紧急|加急|特急|急需|急办|(?<!\p{Script=Han})急(?!\p{Script=Han})/u;

/** Separators that may follow a report word. */
const AFTER_REPORT_WORD = /^[\s：:，,]+/;

/** Whether the text marks the report as urgent (紧急, 加急, 特急, 急需, or 急 on its own). */
export function hasUrgentWord(text: string): boolean {
  return URGENT.test(simplify(text));
}

/** Whether the text opens with a report word: 上报, 报告, #问题 or 问题：(full- or half-width). */
export function startsWithReportWord(text: string): boolean {
  return REPORT_PREFIX.test(simplify(text).trimStart());
}

/** The text without the report word it opens with: "上报：幸福路菜市场门口堆物" → "幸福路菜市场门口堆物". */
export function stripReportWord(text: string): string {
  const trimmed = text.trimStart();
  // Simplifying keeps these words' length, so the match measures the original text too.
  const word = REPORT_PREFIX.exec(simplify(trimmed))?.[0];
  return word ? trimmed.slice(word.length).replace(AFTER_REPORT_WORD, "") : trimmed;
}

/** A patrol check-in's opening word (behaviour §14.3): 巡查 or 巡查打卡, then a space or punctuation, or nothing. */
const PATROL_PREFIX = /^(巡查打卡|巡查)(?=$|[\s：:，,])/;

/** The rest of a patrol check-in ("巡查 幸福路菜市场 无问题" → "幸福路菜市场 无问题"); null when it is not one. */
export function patrolCheckInText(text: string): string | null {
  const trimmed = text.trimStart();
  const word = PATROL_PREFIX.exec(simplify(trimmed))?.[0];
  return word === undefined ? null : trimmed.slice(word.length).replace(AFTER_REPORT_WORD, "").trim();
}

/** What a patroller writes after the point when nothing was wrong: 无问题, 正常, 未发现问题 … */
const NOTHING_WRONG = /^(无问题|没问题|没有问题|未发现问题|无异常|正常|良好|一切正常|ok|好)$/i;

/** Whether the words after the point say nothing was wrong (blank counts as 无问题). */
export function saysNothingWrong(rest: string): boolean {
  const t = simplify(rest).replace(/[\s\p{P}]/gu, "");
  return t === "" || NOTHING_WRONG.test(t);
}

/** Several problems in one check-in are separated by ；; or a line break. */
export const PROBLEM_SEPARATORS = /[；;\n]+/;

/** Command words (behaviour §5) with their English aliases, and the verb each stands for. */
export const COMMAND_WORDS: Readonly<Record<string, string>> = {
  帮助: "help",
  help: "help",
  待办: "todo",
  巡查日报: "patrol_report",
  巡查周报: "patrol_week",
  todo: "todo",
  统计: "stats",
  stats: "stats",
  日报: "digest",
  digest: "digest",
  查: "show",
  show: "show",
  台账: "ledger",
  ledger: "ledger",
  绑定: "bind",
  bind: "bind",
  解绑: "unbind",
  unbind: "unbind",
  挂图: "board",
  挂图作战: "board",
  board: "board",
};

/** What may follow 查 for it to be the command: a space, #, ＃ or a digit (so "查到幸福路有堆物" is a report). */
export const SHOW_ARGUMENT = /^[\s#＃\d]/;

/** The words after 绑定 单位 that name the chat's purpose. */
export const PURPOSE_WORDS: Readonly<Record<string, ChatPurpose>> = {
  工作: "work",
  工作群: "work",
  巡查: "patrol",
  巡查群: "patrol",
  领导: "leader",
  领导群: "leader",
  部门: "department",
  部门群: "department",
};

/**
 * Thread words and the action each takes; the rest of the text is the reason. Words are tried longest first, so the
 * negative 验收不通过 wins over 验收通过, and a bare 验收 is no verdict at all.
 */
export const THREAD_WORDS: readonly { words: readonly string[]; action: IssueAction }[] = [
  { words: ["已整改", "整改完成", "已完成", "已处理", "已清理"], action: "rectify" },
  { words: ["接单"], action: "accept" },
  { words: ["退回"], action: "send_back" },
  { words: ["转派"], action: "assign" },
  { words: ["验收通过", "验收合格", "通过验收"], action: "verify" },
  { words: ["验收不通过", "验收不合格", "验收未通过", "不通过", "不合格", "驳回"], action: "refuse" },
  { words: ["不予受理"], action: "reject" },
  { words: ["合并到", "合并"], action: "merge" },
  { words: ["不是重复"], action: "dismiss_duplicate" },
];

/** Separators that may follow a thread word before the reason. */
export const AFTER_THREAD_WORD = /^[\s：:，,。]+/;

/** The example an answer about a missing or bad issue number gives, for each command that takes one. */
export const ISSUE_NUMBER_EXAMPLES = { merge: "合并到 #1024", show: "查 #1024" } as const;

/** The periods 统计 takes; nothing after the command is today. */
export const STATS_PERIOD_WORDS: Readonly<Record<string, "today" | "week" | "month">> = {
  "": "today",
  今日: "today",
  今天: "today",
  today: "today",
  本周: "week",
  这周: "week",
  week: "week",
  本月: "month",
  这个月: "month",
  month: "month",
};

/** The periods 台账 takes besides a date range; nothing after the command is this month. */
export const LEDGER_PERIOD_WORDS: Readonly<Partial<Record<string, "today" | "week" | "month">>> = {
  "": "month",
  本月: "month",
  month: "month",
  本周: "week",
  week: "week",
  今日: "today",
  今天: "today",
  today: "today",
};

/** A date range: two dates with ~, 至, 到, — or -- between them. */
export const DATE_RANGE = /^(.+?)\s*(?:~|～|至|到|—|--)\s*(.+)$/;

/** "2026-11-23", "2026/11/1", "2026年11月1日" (after half-width folding): year, month and day. */
export const CALENDAR_DATE = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/;

/** A calendar month as people type it: "2026-11", "2026/11", "2026.11", "2026年11月". */
export const CALENDAR_MONTH = /^(\d{4})[-/.年](\d{1,2})月?$/;
