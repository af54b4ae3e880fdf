import type { Tx } from "../db/client.ts";
import { type Claim, claimAll } from "../db/once.ts";
import type { IssueStatus } from "../domain/types.ts";

/** Pieces of work claimed per statement: their keys and bound values stay well inside the databases' limits. */
const WORK_PER_STATEMENT = 50;

/** One piece of work of {@link claimAllWhile}: its claim keys, the first its own, and the issue it is about. */
export interface IssueWork {
  keys: readonly string[];
  issueId: number;
}

/**
 * Claims the keys of pieces of work about issues, but only while each issue is in one of `statuses`, in a few
 * statements: claims first (so the transaction holds the write lock before it reads; one insert when no key is
 * taken), then reads the issues' statuses together, and keeps the claims of the work whose own key (its first) it
 * claimed and whose issue is still in `statuses`, taking back the rest (the work became moot: the issue was rectified
 * or closed meanwhile, or another instance has it). The work that may be done, in order.
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
