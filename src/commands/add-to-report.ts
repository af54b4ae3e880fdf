import type { Tx } from "../db/client.ts";
import { appendEvent } from "./append-event.ts";
import { type Assignee, deadlineFor, resolveAssignee } from "./assignment.ts";
import type { CommandContext, PhotoFile } from "./context.ts";
import { attachPhotos, gridColumns, placeReport } from "./file-issue.ts";
import { notifyChange } from "./notify-change.ts";
import { syncIssueCard } from "./sync-issue-card.ts";

/**
 * Adds what the reporter sent right after the report (more photos, or the text after a photo) to the issue: the
 * text fills in a missing place or category, which may complete the issue's assignment — then the history event
 * records the status change and the new assignee is @-mentioned, as when a report is filed complete. One transaction.
 */
export async function addToReport(
  tx: Tx,
  input: { issueId: number; chatUnitId: number; text?: string; photos?: PhotoFile[] },
  ctx: CommandContext,
): Promise<void> {
  const issue = await tx.issue.findUniqueOrThrow({ where: { id: input.issueId } });
  const photos = input.photos ?? [];
  const photoIds = photos.length ? await attachPhotos(tx, issue.id, "before", photos) : [];
  const text = input.text?.trim();
  let assignee: Assignee | null = null;
  if (text) {
    const placement = await placeReport(tx, input.chatUnitId, issue.reporterId, text);
    // A place named in the text beats the reporter's own grid that a photo-only report was filed under.
    const moved = placement.placeFromText && issue.pointId === null && placement.gridId !== issue.gridId;
    const gridId = moved ? placement.gridId : (issue.gridId ?? placement.gridId);
    const pointId = moved || issue.gridId === null ? placement.pointId : issue.pointId;
    const categoryId = issue.categoryId ?? placement.categoryId;
    const undispatched = issue.status === "reported" || (issue.status === "assigned" && moved);
    assignee =
      undispatched && gridId !== null && categoryId !== null ? await resolveAssignee(tx, gridId, categoryId) : null;
    await tx.issue.update({
      where: { id: issue.id },
      data: {
        text: issue.text ? `${issue.text}\n${text}` : text,
        ...(await gridColumns(tx, gridId, issue.gridId)),
        pointId,
        categoryId,
        deadline: issue.deadline ?? (await deadlineFor(tx, { ...issue, categoryId, gridId }, ctx)),
        ...(assignee
          ? {
              status: "assigned",
              assigneePersonId: assignee.personId,
              assigneeUnitId: assignee.unitId,
              assignedAt: ctx.now,
            }
          : {}),
      },
    });
  }
  const event = await appendEvent(tx, issue, {
    type: "photo_added",
    actorId: issue.reporterId,
    at: ctx.now,
    data: { photoIds, text: text ?? null },
  });
  await syncIssueCard(tx, issue.id, ctx);
  await notifyChange(
    tx,
    { issueId: issue.id, eventId: event.id, action: "photo_added", assigned: assignee !== null },
    ctx,
  );
}
