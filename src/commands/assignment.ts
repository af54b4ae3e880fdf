import type { Tx } from "../db/client.ts";
import { categoryOf, holders, issueLimit, orgOf } from "../db/org-queries.ts";
import { computeDeadline } from "../domain/deadline.ts";
import { Prisma } from "../generated/prisma/client.ts";
import type { CommandContext } from "./context.ts";

/** Who a new issue goes to, if anyone: the category's default department, else the grid head. */
export type Assignee = { personId: number; unitId: null } | { personId: null; unitId: number };

/** Picks the responsible party for an issue of `categoryId` in `gridId`, or null when it must wait for dispatch. */
export async function resolveAssignee(
  tx: Tx,
  gridId: number | null,
  categoryId: number | null,
): Promise<Assignee | null> {
  const org = await orgOf(tx);
  const department = categoryOf(org, categoryId)?.defaultDepartmentId;
  if (department) return { personId: null, unitId: department };
  if (gridId === null) return null;
  const [head] = holders(org, gridId, "grid_head");
  return head ? { personId: head.id, unitId: null } : null;
}

/** Where an issue is and when it was reported, for its deadline. */
export interface DeadlineBasis {
  categoryId: number | null;
  gridId: number | null;
  reportedAt: Date;
  urgent: boolean;
}

/**
 * The deadline of an issue: its time limit ({@link issueLimit}) counted from its report in the limit's unit, "紧急"
 * halving it (behaviour §2.8); null without a category.
 */
export async function deadlineFor(
  tx: Tx,
  issue: DeadlineBasis,
  ctx: Pick<CommandContext, "timeZone" | "officeHours">,
): Promise<Date | null> {
  const limit = issueLimit(await orgOf(tx), issue.categoryId, issue.gridId);
  if (!limit) return null;
  return computeDeadline(issue.reportedAt, limit, {
    urgent: issue.urgent,
    timeZone: ctx.timeZone,
    officeHours: ctx.officeHours,
  });
}

const HOUR_MS = 3_600_000;

/** A report of the same category at the same place within this many hours of an open one is probably a duplicate. */
export const DUPLICATE_WINDOW_HOURS = 24;
/** A problem back at the same place within this many days of being closed is a rebound (反弹). */
export const REBOUND_WINDOW_DAYS = 30;

/** Where and what a report about to be filed is, for finding its duplicate or the closed issue it is a rebound of. */
interface PlacedReport {
  categoryId: number | null;
  gridId: number | null;
  pointId: number | null;
  reportedAt: Date;
}

/** An issue found for a report about to be filed: its id and number. */
export interface FoundIssue {
  id: number;
  number: number;
}

/** What a report about to be filed is linked to, by {@link findLinks}. */
export interface Links {
  /** An open issue of the same category at the same place within 24 hours: the new one is probably a duplicate. */
  suspected: FoundIssue | null;
  /** A closed issue of the same category at the same point (or grid, when no point is known) within 30 days. */
  rebound: FoundIssue | null;
}

/**
 * The issues a report about to be filed is linked to ({@link Links}; the rebound only when `lookForRebound`), in one
 * statement. A report with no category or grid is linked to none.
 */
export async function findLinks(tx: Tx, issue: PlacedReport, lookForRebound: boolean): Promise<Links> {
  if (issue.categoryId === null || issue.gridId === null) return { suspected: null, rebound: null };
  const at = issue.reportedAt;
  const samePoint = issue.pointId === null ? Prisma.empty : Prisma.sql` AND "pointId" = ${issue.pointId}`;
  const duplicate = Prisma.sql`SELECT 'duplicate' AS "link", "id", "number" FROM "Issue"
    WHERE "categoryId" = ${issue.categoryId} AND "gridId" = ${issue.gridId}${samePoint}
      AND "status" IN ('reported', 'assigned', 'accepted', 'rectified')
      AND "reportedAt" >= ${new Date(at.getTime() - DUPLICATE_WINDOW_HOURS * HOUR_MS)} AND "reportedAt" <= ${at}
    ORDER BY "reportedAt" ASC LIMIT 1`;
  const place =
    issue.pointId === null ? Prisma.sql`"gridId" = ${issue.gridId}` : Prisma.sql`"pointId" = ${issue.pointId}`;
  const rebound = Prisma.sql`SELECT 'rebound' AS "link", "id", "number" FROM "Issue"
    WHERE "categoryId" = ${issue.categoryId} AND ${place} AND "status" = 'closed'
      AND "closedAt" >= ${new Date(at.getTime() - REBOUND_WINDOW_DAYS * 24 * HOUR_MS)} AND "closedAt" <= ${at}
    ORDER BY "closedAt" DESC LIMIT 1`;
  const rows = await tx.$queryRaw<{ link: string; id: number; number: number }[]>`
    SELECT * FROM (${duplicate}) AS "d"${lookForRebound ? Prisma.sql` UNION ALL SELECT * FROM (${rebound}) AS "r"` : Prisma.empty}`;
  const found = (link: string) => {
    const row = rows.find((r) => r.link === link);
    return row ? { id: Number(row.id), number: Number(row.number) } : null;
  };
  return { suspected: found("duplicate"), rebound: found("rebound") };
}
