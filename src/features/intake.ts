import { z } from "zod";
import { addToReport } from "../commands/add-to-report.ts";
import { fetchAndPublish } from "../commands/attach-photos.ts";
import type { CommandContext, PhotoFile } from "../commands/context.ts";
import { commandContext, type FeatureDeps } from "../commands/deps.ts";
import { fileIssue } from "../commands/file-issue.ts";
import { answerTo, replyText } from "../commands/say.ts";
import type { Db, Tx } from "../db/client.ts";
import { type BindingRef, type Org, useOrg } from "../db/org-queries.ts";
import { transaction } from "../db/transaction.ts";
import { type PendingPhoto, Prisma } from "../generated/prisma/client.ts";
import type { InboundMessage } from "../lark/envelope.ts";
import { TEXTS } from "../texts/messages.ts";
import { startsWithReportWord } from "../texts/words.ts";

/** Photo and text from the same person this close together are one report (behaviour §3). */
export const REPORT_WINDOW_MS = 2 * 60_000;

/**
 * Turns group messages into reports (behaviour §3): a photo with report words or an @-mention, any photo in a patrol
 * group, or report text alone ("no photo"). A photo and a text from the same person within two minutes, in either
 * order, make one report, and further photos in that window join it — all of them. A photo in a work group with no
 * report text waits two minutes for one; so does a photo sent right after a report that came whole (its text and
 * its photos), which the sender's next report text claims, else it joins that report once the window has passed
 * (settled at the chat's next message). A photo replied under one of the bot's messages that is not an issue's (a
 * digest) is answered with where photos go.
 */
export async function intake(
  deps: FeatureDeps,
  m: InboundMessage,
  text: string,
  mentionsBot: boolean,
  binding: BindingRef,
  org: Org,
): Promise<void> {
  const qualifies = mentionsBot || startsWithReportWord(text);
  if (m.imageKeys.length > 0 && !qualifies && (await repliesToBot(deps.db, m))) {
    await replyText(deps.db, { ...answerTo(m), text: TEXTS.photoNotUnderIssue });
    return;
  }
  const photos = await fetchAndPublish(deps, m);
  const patrol = binding.purpose === "patrol";
  const reporter = { openId: m.senderOpenId, name: await deps.userName(m.senderOpenId) };
  const ctx = commandContext(deps);

  await transaction(deps.db, async (tx) => {
    // Filed under the org the message was routed by.
    useOrg(tx, org);
    // A chat's messages come in order, so a photo sent a window before this one can no longer join a new report:
    // settle it. Other chats may still be catching up on older messages, so each chat settles only its own.
    const expired = new Date(Math.min(m.sentAt.getTime(), ctx.now.getTime()) - REPORT_WINDOW_MS);
    const around = {
      gte: new Date(m.sentAt.getTime() - REPORT_WINDOW_MS),
      lte: new Date(m.sentAt.getTime() + REPORT_WINDOW_MS),
    };
    // Read together, in one statement: the chat's photos held past their window (to settle), the sender's within this
    // message's window (to join a report it starts), and the sender's report in that window. The photos never
    // overlap (the window starts no earlier than `expired`), and settling touches only reports from before it.
    const rows = await tx.$queryRaw<(Nullable<PendingPhoto> & { recentId: number | null; recentText: string })[]>`
      SELECT "recent"."id" AS "recentId", "recent"."text" AS "recentText", "PendingPhoto".*
      FROM (SELECT 1 AS "one") AS "anchor"
      LEFT JOIN (${reportWithinSql(m.chatId, m.senderOpenId, around)}) AS "recent" ON 1 = 1
      LEFT JOIN "PendingPhoto" ON "PendingPhoto"."chatId" = ${m.chatId}
        AND ("sentAt" < ${expired} OR ("senderOpenId" = ${m.senderOpenId} AND "sentAt" >= ${around.gte} AND "sentAt" <= ${around.lte}))
      ORDER BY "PendingPhoto"."id"`;
    const held = rows.flatMap((p) =>
      p.id === null ? [] : [{ ...(p as PendingPhoto), id: Number(p.id), size: Number(p.size) }],
    );
    const recentId = rows[0]?.recentId ?? null;
    const recent = recentId === null ? null : { id: Number(recentId), text: rows[0]?.recentText ?? "" };
    await settleHeldPhotos(
      tx,
      m.chatId,
      binding.unitId,
      held.filter((p) => p.sentAt < expired),
      ctx,
    );
    const recentWantsText = recent !== null && recent.text === "";

    if (qualifies || (patrol && photos.length > 0)) {
      if (recent && (recentWantsText || !qualifies)) {
        await addToReport(tx, { issueId: recent.id, chatUnitId: binding.unitId, text, photos }, ctx);
        return;
      }
      const pending = held
        .filter((p) => p.sentAt >= expired)
        .sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime() || a.id - b.id);
      if (pending.length > 0) await tx.pendingPhoto.deleteMany({ where: { id: { in: pending.map((p) => p.id) } } });
      const first = pending[0];
      await fileIssue(
        tx,
        {
          chatId: m.chatId,
          chatUnitId: binding.unitId,
          reporter,
          text,
          photos: [...pending.map(fromPending), ...photos],
          sourceMessageId: m.messageId,
          reportedAt: first && first.sentAt < m.sentAt ? first.sentAt : m.sentAt,
        },
        ctx,
      );
      return;
    }

    if (photos.length > 0) {
      if (recent && !(await reportedWhole(tx, recent))) {
        await addToReport(tx, { issueId: recent.id, chatUnitId: binding.unitId, photos }, ctx);
        return;
      }
      for (const photo of photos) {
        await tx.pendingPhoto.upsert({
          where: { messageId_sha256: { messageId: m.messageId, sha256: photo.sha256 } },
          create: {
            chatId: m.chatId,
            senderOpenId: m.senderOpenId,
            messageId: m.messageId,
            sha256: photo.sha256,
            path: photo.path,
            size: photo.size,
            mime: photo.mime,
            sentAt: m.sentAt,
          },
          update: {},
        });
      }
      return;
    }

    // Plain text in a patrol group completes a photo sent just before it.
    if (patrol && recentWantsText && recent && text) {
      await addToReport(tx, { issueId: recent.id, chatUnitId: binding.unitId, text }, ctx);
    }
  });
}

/** Every column of a row that a LEFT JOIN may have found none for. */
type Nullable<T> = { [K in keyof T]: T[K] | null };

/** The sender's latest open report in the chat reported within `range` (its id and text), as SQL. */
function reportWithinSql(chatId: string, openId: string, range: { gte: Date; lte: Date }): Prisma.Sql {
  return Prisma.sql`
    SELECT "Issue"."id", "Issue"."text" FROM "Issue" JOIN "Person" ON "Person"."id" = "Issue"."reporterId"
    WHERE "Issue"."sourceChatId" = ${chatId} AND "Person"."openId" = ${openId}
      AND "Issue"."reportedAt" >= ${range.gte} AND "Issue"."reportedAt" <= ${range.lte}
      AND "Issue"."status" IN ('reported', 'assigned', 'accepted')
    ORDER BY "Issue"."reportedAt" DESC LIMIT 1`;
}

/** The sender's latest open report in the chat reported within `range`, if any. */
async function reportWithin(
  tx: Tx,
  chatId: string,
  openId: string,
  range: { gte: Date; lte: Date },
): Promise<{ id: number; text: string } | null> {
  const [row] = await tx.$queryRaw<{ id: number; text: string }[]>(reportWithinSql(chatId, openId, range));
  return row ? { id: Number(row.id), text: row.text } : null;
}

const filedData = z.object({ photos: z.number() });

/**
 * Whether an issue was reported whole: with its text, and with photos when it was filed (a post with both, or photos
 * and then the text). A photo its reporter sends next more likely starts another report than adds to this one.
 */
async function reportedWhole(tx: Tx, issue: { id: number; text: string }): Promise<boolean> {
  if (issue.text === "") return false;
  const filed = await tx.issueEvent.findFirst({ where: { issueId: issue.id, type: "filed" }, select: { data: true } });
  return (filedData.safeParse(filed?.data).data?.photos ?? 0) > 0;
}

/**
 * The chat's photos held past their window (in id order) that no report text claimed: each joins the open report its
 * sender filed in the chat in the window before it (one addition per report), and the others are forgotten.
 */
async function settleHeldPhotos(
  tx: Tx,
  chatId: string,
  chatUnitId: number,
  held: PendingPhoto[],
  ctx: CommandContext,
): Promise<void> {
  if (held.length === 0) return;
  const joining = new Map<number, PhotoFile[]>();
  for (const photo of held) {
    const report = await reportWithin(tx, chatId, photo.senderOpenId, {
      gte: new Date(photo.sentAt.getTime() - REPORT_WINDOW_MS),
      lte: photo.sentAt,
    });
    if (report) joining.set(report.id, [...(joining.get(report.id) ?? []), fromPending(photo)]);
  }
  await tx.pendingPhoto.deleteMany({ where: { id: { in: held.map((p) => p.id) } } });
  for (const [issueId, photos] of joining) await addToReport(tx, { issueId, chatUnitId, photos }, ctx);
}

/** Whether the message replies under one of the bot's own messages (the issue threads were routed before). */
async function repliesToBot(db: Db, m: InboundMessage): Promise<boolean> {
  const ids = [m.rootId, m.parentId].filter((x): x is string => Boolean(x));
  if (ids.length === 0) return false;
  return (await db.outboxMessage.count({ where: { messageId: { in: ids } } })) > 0;
}

function fromPending(p: { sha256: string; path: string; size: number; mime: string; messageId: string }): PhotoFile {
  return { sha256: p.sha256, path: p.path, size: p.size, mime: p.mime, sourceMessageId: p.messageId };
}
