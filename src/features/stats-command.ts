import { answerTo, replyText } from "../commands/say.ts";
import { DURATION_KINDS } from "../domain/metrics.ts";
import { type PeriodSpec, periodFor, periodLabel, type UnitStats, unitStats } from "../reports/stats.ts";
import { STATUS_LABELS } from "../texts/labels.ts";
import { DURATION_LABELS, formatHours, formatRate, TEXTS } from "../texts/messages.ts";
import { refusal } from "../texts/permissions.ts";
import type { CommandExtension } from "./chat-commands.ts";

const PERIOD_WORDS: Record<string, "today" | "week" | "month"> = {
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
const PERIOD_NAMES = { today: "今日", week: "本周", month: "本月" } as const;

/** At most this many units in one answer (a private chat covers all of the sender's units). */
const MAX_UNITS = 5;

/** The figures of one unit, as the 统计 command says them. */
export function statsText(s: UnitStats, name: string, timeZone: string): string {
  const open = (["reported", "assigned", "accepted", "rectified"] as const)
    .map((status) => `${STATUS_LABELS[status]} ${s.openByStatus[status]}`)
    .join(" · ");
  return [
    `${s.unit.name} · ${name}（${periodLabel(s.period, timeZone)}）`,
    `发现 ${s.found} 件（动态 ${s.byKind.dynamic} · 静态 ${s.byKind.static}），整改 ${s.rectified}，销项 ${s.closed}，反弹 ${s.rebound}`,
    `未销项 ${s.open} 件：${open}；其中超期 ${s.overdue}`,
    `整改率 ${formatRate(s.rate.rate)}（累计 ${formatRate(s.cumulativeRate.rate)}）`,
    DURATION_KINDS.map(
      (kind) =>
        `平均${DURATION_LABELS[kind]} ${formatHours(s.durations[kind].averageHours)}（中位数 ${formatHours(s.durations[kind].medianHours)}）`,
    ).join("，"),
  ].join("\n");
}

/**
 * 统计 [今日|本周|本月]: counts by status for the chat's unit (or, in a private chat, each of the sender's units),
 * from the statistics module — the same figures as the digest and the ledger.
 */
export const statsCommand: CommandExtension = async (deps, m, arg, scope) => {
  const spec = PERIOD_WORDS[arg.trim().toLowerCase()];
  const reply = (text: string) => replyText(deps.db, { ...answerTo(m), text });
  if (!spec) return reply(TEXTS.badStatsPeriod);
  const now = deps.now();
  const period = periodFor(spec as PeriodSpec, now, deps.timeZone);
  const parts: string[] = [];
  for (const unitId of scope.unitIds.slice(0, MAX_UNITS)) {
    parts.push(statsText(await unitStats(deps.db, unitId, period, now), PERIOD_NAMES[spec], deps.timeZone));
  }
  await reply(parts.join("\n\n") || refusal("use_commands"));
};
