import type { Tx } from "../db/client.ts";
import { claimOnce } from "../db/once.ts";
import { ISSUE_STATUSES, type IssueStatus } from "../domain/types.ts";

/**
 * Claims `key` for work about one issue, but only while the issue is in one of `statuses`: claims first (so the
 * transaction holds the write lock before it reads), then checks, and takes the claim back when the work became moot
 * (the issue was rectified or closed meanwhile). True for the one caller that may do the work.
 */
export async function claimWhile(
  tx: Tx,
  key: string,
  kind: string,
  issueId: number,
  statuses: readonly IssueStatus[],
): Promise<boolean> {
  if (!(await claimOnce(tx, key, kind, { issueId }))) return false;
  const issue = await tx.issue.findUnique({ where: { id: issueId }, select: { status: true } });
  const status = ISSUE_STATUSES.find((s) => s === issue?.status);
  if (status !== undefined && statuses.includes(status)) return true;
  await tx.jobRun.delete({ where: { key } });
  return false;
}
