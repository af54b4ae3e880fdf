import type { Tx } from "../db/client.ts";
import { categoryOf, issueLimit, type Org, orgOf } from "../db/org-queries.ts";
import { extendedDeadline, type ParkKind, parkReturnAt } from "../domain/extension.ts";
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
import { type RefusalNames, refusal } from "../texts/permissions.ts";
import { atDepartment, issueActor } from "./actors.ts";
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
  /**
   * For `request_extension` and `park`: the day typed (YYYY-MM-DD), or the answer to a day typed wrong — given only
   * to someone who may take the action (features/parse-input.ts read it).
   */
  date?: { ok: true; value: string } | { ok: false; answer: string };
  /** For `park`: 挂账 or 缓办. */
  parkKind?: ParkKind;
  /** Taken by Riqing itself (a parked issue coming back on its day): no actor, no permission to check. */
  bySystem?: boolean;
}

export type IssueActionResult =
  | { ok: true; status: IssueStatus }
  | { ok: false; code: TransitionDenialCode | "not_found" | "conflict" | "bad_date"; message: string };

/** The names a refusal gives: whom the issue is assigned to (a person, or a department) and who reported it. */
async function namesOf(
  tx: Tx,
  org: Org,
  issue: { assigneePersonId: number | null; assigneeUnitId: number | null; reporterId: number | null },
): Promise<RefusalNames> {
  const ids = [issue.reporterId, issue.assigneePersonId].filter((id): id is number => id !== null);
  const people = await tx.person.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  const nameOf = (id: number | null) => people.find((p) => p.id === id)?.name;
  const unit = issue.assigneeUnitId === null ? undefined : org.units.get(issue.assigneeUnitId);
  const assignee = nameOf(issue.assigneePersonId) ?? unit?.name;
  const reporter = nameOf(issue.reporterId);
  return { ...(assignee && { assignee }), ...(reporter && { reporter }), atDepartment: atDepartment(org, issue) };
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
      hasDeadline: issue.deadline !== null,
      extensionPending: issue.extensionRequestedUntil !== null,
      parked: issue.parkKind !== null,
    },
    actor: {
      permitted: input.bySystem === true || permits(input.action, actor),
      isRectifier: actor.isRectifier,
    },
    input: {
      reason: input.reason,
      target: input.target,
      original: originalId === null ? undefined : await mergeOriginal(tx, org, originalId),
      hasAfterPhoto: (input.afterPhotos?.length ?? 0) > 0,
      date: dateOf(input, ctx.timeZone),
    },
    policy: { ...ctx.policy, ...chatPolicy(chatSettings) },
  });
  if (!verdict.ok && verdict.code === "role") {
    return { ok: false, code: "role", message: refusal(input.action, await namesOf(tx, org, issue)) };
  }
  // A day typed wrong is answered only now, to someone who may take the action, after its state was checked.
  if (!verdict.ok && verdict.code === "date_required" && input.date?.ok === false) {
    return { ok: false, code: "bad_date", message: input.date.answer };
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
    data: eventData(input, issue, photoIds, ctx.timeZone),
  });
  await syncIssueCard(tx, issue.id, ctx);
  // An edit that completes a waiting report assigns it as much as 派单 does.
  const assigned = input.action === "assign" || (from === "reported" && to === "assigned");
  await notifyChange(
    tx,
    {
      issueId: issue.id,
      eventId: event.id,
      action: input.action,
      reason: input.reason,
      assigned,
    },
    ctx,
  );
  return { ok: true, status: to };
}

/** The instant the day typed stands for: the deadline an extension asks for, the moment a parked issue comes back. */
function dateOf(input: IssueActionInput, timeZone: string): Date | undefined {
  if (!input.date?.ok) return undefined;
  return input.action === "park"
    ? parkReturnAt(input.date.value, timeZone)
    : extendedDeadline(input.date.value, timeZone);
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
    case "request_extension":
      return { extensionRequestedUntil: dateOf(input, ctx.timeZone) ?? null, extensionReason: input.reason?.trim() };
    case "approve_extension":
      // behaviour §2.15: the deadline moves (appendEvent keeps both) and the extension is counted.
      return {
        deadline: issue.extensionRequestedUntil,
        extensionCount: { increment: 1 },
        extensionRequestedUntil: null,
        extensionReason: null,
      };
    case "decline_extension":
      return { extensionRequestedUntil: null, extensionReason: null };
    case "park":
      // A request for more time lapses: the parked issue waits for its day instead.
      return {
        parkKind: input.parkKind ?? "parked",
        parkedAt: now,
        parkedUntil: dateOf(input, ctx.timeZone) ?? null,
        parkPlan: input.reason?.trim(),
        extensionRequestedUntil: null,
        extensionReason: null,
      };
    case "unpark":
      return {
        parkKind: null,
        parkedAt: null,
        parkedUntil: null,
        parkPlan: null,
        deadline: await returnDeadline(tx, issue, ctx),
      };
  }
}

/**
 * The deadline of an issue coming back from 挂账/缓办 (behaviour §2.17): its category's time limit counted afresh from
 * its return, unless the deadline it had is later.
 */
async function returnDeadline(tx: Tx, issue: IssueRow, ctx: CommandContext): Promise<Date | null> {
  const fresh = await deadlineFor(tx, { ...issue, reportedAt: ctx.now }, ctx);
  if (fresh === null || (issue.deadline !== null && issue.deadline > fresh)) return issue.deadline;
  return fresh;
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

/**
 * What the event records besides the changes appendEvent adds: the assignee, the original, the after-photos; what an
 * extension asked for and why; what a parking waits for, until when, and which one came back.
 */
function eventData(
  input: IssueActionInput,
  issue: IssueRow,
  photoIds: number[],
  timeZone: string,
): Record<string, Prisma.InputJsonValue> {
  const data: Record<string, Prisma.InputJsonValue> = {};
  if (input.target) data.target = input.target;
  if (input.originalId !== undefined) data.originalId = input.originalId;
  if (photoIds.length) data.photoIds = photoIds;
  const date = dateOf(input, timeZone)?.toISOString();
  const day = input.date?.ok ? input.date.value : undefined;
  const reason = input.reason?.trim() ?? "";
  if (input.action === "request_extension" && date) Object.assign(data, { requested: date, day, reason });
  if (input.action === "park" && date) {
    Object.assign(data, { kind: input.parkKind ?? "parked", plan: reason, until: date, day });
  }
  if (input.action === "unpark" && issue.parkKind) {
    Object.assign(data, { kind: issue.parkKind, until: issue.parkedUntil?.toISOString() ?? null });
  }
  return data;
}
