import { answerTo, replyText } from "../commands/say.ts";
import { DURATION_KINDS } from "../domain/metrics.ts";
import { periodFor, periodLabel, type UnitStats, unitStats } from "../reports/stats.ts";
import { STATUS_LABELS } from "../texts/labels.ts";
import { DURATION_LABELS, formatHours, formatRate } from "../texts/messages.ts";
import { refusal } from "../texts/permissions.ts";
import { indicatorLine, PERIOD_NAMES, STATS_LINES } from "../texts/stats.ts";
import type { CommandExtension } from "./chat-commands.ts";
import { parseStatsRequest } from "./parse-input.ts";

/** At most this many units in one answer (a private chat covers all of the sender's units). */
const MAX_UNITS = 5;

/** The figures of one unit, as the 统计 command says them. */
export function statsText(s: UnitStats, name: string, timeZone: string): string {
  const open = (["reported", "assigned", "accepted", "rectified"] as const)
    .map((status) => `${STATUS_LABELS[status]} ${s.openByStatus[status]}`)
    .join(" · ");
  return [
    STATS_LINES.heading(s.unit.name, name, periodLabel(s.period, timeZone)),
    STATS_LINES.found({ ...s.byKind, found: s.found, rectified: s.rectified, closed: s.closed, rebound: s.rebound }),
    STATS_LINES.open(s.open, open, s.overdue),
    STATS_LINES.rate(formatRate(s.rate.rate), formatRate(s.cumulativeRate.rate)),
    STATS_LINES.indicators(indicatorLine(s.indicators)),
    STATS_LINES.join(
      DURATION_KINDS.map((kind) =>
        STATS_LINES.duration(
          DURATION_LABELS[kind],
          formatHours(s.durations[kind].averageHours),
          formatHours(s.durations[kind].medianHours),
        ),
      ),
    ),
  ].join("\n");
}

/**
 * 统计 [今日|本周|本月|2026-11]: counts by status and the campaign indicators for the chat's unit (or, in a private
 * chat, each of the sender's units), from the statistics module — the same figures as the digest and the ledger.
 */
export const statsCommand: CommandExtension = async (deps, m, arg, scope) => {
  const reply = (text: string) => replyText(deps.db, { ...answerTo(m), text });
  const now = deps.now();
  const request = parseStatsRequest(arg, now, deps.timeZone);
  if (!request.ok) return reply(request.answer);
  const { period, name } =
    "spec" in request.value
      ? { period: periodFor(request.value.spec, now, deps.timeZone), name: PERIOD_NAMES[request.value.spec] }
      : { period: request.value.month, name: request.value.name };
  const parts: string[] = [];
  for (const unitId of scope.unitIds.slice(0, MAX_UNITS)) {
    const counting = { timeZone: deps.timeZone, officeHours: deps.officeHours };
    parts.push(statsText(await unitStats(deps.db, unitId, period, now, counting), name, deps.timeZone));
  }
  await reply(parts.join("\n\n") || refusal("use_commands"));
};
