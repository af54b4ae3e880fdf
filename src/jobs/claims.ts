import type { Tx } from "../db/client.ts";
import { type Claim, claimAll } from "../db/once.ts";
import type { IssueStatus } from "../domain/types.ts";

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
  const work = { keys: [key], issueId };
  return (await claimAllWhile(tx, [work], kind, statuses)).length === 1;
}

/** Pieces of work claimed per statement: their keys and bound values stay well inside the databases' limits. */
const WORK_PER_STATEMENT = 50;

/** One piece of work of {@link claimAllWhile}: its claim keys, the first its own, and the issue it is about. */
export interface IssueWork {
  keys: readonly string[];
  issueId: number;
}

/**
 * {@link claimWhile} for many pieces of work, in a few statements: claims every key of each (in one insert when none
 * is taken), reads the issues' statuses together, and keeps the claims of the work whose own key it claimed and whose
 * issue is in one of `statuses`, giving back the rest. The work that may be done, in order.
 */
export async function claimAllWhile<W extends IssueWork>(
  tx: Tx,
  work: readonly W[],
  kind: string,
  statuses: readonly IssueStatus[],
): Promise<W[]> {
  const kept: W[] = [];
  for (let i = 0; i < work.length; i += WORK_PER_STATEMENT) {
    const slice = work.slice(i, i + WORK_PER_STATEMENT);
    const claims = new Map<string, Claim>();
    for (const w of slice) {
      for (const key of w.keys) if (!claims.has(key)) claims.set(key, { key, kind, data: { issueId: w.issueId } });
    }
    const claimed = await claimAll(tx, [...claims.values()]);
    const issues = await tx.issue.findMany({
      where: { id: { in: [...new Set(slice.map((w) => w.issueId))] } },
      select: { id: true, status: true },
    });
    const open = new Set(issues.filter((issue) => statuses.some((s) => s === issue.status)).map((issue) => issue.id));
    const may = slice.filter((w) => w.keys[0] !== undefined && claimed.has(w.keys[0]) && open.has(w.issueId));
    const mayKeys = new Set(may.flatMap((w) => w.keys));
    const givenBack = [...claimed].filter((key) => !mayKeys.has(key));
    if (givenBack.length > 0) await tx.jobRun.deleteMany({ where: { key: { in: givenBack } } });
    kept.push(...may);
  }
  return kept;
}
