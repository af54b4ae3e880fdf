import { join } from "node:path";
import { z } from "zod";
import { unitActor } from "../commands/actors.ts";
import { fetchAndPublish } from "../commands/attach-photos.ts";
import type { PhotoFile } from "../commands/context.ts";
import { commandContext, type FeatureDeps } from "../commands/deps.ts";
import { matchReportText } from "../commands/file-issue.ts";
import { recordPatrolVisit } from "../commands/record-patrol-visit.ts";
import { answerTo, replyCard, replyText } from "../commands/say.ts";
import { type BindingRef, type Org, orgOf, type PointRef, unitSubtree } from "../db/org-queries.ts";
import { transaction } from "../db/transaction.ts";
import { localDateString } from "../domain/deadline.ts";
import { distanceMeters } from "../domain/geo.ts";
import { permits } from "../domain/permissions.ts";
import type { InboundCardAction, InboundMessage } from "../lark/envelope.ts";
import type { CardAnswer } from "../lark/inbox-store.ts";
import { type PhotoPosition, photoPosition } from "../lark/photo-position.ts";
import { todayPatrolCard } from "../presenters/patrol-card.ts";
import { isPatrollerOf, patrolsForToday } from "../reports/patrol-coverage.ts";
import { todayPatrolLines } from "../reports/patrol-lines.ts";
import { escapeText } from "../texts/escape.ts";
import { formatTimeOfDay } from "../texts/messages.ts";
import { CHECK_IN_TEXTS, PATROL_CARD, pointLabel, TODAY_TEXTS } from "../texts/patrol.ts";
import { refusal } from "../texts/permissions.ts";
import { PROBLEM_SEPARATORS, saysNothingWrong } from "../texts/words.ts";
import { cardValue, toast } from "./card-actions.ts";
import { REPORT_WINDOW_MS } from "./intake.ts";
import { recordId } from "./parse-input.ts";

/**
 * A patrol check-in in a bound group (behaviour §14.3): "巡查 幸福路菜市场 无问题" (or a problem instead of 无问题)
 * with a photo in the same message or sent by the same person within two minutes before. The point is matched as a
 * report's place is (within the group's unit); the sender must be allowed there (the permission table's check_in,
 * or named by the point's 包干 plans). Nothing is recorded without a photo. "巡查" alone answers with today's points:
 * in a group a card whose buttons check in without problems, in private a list; a check-in in private is answered
 * with where to send it. `rest` is the text after 巡查.
 */
export async function checkIn(
  deps: FeatureDeps,
  m: InboundMessage,
  rest: string,
  binding: BindingRef | null,
): Promise<void> {
  const reply = (text: string) => replyText(deps.db, { ...answerTo(m), text });
  const person = await deps.db.person.findUnique({ where: { openId: m.senderOpenId } });
  if (rest === "") return todayAnswer(deps, m, person, binding !== null);
  if (!binding) return reply(CHECK_IN_TEXTS.onlyInGroup);

  const org = await orgOf(deps.db);
  const match = matchReportText(org, binding.unitId, rest);
  if (!match.place) return reply(CHECK_IN_TEXTS.unknownPoint(rest));
  const point = match.place.pointId === null ? undefined : org.points.get(match.place.pointId);
  if (!point) return reply(CHECK_IN_TEXTS.notAPoint(match.placeName ?? rest));
  if (!(await mayCheckIn(deps, org, point, person, m.senderOpenId))) return reply(refusal("check_in"));

  const photos = [...(await heldPhotos(deps, m.chatId, m.senderOpenId, m.sentAt)), ...(await fetchAndPublish(deps, m))];
  if (photos.length === 0) return reply(CHECK_IN_TEXTS.needPhoto);
  const afterPoint = withoutName(rest, match.placeName);
  const problems = saysNothingWrong(afterPoint)
    ? []
    : afterPoint
        .split(PROBLEM_SEPARATORS)
        .map((p) => p.trim())
        .filter((p) => p !== "");
  await record(deps, {
    chatId: m.chatId,
    binding,
    patroller: { openId: m.senderOpenId, name: person?.name ?? (await deps.userName(m.senderOpenId)) },
    point,
    problems,
    text: rest,
    photos,
    sourceId: m.messageId,
    at: m.sentAt,
    replyTo: m.messageId,
  });
}

const patrolValue = z.object({ pt: z.literal("ok"), p: recordId });

/**
 * A click on a point of the card of today's points (behaviour §14.3): a check-in there without problems, with the
 * photos the clicker sent in the group within two minutes before; without one it only says to send a photo first.
 * The same checks as a typed check-in: the point must lie in the group's unit and the clicker be allowed there.
 */
export async function handlePatrolCardAction(
  deps: FeatureDeps,
  action: InboundCardAction,
): Promise<CardAnswer | undefined> {
  const value = cardValue(action.value, "pt", patrolValue);
  if (!value) return undefined;
  const org = await orgOf(deps.db);
  const binding = org.bindings.get(action.chatId);
  const point = org.points.get(value.p);
  if (!binding || !point || !unitSubtree(org, binding.unitId).some((u) => u.id === point.gridId)) {
    return toast("warning", PATROL_CARD.notHere);
  }
  const person = await deps.db.person.findUnique({ where: { openId: action.operatorOpenId } });
  if (!(await mayCheckIn(deps, org, point, person, action.operatorOpenId))) {
    return toast("error", refusal("check_in"));
  }
  const now = deps.now();
  const photos = await heldPhotos(deps, action.chatId, action.operatorOpenId, now);
  if (photos.length === 0) return toast("warning", PATROL_CARD.needPhoto);
  await record(deps, {
    chatId: action.chatId,
    binding,
    patroller: { openId: action.operatorOpenId, name: person?.name ?? (await deps.userName(action.operatorOpenId)) },
    point,
    problems: [],
    text: "",
    photos,
    sourceId: `click:${action.eventId}`,
    at: now,
    replyTo: action.messageId,
  });
  return toast("success", PATROL_CARD.done(pointLabel(point.name, point.key)));
}

/** Whether the person may check in at the point: the permission table's check_in, or named by its plans. */
async function mayCheckIn(
  deps: FeatureDeps,
  org: Org,
  point: PointRef,
  person: { id: number } | null,
  openId: string,
): Promise<boolean> {
  if (person !== null && (await isPatrollerOf(deps.db, point.id, person.id))) return true;
  return permits("check_in", unitActor(org, { id: person?.id ?? null, openId }, deps.admins, point.gridId, "check_in"));
}

/** A check-in that passed its checks, typed or clicked. */
interface CheckIn {
  chatId: string;
  binding: BindingRef;
  patroller: { openId: string; name: string };
  point: PointRef;
  problems: string[];
  text: string;
  photos: PhotoFile[];
  /** The message or click it came from: recorded once. */
  sourceId: string;
  at: Date;
  /** The message the answer replies to. */
  replyTo: string;
}

/** Records the visit and answers with what was recorded and where the photo says it was taken. */
async function record(deps: FeatureDeps, c: CheckIn): Promise<void> {
  const position = await firstPosition(deps.dataDir, c.photos);
  const stored = await deps.db.point.findUnique({ where: { id: c.point.id }, select: { lat: true, long: true } });
  const ctx = commandContext(deps);
  await transaction(deps.db, async (tx) => {
    await tx.pendingPhoto.deleteMany({
      where: { chatId: c.chatId, senderOpenId: c.patroller.openId, sha256: { in: c.photos.map((p) => p.sha256) } },
    });
    const { issueNumbers } = await recordPatrolVisit(
      tx,
      {
        chatId: c.chatId,
        chatUnitId: c.binding.unitId,
        patroller: c.patroller,
        point: { id: c.point.id, name: c.point.name },
        problems: c.problems,
        text: c.text,
        photos: c.photos,
        sourceMessageId: c.sourceId,
        at: c.at,
        position,
      },
      ctx,
    );
    const label = pointLabel(c.point.name, c.point.key);
    const time = formatTimeOfDay(c.at, deps.timeZone);
    const head =
      issueNumbers.length === 0
        ? CHECK_IN_TEXTS.recordedOk(label, time, c.photos.length)
        : CHECK_IN_TEXTS.recordedProblems(label, time, c.photos.length, issueNumbers);
    const meters =
      position && stored?.lat != null && stored.long != null
        ? distanceMeters(position, { lat: stored.lat, long: stored.long })
        : null;
    const where = position ? CHECK_IN_TEXTS.position(position.lat, position.long, meters) : CHECK_IN_TEXTS.noPosition;
    await replyText(tx, {
      key: `patrol:${c.sourceId}`,
      chatId: c.chatId,
      messageId: c.replyTo,
      text: `${head}\n${where}`,
    });
  });
}

/** The person's photos held in the chat within the two minutes up to `until` (a work group holds them). */
async function heldPhotos(deps: FeatureDeps, chatId: string, openId: string, until: Date): Promise<PhotoFile[]> {
  const held = await deps.db.pendingPhoto.findMany({
    where: {
      chatId,
      senderOpenId: openId,
      sentAt: { gte: new Date(until.getTime() - REPORT_WINDOW_MS), lte: until },
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

/** Today's points of the sender (behaviour §14.5): a card with buttons in a group, a list in private. */
async function todayAnswer(
  deps: FeatureDeps,
  m: InboundMessage,
  person: { id: number; name: string } | null,
  inGroup: boolean,
): Promise<void> {
  const now = deps.now();
  const today = person ? await patrolsForToday(deps.db, { personId: person.id, at: now, timeZone: deps.timeZone }) : [];
  if (!person || today.length === 0) return replyText(deps.db, { ...answerTo(m), text: TODAY_TEXTS.none });
  const title = TODAY_TEXTS.title(person.name, localDateString(now, deps.timeZone));
  if (inGroup) {
    const lines = todayPatrolLines(today, (t) => t);
    const points = today.map((t, i) => ({ line: lines[i] ?? "", point: t.point, visited: t.visited }));
    return replyCard(deps.db, { ...answerTo(m), card: todayPatrolCard(title, points) });
  }
  const text = [escapeText(title), ...todayPatrolLines(today, escapeText), "", TODAY_TEXTS.howTo].join("\n");
  return replyText(deps.db, { ...answerTo(m), text });
}
