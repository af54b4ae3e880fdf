import { z } from "zod";
import type { Tx } from "../db/client.ts";
import { PARK_KINDS } from "../domain/extension.ts";
import type { IssueAction } from "../domain/lifecycle.ts";
import { enqueue } from "../lark/outbox.ts";
import { reasonSuffix } from "../texts/commands.ts";
import { deadlineDate } from "../texts/deadline.ts";
import { EXTENSION_NOTICES } from "../texts/extension.ts";
import { at, TEXTS } from "../texts/messages.ts";
import type { CommandContext } from "./context.ts";
import { cardKey, loadIssueView } from "./sync-issue-card.ts";

/**
 * A patched card pings nobody, so the people who must act next are @-mentioned in the issue's thread: the new
 * assignee whenever the change `assigned` the issue (派单, a completing edit, or the text completing a report), the
 * secretaries when a fix awaits verification or an issue comes back for dispatch, the assignee when a fix is
 * refused, the reporter when the report is not accepted. A department's 接单, done in its own group, is told in the
 * community's thread too (部门报到). An issue handed over because its owner lost their duty says so, to the new owner or,
 * when nobody can take it, to the secretaries. 延期 and 挂账/缓办 (behaviour §2.15–2.17): a request calls its approvers,
 * an answer tells the owner the deadline that holds, a parking says until when, a return calls the owner and the
 * secretaries with the new deadline.
 */
export async function notifyChange(
  tx: Tx,
  input: {
    issueId: number;
    eventId: number;
    action: IssueAction | "photo_added" | "handover";
    reason?: string;
    assigned: boolean;
    /** For a handover: the owner who lost their duty. */
    formerOwner?: string;
  },
  ctx: Pick<CommandContext, "now" | "timeZone">,
): Promise<void> {
  const issue = await tx.issue.findUniqueOrThrow({ where: { id: input.issueId } });
  if (!issue.sourceChatId) return;
  const view = await loadIssueView(tx, input.issueId);
  const reason = reasonSuffix(input.reason);
  const assignees = (view.assignee?.mentions ?? []).map(at).join(" ");
  const secretaries = view.dispatchers.map(at).join(" ");
  const when = (instant: Date) => deadlineDate(instant, ctx.timeZone, ctx.now);
  let text: string | null = null;
  if (input.action === "handover") {
    const owner = input.formerOwner ?? "";
    text = input.assigned
      ? TEXTS.handedOver(view.number, owner, view.assignee?.name ?? "", assignees)
      : TEXTS.handedBack(view.number, owner, secretaries);
  } else if (input.assigned) text = TEXTS.assigned(view.number, view.assignee?.name ?? "", assignees);
  else if (input.action === "rectify") text = TEXTS.rectified(view.number, secretaries);
  else if (input.action === "refuse") text = TEXTS.refused(view.number, reason, assignees);
  else if (input.action === "send_back") text = TEXTS.sentBack(view.number, reason, secretaries);
  else if (input.action === "reject") {
    text = TEXTS.rejected(view.number, reason, view.reporter.openId ? at(view.reporter.openId) : "");
  } else if (input.action === "request_extension" && view.extensionRequest) {
    const approvers = view.extensionRequest.approvers.map(at).join(" ");
    text = EXTENSION_NOTICES.requested(view.number, when(view.extensionRequest.until), approvers);
  } else if (input.action === "approve_extension" && view.deadline) {
    text = EXTENSION_NOTICES.approved(view.number, when(view.deadline), assignees);
  } else if (input.action === "decline_extension" && view.deadline) {
    text = EXTENSION_NOTICES.declined(view.number, when(view.deadline), assignees);
  } else if (input.action === "park" && view.park) {
    text = EXTENSION_NOTICES.parked(view.number, view.park.kind, when(view.park.until));
  } else if (input.action === "unpark" && issue.deadline) {
    const event = await tx.issueEvent.findUnique({ where: { id: input.eventId }, select: { data: true } });
    const kind = z.object({ kind: z.enum(PARK_KINDS) }).safeParse(event?.data);
    const who = [...new Set([...(view.assignee?.mentions ?? []), ...view.dispatchers])].map(at).join(" ");
    text = EXTENSION_NOTICES.unparked(view.number, kind.success ? kind.data.kind : "parked", when(issue.deadline), who);
  } else if (input.action === "accept" && issue.assigneeUnitId !== null) {
    const event = await tx.issueEvent.findUnique({ where: { id: input.eventId }, select: { actor: true } });
    text = TEXTS.departmentAccepted(view.number, view.assignee?.name ?? "", event?.actor?.name ?? "");
  }
  if (!text) return;
  await enqueue(tx, {
    key: `notify:${input.eventId}`,
    kind: "reply",
    chatId: issue.sourceChatId,
    // Until the card of an issue another system filed is sent, its thread is known only as that card's outbox row.
    target: issue.sourceMessageId ?? { outboxKey: cardKey(issue.id) },
    msgType: "text",
    content: JSON.stringify({ text }),
    replyInThread: true,
  });
}
