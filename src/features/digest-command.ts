import { prepareDigest } from "../commands/prepare-digest.ts";
import { answerTo, replyCard, replyText } from "../commands/say.ts";
import { clockSettings } from "../domain/clock-settings.ts";
import { localDateString } from "../domain/deadline.ts";
import { UNIT_LEVELS } from "../domain/types.ts";
import { TEXTS } from "../texts/messages.ts";
import type { CommandExtension } from "./chat-commands.ts";
import { parseCalendarDate } from "./parse-input.ts";

/**
 * 日报 (behaviour §5): previews the digest of the chat's unit — in a private chat, of the sender's highest unit — for
 * today, or for the date given ("日报 2026-11-22"), as a card in the thread. A preview is not the day's digest: it
 * does not count as sent, and says 预览 in its title.
 */
export const digestCommand: CommandExtension = async (deps, m, arg, scope) => {
  const reply = (text: string) => replyText(deps.db, { ...answerTo(m), text });
  const now = deps.now();
  const parsed = arg
    ? parseCalendarDate(arg, TEXTS.digestBadDate)
    : { ok: true as const, value: localDateString(now, deps.timeZone) };
  if (!parsed.ok) return reply(parsed.answer);
  const date = parsed.value;
  const units = await deps.db.unit.findMany({
    where: { id: { in: scope.unitIds } },
    select: { id: true, level: true },
  });
  // The widest unit: a leader's street rather than one of its grids.
  const levels: readonly string[] = UNIT_LEVELS;
  const rank = (level: string) => levels.indexOf(level);
  const unit = units.sort((a, b) => rank(a.level) - rank(b.level) || a.id - b.id)[0];
  if (!unit) return reply(TEXTS.digestNoUnit);
  const settings = clockSettings(scope.binding?.settings);
  const { card } = await prepareDigest(
    deps,
    { unitId: unit.id, date, minRankedIssues: settings.minRankedIssues, scoring: settings.scoring, preview: true },
    now,
  );
  await replyCard(deps.db, { ...answerTo(m), card });
};
