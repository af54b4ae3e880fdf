/**
 * The words of the sweeps (src/jobs/): each notice's one-line summary (the CLI's dry run and log), and the text of
 * an issue a look-back files.
 */

/** Every rung of the reminder ladder, as a summary names it. */
export const RUNG_LABELS: Readonly<Record<"before" | "deadline" | "again" | "escalate", string>> = {
  before: "到期前提醒",
  deadline: "到期提醒",
  again: "延后后再次提醒",
  escalate: "超期上报",
};

/** "超期上报 2 件（#1024、#1025）→ 幸福里社区工作群". */
export function escalationSummary(numbers: readonly number[], chat: string): string {
  return `${RUNG_LABELS.escalate} ${numbers.length} 件（${numbers.map((n) => `#${n}`).join("、")}）→ ${chat}`;
}

/** "#1024 挂账到期，恢复办理": a parked issue the sweep brought back. */
export function returnSummary(number: number): string {
  return `#${number} 挂账或缓办到期，恢复办理`;
}

/** "#1024 回头看 → 幸福里社区工作群". */
export function lookbackSummary(number: number, chat: string): string {
  return `#${number} 回头看 → ${chat}`;
}

/** The text of the issue a rebound files. */
export function reboundIssueText(original: number, text: string): string {
  return `回头看发现 #${original} 反弹：${text}`;
}

/** "#1024 反弹，已登记新问题 #1030". */
export function reboundSummary(original: number, filed: number): string {
  return `#${original} 反弹，已登记新问题 #${filed}`;
}
