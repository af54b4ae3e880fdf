import type { Tx } from "../db/client.ts";
import type { IssueAction } from "../domain/lifecycle.ts";
import { enqueue } from "../lark/outbox.ts";
import { at } from "../texts.ts";
import { loadIssueView } from "./sync-issue-card.ts";

/**
 * A patched card pings nobody, so the people who must act next are @-mentioned in the issue's thread: the new
 * assignee, the secretaries when a fix awaits verification or an issue comes back for dispatch, the assignee when a
 * fix is refused, the reporter when the report is not accepted.
 */
export async function notifyChange(
  tx: Tx,
  input: { issueId: number; eventId: number; action: IssueAction; reason?: string },
): Promise<void> {
  const issue = await tx.issue.findUniqueOrThrow({ where: { id: input.issueId } });
  if (!issue.sourceChatId || !issue.sourceMessageId) return;
  const view = await loadIssueView(tx, input.issueId);
  const n = `#${view.number}`;
  const reason = input.reason?.trim() ? `：${input.reason.trim()}` : "";
  const assignees = (view.assignee?.mentions ?? []).map(at).join(" ");
  const secretaries = view.dispatchers.map(at).join(" ");
  let text: string | null = null;
  switch (input.action) {
    case "assign":
      text = `${n} 已派给 ${view.assignee?.name ?? ""} ${assignees}，请及时接单处理`;
      break;
    case "edit":
      if (issue.status === "assigned") text = `${n} 已派给 ${view.assignee?.name ?? ""} ${assignees}，请及时接单处理`;
      break;
    case "rectify":
      text = `${n} 已整改，请 ${secretaries || "社区书记"} 验收`;
      break;
    case "refuse":
      text = `${n} 验收未通过${reason}，请 ${assignees || "责任人"} 重新整改后回复照片`;
      break;
    case "send_back":
      text = `${n} 被退回${reason}，请 ${secretaries || "社区书记"} 重新派单`;
      break;
    case "reject":
      text = `${n} 不予受理${reason} ${at(view.reporter.openId)}`;
      break;
    default:
      break;
  }
  if (!text) return;
  await enqueue(tx, {
    key: `notify:${input.eventId}`,
    kind: "reply",
    chatId: issue.sourceChatId,
    target: issue.sourceMessageId,
    msgType: "text",
    content: JSON.stringify({ text }),
    replyInThread: true,
  });
}
