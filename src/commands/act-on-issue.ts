import type { Tx } from "../db/client.ts";
import { categoryOf, issueLimit, type Org, orgOf } from "../db/org-queries.ts";
import {
  type AssignTarget,
  chatPolicy,
  checkTransition,
  type IssueAction,
  type MergeOriginal,
  type TransitionDenialCode,
} from "../domain/lifecycle.ts";
import { permits } from "../domain/permissions.ts";
import type { IssueStatus } from "../domain/types.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { denialMessage } from "../texts/lifecycle.ts";
import { TEXTS } from "../texts/messages.ts";
import { refusal } from "../texts/permissions.ts";
import { issueActor } from "./actors.ts";
import { appendEvent } from "./append-event.ts";
import { deadlineFor, resolveAssignee } from "./assignment.ts";
import type { CommandContext, PhotoFile } from "./context.ts";
import { attachPhotos, gridColumns } from "./file-issue.ts";
import { notifyChange } from "./notify-change.ts";
import { syncIssueCard } from "./sync-issue-card.ts";

/** One person's action on one issue, with whatever data it carries. */
export interface IssueActionInput {
  issueId: number;
  actorOpenId: string;
  action: IssueAction;
  reason?: string;
  target?: AssignTarget;
  originalId?: number;
  afterPhotos?: PhotoFile[];
  /** For `edit`: the new category, grid or point. */
  edit?: { categoryId?: number; gridId?: number; pointId?: number | null };
}

export type IssueActionResult =
  | { ok: true; status: IssueStatus }
  | { ok: false; code: TransitionDenialCode | "not_found" | "conflict"; message: string };

/** The names a refusal gives: whom the issue is assigned to (a person, or a department) and who reported it. */
async function namesOf(
  tx: Tx,
  org: Org,
  issue: { assigneePersonId: number | null; assigneeUnitId: number | null; reporterId: number | null },
): Promise<{ assignee?: string; reporter?: string }> {
  const ids = [issue.reporterId, issue.assigneePersonId].filter((id): id is number => id !== null);
  const people = await tx.person.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  const nameOf = (id: number | null) => people.find((p) => p.id === id)?.name;
  const unit = issue.assigneeUnitId === null ? undefined : org.units.get(issue.assigneeUnitId);
  const assignee = nameOf(issue.assigneePersonId) ?? unit?.name;
  const reporter = nameOf(issue.reporterId);
  return { ...(assignee && { assignee }), ...(reporter && { reporter }) };
}

/**
 * Takes a lifecycle action (behaviour §2) in one transaction: checks the actor's authority and the required data
 * with the domain rules — under the installation's policy as the issue's chat settings adjust it — applies the
 * change only if the issue is still in the status it was checked in, appends the history event, queues the card
 * update and @-mentions whoever must act next. A refused action changes nothing and says why, in Chinese.
 */
export async function actOnIssue(tx: Tx, input: IssueActionInput, ctx: CommandContext): Promise<IssueActionResult> {
  const issue = await tx.issue.findUnique({ where: { id: input.issueId } });
  if (!issue) return { ok: false, code: "not_found", message: TEXTS.issueGone };
  const org = await orgOf(tx);
  const person = await tx.person.findUnique({ where: { openId: input.actorOpenId } });
  const actor = await issueActor(tx, issue, person, ctx.admins);
  const chatSettings = issue.sourceChatId ? org.bindings.get(issue.sourceChatId)?.settings : undefined;
  const originalId = input.action === "merge" ? (input.originalId ?? issue.suspectedDuplicateOfId) : null;
  const verdict = checkTransition({
    action: input.action,
    issue: {
      id: issue.id,
      status: issue.status as IssueStatus,
      categoryId: issue.categoryId,
      afterPhotoRequired: categoryOf(org, issue.categoryId)?.afterPhotoRequired ?? true,
    },
    actor: { permitted: permits(input.action, actor), isRectifier: actor.isRectifier },
    input: {
      reason: input.reason,
      target: input.target,
      original: originalId === null ? undefined : await mergeOriginal(tx, org, originalId),
      hasAfterPhoto: (input.afterPhotos?.length ?? 0) > 0,
    },
    policy: { ...ctx.policy, ...chatPolicy(chatSettings) },
  });
  if (!verdict.ok && verdict.code === "role") {
    return { ok: false, code: "role", message: refusal(input.action, await namesOf(tx, org, issue)) };
  }
  if (!verdict.ok) return { ok: false, code: verdict.code, message: denialMessage(input.action, verdict) };

  const from = issue.status as IssueStatus;
  const data = await changesFor(tx, input, issue, person?.id ?? null, ctx);
  // An edit that completes a waiting report also assigns it, so the change may name its own status.
  const to = (data.status as IssueStatus | undefined) ?? verdict.to;
  const updated = await tx.issue.updateMany({ where: { id: issue.id, status: from }, data: { ...data, status: to } });
  if (updated.count === 0) return { ok: false, code: "conflict", message: TEXTS.issueChanged };

  const photoIds = input.afterPhotos?.length ? await attachPhotos(tx, issue.id, "after", input.afterPhotos) : [];
  const event = await appendEvent(tx, issue, {
    type: input.action,
    actorId: person?.id ?? null,
    at: ctx.now,
    reason: input.reason?.trim() || null,
    data: eventData(input, photoIds),
  });
  await syncIssueCard(tx, issue.id, ctx);
  // An edit that completes a waiting report assigns it as much as 派单 does.
  const assigned = input.action === "assign" || (from === "reported" && to === "assigned");
  await notifyChange(tx, {
    issueId: issue.id,
    eventId: event.id,
    action: input.action,
    reason: input.reason,
    assigned,
  });
  return { ok: true, status: to };
}

/** What the merge rules need to know about the issue named as the original. */
async function mergeOriginal(tx: Tx, org: Org, id: number): Promise<MergeOriginal | undefined> {
  const original = await tx.issue.findUnique({ where: { id } });
  return original
    ? {
        id: original.id,
        number: original.number,
        status: original.status as IssueStatus,
        categoryId: original.categoryId,
        categoryName: categoryOf(org, original.categoryId)?.name ?? null,
      }
    : undefined;
}

type IssueRow = NonNullable<Awaited<ReturnType<Tx["issue"]["findUnique"]>>>;

async function changesFor(
  tx: Tx,
  input: IssueActionInput,
  issue: IssueRow,
  actorId: number | null,
  ctx: CommandContext,
): Promise<Prisma.IssueUncheckedUpdateManyInput> {
  const now = ctx.now;
  switch (input.action) {
    case "assign": {
      const target = input.target;
      return {
        assigneePersonId: target?.type === "person" ? target.id : null,
        assigneeUnitId: target?.type === "unit" ? target.id : null,
        assignedAt: now,
        acceptedAt: null,
      };
    }
    case "accept":
      return { acceptedAt: now };
    case "rectify":
      return { rectifiedAt: now, rectifiedById: actorId };
    case "send_back":
      return { assigneePersonId: null, assigneeUnitId: null, assignedAt: null, acceptedAt: null };
    case "reject":
      return { rejectedAt: now, rejectReason: input.reason?.trim() ?? null, suspectedDuplicateOfId: null };
    case "verify":
      return { closedAt: now };
    case "refuse":
      // The fix was not accepted: it no longer counts as rectified until the next after-photo.
      return { rectifiedAt: null, rectifiedById: null };
    case "merge":
      return { duplicateOfId: input.originalId ?? issue.suspectedDuplicateOfId, suspectedDuplicateOfId: null };
    case "dismiss_duplicate":
      return { suspectedDuplicateOfId: null };
    case "edit":
      return editChanges(tx, input, issue, ctx);
  }
}

/** A new category or place may complete a report that waited for it: then it gets its deadline and assignee. */
async function editChanges(
  tx: Tx,
  input: IssueActionInput,
  issue: IssueRow,
  ctx: CommandContext,
): Promise<Prisma.IssueUncheckedUpdateManyInput> {
  const edit = input.edit ?? {};
  let gridId = edit.gridId ?? issue.gridId;
  let pointId = edit.pointId === undefined ? issue.pointId : edit.pointId;
  if (edit.pointId) {
    gridId = (await tx.point.findUnique({ where: { id: edit.pointId } }))?.gridId ?? gridId;
  } else if (edit.gridId !== undefined && edit.gridId !== issue.gridId) {
    pointId = null;
  }
  const categoryId = edit.categoryId ?? issue.categoryId;
  const changes: Prisma.IssueUncheckedUpdateManyInput = {
    ...(await gridColumns(tx, gridId, issue.gridId)),
    pointId,
    categoryId,
  };
  // A new category, or a move to a street with its own limit for the category, moves the deadline.
  const org = await orgOf(tx);
  const limitBefore = issueLimit(org, issue.categoryId, issue.gridId);
  const limitAfter = issueLimit(org, categoryId, gridId);
  if (
    categoryId !== issue.categoryId ||
    limitBefore?.amount !== limitAfter?.amount ||
    limitBefore?.unit !== limitAfter?.unit
  ) {
    changes.deadline = await deadlineFor(tx, { ...issue, categoryId, gridId }, ctx);
  }
  const waiting = issue.status === "reported" && issue.assigneePersonId === null && issue.assigneeUnitId === null;
  if (waiting && gridId !== null && categoryId !== null) {
    const assignee = await resolveAssignee(tx, gridId, categoryId);
    if (assignee) {
      Object.assign(changes, {
        assigneePersonId: assignee.personId,
        assigneeUnitId: assignee.unitId,
        assignedAt: ctx.now,
        status: "assigned",
      });
    }
  }
  return changes;
}

function eventData(input: IssueActionInput, photoIds: number[]): Record<string, Prisma.InputJsonValue> {
  const data: Record<string, Prisma.InputJsonValue> = {};
  if (input.target) data.target = input.target;
  if (input.originalId !== undefined) data.originalId = input.originalId;
  if (photoIds.length) data.photoIds = photoIds;
  return data;
}
