import { addToReport, MAX_REPORT_PHOTOS } from "../commands/add-to-report.ts";
import { fetchAndPublish } from "../commands/attach-photos.ts";
import type { PhotoFile } from "../commands/context.ts";
import { commandContext, type FeatureDeps } from "../commands/deps.ts";
import { fileIssue } from "../commands/file-issue.ts";
import type { BindingRef } from "../db/org-queries.ts";
import { transaction } from "../db/transaction.ts";
import { startsWithReportWord } from "../domain/match.ts";
import type { InboundMessage } from "../lark/envelope.ts";

/** Photo and text from the same person this close together are one report (behaviour §3). */
export const REPORT_WINDOW_MS = 2 * 60_000;

/**
 * Turns group messages into reports (behaviour §3): a photo with report words or an @-mention, any photo in a patrol
 * group, or report text alone ("no photo"). A photo and a text from the same person within two minutes, in either
 * order, make one report, and further photos in that window join it (up to nine). A photo in a work group with no
 * report text waits two minutes for one; lone photos older than that are forgotten as the next message arrives.
 */
export async function intake(
  deps: FeatureDeps,
  m: InboundMessage,
  text: string,
  mentionsBot: boolean,
  binding: BindingRef,
): Promise<void> {
  const photos = await fetchAndPublish(deps, m);
  const qualifies = mentionsBot || startsWithReportWord(text);
  const patrol = binding.purpose === "patrol";
  const reporter = { openId: m.senderOpenId, name: await deps.userName(m.senderOpenId) };
  const ctx = commandContext(deps);

  await transaction(deps.db, async (tx) => {
    // A chat's messages come in order, so a photo sent a window before this one can no longer join a report: forget
    // it. Other chats may still be catching up on older messages, so each chat forgets only its own.
    const expired = new Date(Math.min(m.sentAt.getTime(), ctx.now.getTime()) - REPORT_WINDOW_MS);
    await tx.pendingPhoto.deleteMany({ where: { chatId: m.chatId, sentAt: { lt: expired } } });
    const recent = await tx.issue.findFirst({
      where: {
        sourceChatId: m.chatId,
        reporter: { openId: m.senderOpenId },
        reportedAt: {
          gte: new Date(m.sentAt.getTime() - REPORT_WINDOW_MS),
          lte: new Date(m.sentAt.getTime() + REPORT_WINDOW_MS),
        },
        status: { in: ["reported", "assigned", "accepted"] },
      },
      orderBy: { reportedAt: "desc" },
    });
    const recentWantsText = recent !== null && recent.text === "";

    if (qualifies || (patrol && photos.length > 0)) {
      if (recent && (recentWantsText || !qualifies)) {
        await addToReport(tx, { issueId: recent.id, chatUnitId: binding.unitId, text, photos }, ctx);
        return;
      }
      const pending = await tx.pendingPhoto.findMany({
        where: {
          chatId: m.chatId,
          senderOpenId: m.senderOpenId,
          sentAt: {
            gte: new Date(m.sentAt.getTime() - REPORT_WINDOW_MS),
            lte: new Date(m.sentAt.getTime() + REPORT_WINDOW_MS),
          },
        },
        orderBy: { sentAt: "asc" },
      });
      if (pending.length > 0) await tx.pendingPhoto.deleteMany({ where: { id: { in: pending.map((p) => p.id) } } });
      const first = pending[0];
      await fileIssue(
        tx,
        {
          chatId: m.chatId,
          chatUnitId: binding.unitId,
          reporter,
          text,
          photos: [...pending.map(fromPending), ...photos].slice(0, MAX_REPORT_PHOTOS),
          sourceMessageId: m.messageId,
          reportedAt: first && first.sentAt < m.sentAt ? first.sentAt : m.sentAt,
        },
        ctx,
      );
      return;
    }

    if (photos.length > 0) {
      if (recent) {
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

function fromPending(p: { sha256: string; path: string; size: number; mime: string; messageId: string }): PhotoFile {
  return { sha256: p.sha256, path: p.path, size: p.size, mime: p.mime, sourceMessageId: p.messageId };
}
