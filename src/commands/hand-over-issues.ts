import type { Tx } from "../db/client.ts";
import { ancestorAt, dutiesOf, holders, type Org, orgOf, unitChain } from "../db/org-queries.ts";
import type { IssueStatus } from "../domain/types.ts";
import type { HandedOverIssue, RemovedDuty } from "../org/import-org.ts";
import { TEXTS } from "../texts/messages.ts";
import { appendEvent } from "./append-event.ts";
import type { CommandContext } from "./context.ts";
import { notifyChange } from "./notify-change.ts";
import { syncIssueCard } from "./sync-issue-card.ts";

/** Statuses in which an issue waits for its owner: given to them, or accepted by them. */
const IN_HAND: readonly IssueStatus[] = ["assigned", "accepted"];

/**
 * Passes on the issues of people an org import took a duty from (behaviour §1.9), in the import's transaction: an
 * issue in hand with someone who lost a duty on its grid or a unit above it, and holds none there any more, goes to
 * the grid's head, else to a dispatcher of its street, else back to 待派单. Each gets its history event, its card
 * redrawn and a notice in its thread. Returns them by number.
 */
export async function handOverIssues(
  tx: Tx,
  removed: readonly RemovedDuty[],
  ctx: CommandContext,
): Promise<HandedOverIssue[]> {
  if (removed.length === 0) return [];
  const org = await orgOf(tx);
  const issues = await tx.issue.findMany({
    where: { assigneePersonId: { in: [...new Set(removed.map((d) => d.personId))] }, status: { in: [...IN_HAND] } },
    include: { assigneePerson: { select: { name: true } } },
    orderBy: { number: "asc" },
  });
  const handed: HandedOverIssue[] = [];
  for (const issue of issues) {
    const owner = issue.assigneePersonId;
    if (issue.gridId === null || owner === null) continue;
    const chain = new Set(unitChain(org, issue.gridId).map((u) => u.id));
    const lost = removed.some((d) => d.personId === owner && chain.has(d.unitId));
    if (!lost || dutiesOf(org, owner).some((d) => chain.has(d.unitId))) continue;

    const successor = successorOn(org, issue.gridId);
    await tx.issue.update({
      where: { id: issue.id },
      data: {
        assigneePersonId: successor?.id ?? null,
        assigneeUnitId: null,
        assignedAt: successor ? ctx.now : null,
        acceptedAt: null,
        status: successor ? "assigned" : "reported",
      },
    });
    const formerOwner = issue.assigneePerson?.name ?? "";
    const reason = TEXTS.handoverReason(formerOwner);
    const event = await appendEvent(tx, issue, { type: "handover", actorId: null, at: ctx.now, reason });
    await syncIssueCard(tx, issue.id, ctx);
    await notifyChange(
      tx,
      {
        issueId: issue.id,
        eventId: event.id,
        action: "handover",
        assigned: successor !== null,
        formerOwner,
      },
      ctx,
    );
    handed.push({ number: issue.number, from: formerOwner, to: successor?.name ?? null });
  }
  return handed;
}

/** Who takes over a grid's issues: its head, else a dispatcher of its street (on the street or a unit under it). */
function successorOn(org: Org, gridId: number): { id: number; name: string } | null {
  const [head] = holders(org, gridId, "grid_head");
  if (head) return head;
  const street = ancestorAt(org, gridId, "street");
  const dispatcher = street
    ? org.duties.find((d) => d.role === "dispatcher" && unitChain(org, d.unitId).some((u) => u.id === street.id))
    : undefined;
  return dispatcher ? { id: dispatcher.personId, name: dispatcher.name } : null;
}
