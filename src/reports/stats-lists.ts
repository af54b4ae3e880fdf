/**
 * The issue lists of the digest: what is overdue now (超期清单, with assignees to @-mention) and what falls due
 * soon (明日到期). Same unit scope and overdue rule as the figures in stats.ts, so a list and its count agree.
 */

import type { Db, Tx } from "../db/client.ts";
import { overdueAt } from "../domain/metrics.ts";
import { ISSUE_STATUSES, type IssueStatus, OPEN_STATUSES } from "../domain/types.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { toWhere } from "./stats.ts";
import { ancestorOfLevel, extendLineage, loadUnitScope, type Scope, type UnitNode } from "./stats-scope.ts";

type Client = Db | Tx;

/** One issue of a digest list. */
export interface IssueListItem {
  id: number;
  number: number;
  status: IssueStatus;
  /** Rectified and waiting for 验收: the responder has done the work, the verifier has not. */
  awaitingVerification: boolean;
  community: string | null;
  grid: { id: number; name: string } | null;
  point: string | null;
  category: string | null;
  /** The responsible person, to @-mention. */
  assignee: { name: string; openId: string } | null;
  /** The responsible department, when the issue was dispatched to one. */
  assigneeUnit: string | null;
  deadline: Date;
  reportedAt: Date;
}

/** Options of the list queries. */
export interface ListOptions {
  /** At most this many issues (the earliest deadlines); all when omitted. */
  limit?: number;
}

const LIST_SELECT = {
  id: true,
  number: true,
  status: true,
  gridId: true,
  assigneeUnitId: true,
  deadline: true,
  reportedAt: true,
  grid: { select: { id: true, name: true } },
  point: { select: { name: true } },
  category: { select: { name: true } },
  assigneePerson: { select: { name: true, openId: true } },
  assigneeUnit: { select: { name: true } },
} as const satisfies Prisma.IssueSelect;

const KNOWN_STATUSES: ReadonlySet<string> = new Set(ISSUE_STATUSES);

/**
 * Issues of the unit (id or code; any level, see stats-scope.ts) overdue at `asOf` — in hand with a deadline before
 * it (overdueAt in src/domain/metrics.ts; those awaiting verification are not overdue) — earliest deadline first.
 * Throws UnknownUnitError.
 */
export async function overdueIssues(
  db: Client,
  unit: number | string,
  asOf: Date,
  options: ListOptions = {},
): Promise<IssueListItem[]> {
  const scope = await loadUnitScope(db, unit);
  return listIssues(db, scope, toWhere(overdueAt(asOf)), options);
}

/**
 * Open issues of the unit whose deadline falls in [from, to) — e.g. tomorrow's local day for 明日到期 — earliest
 * deadline first, those awaiting verification flagged. Throws UnknownUnitError.
 */
export async function dueBetween(
  db: Client,
  unit: number | string,
  from: Date,
  to: Date,
  options: ListOptions = {},
): Promise<IssueListItem[]> {
  const scope = await loadUnitScope(db, unit);
  return listIssues(db, scope, { status: { in: [...OPEN_STATUSES] }, deadline: { gte: from, lt: to } }, options);
}

async function listIssues(
  db: Client,
  scope: Scope,
  condition: Prisma.IssueWhereInput,
  { limit }: ListOptions,
): Promise<IssueListItem[]> {
  const root = (scope.roots[0] as UnitNode).id;
  const { where, exact } = scope.issuesOf(root);
  const rows = await db.issue.findMany({
    where: { AND: [where, condition] },
    select: LIST_SELECT,
    orderBy: [{ deadline: "asc" }, { number: "asc" }],
    // Without an exact SQL filter the scope is applied below, so the limit must wait until then.
    ...(exact && limit !== undefined ? { take: limit } : {}),
  });
  await extendLineage(
    db,
    scope.lineage,
    rows.map((r) => r.gridId),
  );
  const items: IssueListItem[] = [];
  for (const row of rows) {
    if (limit !== undefined && items.length >= limit) break;
    if (!exact && !scope.containersOf(row.gridId, row.assigneeUnitId).includes(root)) continue;
    if (row.deadline === null || !KNOWN_STATUSES.has(row.status)) continue;
    const status = row.status as IssueStatus;
    items.push({
      id: row.id,
      number: row.number,
      status,
      awaitingVerification: status === "rectified",
      community: ancestorOfLevel(scope.lineage, row.gridId, "community")?.name ?? null,
      grid: row.grid,
      point: row.point?.name ?? null,
      category: row.category?.name ?? null,
      assignee: row.assigneePerson,
      assigneeUnit: row.assigneeUnit?.name ?? null,
      deadline: row.deadline,
      reportedAt: row.reportedAt,
    });
  }
  return items;
}
