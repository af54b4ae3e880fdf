import { join } from "node:path";
import { unitActor } from "../commands/actors.ts";
import { fetchAndPublish } from "../commands/attach-photos.ts";
import type { PhotoFile } from "../commands/context.ts";
import { commandContext, type FeatureDeps } from "../commands/deps.ts";
import { matchReportText } from "../commands/file-issue.ts";
import { recordPatrolVisit } from "../commands/record-patrol-visit.ts";
import { answerTo, replyText } from "../commands/say.ts";
import { type BindingRef, orgOf } from "../db/org-queries.ts";
import { transaction } from "../db/transaction.ts";
import { localDateString } from "../domain/deadline.ts";
import { distanceMeters } from "../domain/geo.ts";
import { permits } from "../domain/permissions.ts";
import type { InboundMessage } from "../lark/envelope.ts";
import { type PhotoPosition, photoPosition } from "../lark/photo-position.ts";
import { isPatrollerOf, patrolsForToday } from "../reports/patrol-coverage.ts";
import { todayPatrolLines } from "../reports/patrol-lines.ts";
import { escapeText } from "../texts/escape.ts";
import { formatTimeOfDay } from "../texts/messages.ts";
import { CHECK_IN_TEXTS, pointLabel, TODAY_TEXTS } from "../texts/patrol.ts";
import { refusal } from "../texts/permissions.ts";
import { PROBLEM_SEPARATORS, saysNothingWrong } from "../texts/words.ts";
import { REPORT_WINDOW_MS } from "./intake.ts";

/**
 * A patrol check-in in a bound group (behaviour §14.3): "巡查 幸福路菜市场 无问题" (or a problem instead of 无问题)
 * with a photo in the same message or sent by the same person within two minutes before. The point is matched as a
 * report's place is (within the group's unit); the sender must be allowed there (the permission table's check_in,
 * or named by the point's 包干 plans). Nothing is recorded without a photo. "巡查" alone lists today's points, in a
 * group or in private; a check-in in private is answered with where to send it. `rest` is the text after 巡查.
 */
export async function checkIn(
  deps: FeatureDeps,
  m: InboundMessage,
  rest: string,
  binding: BindingRef | null,
): Promise<void> {
  const reply = (text: string) => replyText(deps.db, { ...answerTo(m), text });
  const person = await deps.db.person.findUnique({ where: { openId: m.senderOpenId } });
  if (rest === "") return reply(await todayList(deps, person, m.senderOpenId));
  if (!binding) return reply(CHECK_IN_TEXTS.onlyInGroup);

  const org = await orgOf(deps.db);
  const match = matchReportText(org, binding.unitId, rest);
  if (!match.place) return reply(CHECK_IN_TEXTS.unknownPoint(rest));
  const point = match.place.pointId === null ? undefined : org.points.get(match.place.pointId);
  if (!point) return reply(CHECK_IN_TEXTS.notAPoint(match.placeName ?? rest));

  const sender = { id: person?.id ?? null, openId: m.senderOpenId };
  const named = person !== null && (await isPatrollerOf(deps.db, point.id, person.id));
  if (!named && !permits("check_in", unitActor(org, sender, deps.admins, point.gridId, "check_in"))) {
    return reply(refusal("check_in"));
  }

  const photos = [...(await heldPhotos(deps, m)), ...(await fetchAndPublish(deps, m))];
  if (photos.length === 0) return reply(CHECK_IN_TEXTS.needPhoto);
  const position = await firstPosition(deps.dataDir, photos);
  const stored = await deps.db.point.findUnique({ where: { id: point.id }, select: { lat: true, long: true } });

  const afterPoint = withoutName(rest, match.placeName);
  const problems = saysNothingWrong(afterPoint)
    ? []
    : afterPoint
        .split(PROBLEM_SEPARATORS)
        .map((p) => p.trim())
        .filter((p) => p !== "");
  const ctx = commandContext(deps);
  await transaction(deps.db, async (tx) => {
    await tx.pendingPhoto.deleteMany({
      where: { chatId: m.chatId, senderOpenId: m.senderOpenId, sha256: { in: photos.map((p) => p.sha256) } },
    });
    const { issueNumbers } = await recordPatrolVisit(
      tx,
      {
        chatId: m.chatId,
        chatUnitId: binding.unitId,
        patroller: { openId: m.senderOpenId, name: person?.name ?? (await deps.userName(m.senderOpenId)) },
        point: { id: point.id, name: point.name },
        problems,
        text: rest,
        photos,
        sourceMessageId: m.messageId,
        at: m.sentAt,
        position,
      },
      ctx,
    );
    const label = pointLabel(point.name, point.key);
    const time = formatTimeOfDay(m.sentAt, deps.timeZone);
    const head =
      issueNumbers.length === 0
        ? CHECK_IN_TEXTS.recordedOk(label, time, photos.length)
        : CHECK_IN_TEXTS.recordedProblems(label, time, photos.length, issueNumbers);
    const where = position
      ? CHECK_IN_TEXTS.position(
          position.lat,
          position.long,
          stored?.lat != null && stored.long != null
            ? distanceMeters(position, { lat: stored.lat, long: stored.long })
            : null,
        )
      : CHECK_IN_TEXTS.noPosition;
    await replyText(tx, { ...answerTo(m), key: `patrol:${m.messageId}`, text: `${head}\n${where}` });
  });
}

/** The sender's photos held in the chat within the two minutes before the check-in (a work group holds them). */
async function heldPhotos(deps: FeatureDeps, m: InboundMessage): Promise<PhotoFile[]> {
  const held = await deps.db.pendingPhoto.findMany({
    where: {
      chatId: m.chatId,
      senderOpenId: m.senderOpenId,
      sentAt: { gte: new Date(m.sentAt.getTime() - REPORT_WINDOW_MS), lte: m.sentAt },
    },
    orderBy: { sentAt: "asc" },
  });
  return held.map((p) => ({
    sha256: p.sha256,
    path: p.path,
    size: p.size,
    mime: p.mime,
    sourceMessageId: p.messageId,
  }));
}

/** The first EXIF position among the photos. */
async function firstPosition(dataDir: string, photos: readonly PhotoFile[]): Promise<PhotoPosition | null> {
  for (const photo of photos) {
    const position = await photoPosition(join(dataDir, photo.path));
    if (position) return position;
  }
  return null;
}

/** The check-in's words after the point's name ("幸福路菜市场 门口堆物" → "门口堆物"). */
function withoutName(rest: string, name: string | null): string {
  const at = name === null ? -1 : rest.indexOf(name);
  return at < 0 ? rest : `${rest.slice(0, at)} ${rest.slice(at + (name ?? "").length)}`.trim();
}

/** Today's points of the sender as text (behaviour §14.5). */
async function todayList(
  deps: FeatureDeps,
  person: { id: number; name: string } | null,
  openId: string,
): Promise<string> {
  const now = deps.now();
  const today = person ? await patrolsForToday(deps.db, { personId: person.id, at: now, timeZone: deps.timeZone }) : [];
  if (today.length === 0) return TODAY_TEXTS.none;
  return [
    TODAY_TEXTS.title(person?.name ?? openId, localDateString(now, deps.timeZone)),
    ...todayPatrolLines(today, escapeText),
    "",
    TODAY_TEXTS.howTo,
  ].join("\n");
}
