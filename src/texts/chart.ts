/** The words of the ranking bar chart (reports/chart.ts): its notes and the flag badges. */

/** The note under a chart that shows only the first bars. */
export function chartOmittedNote(total: number, shown: number): string {
  return `注：共 ${total} 项，仅显示前 ${shown} 项`;
}

/** What a chart without bars shows. */
export const CHART_EMPTY = "暂无数据";

/** The badges after a flagged bar's value. */
export const FLAG_BADGES = { red: "红旗", yellow: "黄牌" } as const;

/** The legend of the flags, for a chart of rates and for any other chart. */
export const FLAG_LEGENDS = {
  percent: { red: "红旗：整改率最高", yellow: "黄牌：整改率最低" },
  other: { red: "红旗：表现最优", yellow: "黄牌：有待提升" },
} as const;

/**
 * Rich-text markup uses `{`, `}` and `|`; replace them in user text with full-width look-alikes, and keep the label on
 * one line.
 */
export function escapeRich(text: string): string {
  return text.replace(/\{/g, "｛").replace(/\}/g, "｝").replace(/\|/g, "｜").replace(/\s+/g, " ");
}
