/**
 * The Chinese words Riqing listens for in what users write: report words, urgent words. Matching works on the
 * simplified text (domain/match.ts), so traditional characters and full-width punctuation count too.
 */

import { simplify } from "../domain/match.ts";

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
