import type { Tx } from "../db/client.ts";
import { categoryOf, orgOf } from "../db/org-queries.ts";
import { changesBetween, type FieldValues } from "../domain/changes.ts";
import type { IssueStatus } from "../domain/types.ts";
import type { Prisma } from "../generated/prisma/client.ts";

/** The columns of an issue whose changes its history keeps (behaviour §2.14). */
export const FOLLOWED = {
  id: true,
  status: true,
  categoryId: true,
  gridId: true,
  pointId: true,
  deadline: true,
  assigneePersonId: true,
  assigneeUnitId: true,
} as const satisfies Prisma.IssueSelect;

export type FollowedIssue = Prisma.IssueGetPayload<{ select: typeof FOLLOWED }>;

/** An event of an issue's history, less what appendEvent fills in. */
export interface NewEvent {
  type: string;
  actorId: number | null;
  at: Date;
  reason?: string | null;
  data?: Prisma.InputJsonObject;
}

/**
 * Appends an event to an issue's history after its change was written (behaviour §2.7, §2.14): `before` is the
 * issue as read before the change; the event keeps the status before and after and, in `data.changes`, the before
 * and after of every followed field the change moved, with the names they had.
 */
export async function appendEvent(tx: Tx, before: FollowedIssue, event: NewEvent): Promise<{ id: number }> {
  const after = await tx.issue.findUniqueOrThrow({ where: { id: before.id }, select: FOLLOWED });
  const valuesOf = await namer(tx, [before, after]);
  const changes = changesBetween(valuesOf(before), valuesOf(after));
  return tx.issueEvent.create({
    data: {
      issueId: before.id,
      type: event.type,
      actorId: event.actorId,
      at: event.at,
      fromStatus: before.status,
      toStatus: after.status,
      reason: event.reason ?? null,
      data: { ...event.data, ...(Object.keys(changes).length > 0 && { changes }) },
    },
    select: { id: true },
  });
}

/** The followed fields of a version of an issue, with the names of what they point to (`versions` names them). */
async function namer(tx: Tx, versions: FollowedIssue[]): Promise<(version: FollowedIssue) => FieldValues> {
  const org = await orgOf(tx);
  const personIds = versions.flatMap((v) => (v.assigneePersonId === null ? [] : [v.assigneePersonId]));
  const people = await tx.person.findMany({ where: { id: { in: personIds } }, select: { id: true, name: true } });
  const unit = (id: number | null) => (id === null ? null : { id, name: org.units.get(id)?.name ?? "" });
  return (v) => {
    const category = categoryOf(org, v.categoryId);
    const person = people.find((p) => p.id === v.assigneePersonId);
    const owner = person ?? unit(v.assigneeUnitId);
    return {
      status: v.status as IssueStatus,
      category: category ? { id: category.id, name: category.name } : null,
      grid: unit(v.gridId),
      point: v.pointId === null ? null : { id: v.pointId, name: org.points.get(v.pointId)?.name ?? "" },
      deadline: v.deadline?.toISOString() ?? null,
      owner: owner ? { type: person ? "person" : "unit", ...owner } : null,
    };
  };
}
