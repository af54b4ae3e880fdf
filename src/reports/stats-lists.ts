/**
 * The issue lists of the digest: what is overdue now (超期清单, with assignees to @-mention) and what is in hand and
 * falls due soon (今日到期未完成, 明日到期). Same unit scope and rules (src/domain/metrics.ts) as the figures in
 * stats.ts, so a list and its count agree.
 */

import type { Db, Tx } from "../db/client.ts";
import { categoryOf, type Org, orgOf } from "../db/org-queries.ts";
import { type Owner, ownersOf } from "../db/owners.ts";
import { dialectOf } from "../db/sql-dialect.ts";
import type { Period } from "../domain/deadline.ts";
import type { ParkKind } from "../domain/extension.ts";
import { dueInHandAt, type IssueCondition, overdueAt, parkedInHandAt } from "../domain/metrics.ts";
import { ISSUE_STATUSES, type IssueStatus } from "../domain/types.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { toSql } from "./stats.ts";
import { ancestorOfLevel, loadUnitScope, PLACED_BY, type Placed, type Scope, type UnitNode } from "./stats-scope.ts";

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
  /** Who answers for it: the department it was dispatched to and the people to @-mention (db/owners.ts). */
  owner: Owner | null;
  /** Null while it waits for a category (and so for a deadline). */
  deadline: Date | null;
  reportedAt: Date;
  /** While it is parked (挂账/缓办): which, and the day it comes back. */
  park: { kind: ParkKind; until: Date } | null;
}

/** Options of the list queries. */
export interface ListOptions {
  /** At most this many issues (the earliest deadlines); all when omitted. */
  limit?: number;
}

/**
 * A list's issue as read: its own columns, times as Unix ms. The names of its grid, community, point and category
 * come from the org snapshot, so a list of thousands (a city's overdue) is one statement with no joins.
 */
interface ListRow extends Placed {
  id: number;
  number: number;
  status: string;
  pointId: number | null;
  categoryId: number | null;
  assigneePersonId: number | null;
  deadline: number | null;
  reportedAt: number;
  parkKind: string | null;
  parkedUntil: number | null;
}

/** The issues meeting `where` (SQL on `"Issue"`), earliest deadline first, at most `limit` of them when given. */
function readList(db: Client, where: Prisma.Sql, limit?: number): Promise<ListRow[]> {
  const { epochMs } = dialectOf(db);
  const columns = ["id", "number", "status", ...PLACED_BY, "pointId", "categoryId", "assigneePersonId", "parkKind"];
  const times = (["deadline", "reportedAt", "parkedUntil"] as const).map(
    (time) => Prisma.sql`${epochMs(`"Issue"."${time}"`)} AS "${Prisma.raw(time)}"`,
  );
  return db.$queryRaw<ListRow[]>`SELECT ${Prisma.join([...columns.map((c) => Prisma.raw(`"Issue"."${c}"`)), ...times])}
    FROM "Issue" WHERE ${where} ORDER BY "Issue"."deadline" ASC, "Issue"."number" ASC
    ${limit === undefined ? Prisma.empty : Prisma.sql`LIMIT ${limit}`}`;
}

const KNOWN_STATUSES: ReadonlySet<string> = new Set(ISSUE_STATUSES);

/** A unit's list: its first issues (earliest deadline first) and how many there are in all. */
export interface IssueList {
  items: IssueListItem[];
  total: number;
}

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
  return onlyList(await listsByRoot(db, await loadUnitScope(db, unit), overdueAt(asOf), options, false));
}

/**
 * Issues of the unit in hand at `asOf` whose deadline falls in `due` — e.g. tomorrow's local day for 明日到期 —
 * earliest deadline first (dueInHandAt in src/domain/metrics.ts). Throws UnknownUnitError.
 */
export async function dueInHand(
  db: Client,
  unit: number | string,
  asOf: Date,
  due: Period,
  options: ListOptions = {},
): Promise<IssueListItem[]> {
  return onlyList(await listsByRoot(db, await loadUnitScope(db, unit), dueInHandAt(asOf, due), options, true));
}

/** {@link overdueIssues} for each unit of a loaded scope at once (one query however many units): lists by unit id. */
export function overdueListsOf(db: Client, scope: Scope, asOf: Date, options: ListOptions = {}) {
  return listsByRoot(db, scope, overdueAt(asOf), options, false);
}

/** {@link dueInHand} for each unit of a loaded scope at once: lists by unit id, each with its total. */
export function dueListsOf(db: Client, scope: Scope, asOf: Date, due: Period, options: ListOptions = {}) {
  return listsByRoot(db, scope, dueInHandAt(asOf, due), options, true);
}

/** The issues parked (挂账/缓办) and in hand at `asOf` of each unit of a loaded scope: lists by unit id, with totals. */
export function parkedListsOf(db: Client, scope: Scope, asOf: Date, options: ListOptions = {}) {
  return listsByRoot(db, scope, parkedInHandAt(asOf), options, true);
}

/** Issues of the unit (id or code) meeting `condition` at the time it names, earliest deadline first, with their total. */
export async function issuesAt(
  db: Client,
  unit: number | string,
  condition: IssueCondition,
  options: ListOptions = {},
): Promise<IssueList> {
  const lists = await listsByRoot(db, await loadUnitScope(db, unit), condition, options, true);
  return [...lists.values()][0] ?? { items: [], total: 0 };
}

/** The issues in a person's own hands (assigned to them) in one of `statuses`, wherever they are, earliest deadline first. */
export async function issuesAssignedTo(
  db: Client,
  personId: number,
  statuses: readonly IssueStatus[],
): Promise<IssueList> {
  const rows = await readList(
    db,
    Prisma.sql`"Issue"."assigneePersonId" = ${personId} AND ${toSql({ status: statuses })}`,
  );
  const org = await orgOf(db);
  const items = rows.flatMap((row) => itemOf(row, org) ?? []);
  await fillOwners(db, items, rows);
  return { items, total: items.length };
}

function onlyList(lists: Map<number, IssueList>): IssueListItem[] {
  return [...lists.values()][0]?.items ?? [];
}

/** A row as a list item (its owner filled in later), or undefined for a status the product does not know. */
function itemOf(row: ListRow, org: Org): IssueListItem | undefined {
  if (!KNOWN_STATUSES.has(row.status)) return undefined;
  const status = row.status as IssueStatus;
  const grid = row.gridId === null ? undefined : org.units.get(row.gridId);
  const community = row.communityId === null ? undefined : org.units.get(row.communityId);
  return {
    id: row.id,
    number: row.number,
    status,
    awaitingVerification: status === "rectified",
    // Where it was filed (behaviour §8.5); an issue that does not say lies where its grid is now.
    community: community?.name ?? ancestorOfLevel(org.units, row.gridId, "community")?.name ?? null,
    grid: grid ? { id: grid.id, name: grid.name } : null,
    point: (row.pointId === null ? undefined : org.points.get(row.pointId))?.name ?? null,
    category: categoryOf(org, row.categoryId)?.name ?? null,
    owner: null,
    deadline: row.deadline === null ? null : new Date(row.deadline),
    reportedAt: new Date(row.reportedAt),
    park:
      row.parkKind && row.parkedUntil !== null
        ? { kind: row.parkKind === "deferred" ? "deferred" : "parked", until: new Date(row.parkedUntil) }
        : null,
  };
}

/** Fills in the owners of the items kept, in one pass (a list's total may run into thousands, its lines stop short). */
async function fillOwners(db: Client, items: IssueListItem[], rows: readonly ListRow[]): Promise<void> {
  const rowsById = new Map(rows.map((r) => [r.id, r]));
  const owners = await ownersOf(
    db,
    [...new Set(items.map((i) => i.id))].map((id) => rowsById.get(id) as ListRow),
  );
  for (const item of items) item.owner = owners.get(item.id) ?? null;
}

/**
 * The issues matching `condition` of every root of the scope, from one statement: each issue goes
 * to the lists of the roots it belongs to (stats-scope.ts), the first `limit` of each kept. With `counted` every
 * matching issue is counted in `total`; without, `total` may stop at the limit (the caller has the count from the
 * statistics). Only the issues kept become items.
 */
async function listsByRoot(
  db: Client,
  scope: Scope,
  condition: IssueCondition,
  { limit }: ListOptions,
  counted: boolean,
): Promise<Map<number, IssueList>> {
  const single = scope.roots.length === 1 ? scope.issuesOf((scope.roots[0] as UnitNode).id) : undefined;
  // One unit with an exact SQL filter and no total wanted: the database can stop at the limit.
  const stopAt = single?.exact && !counted ? limit : undefined;
  const [rows, org] = await Promise.all([
    readList(db, Prisma.sql`${single?.sql ?? scope.sql} AND ${toSql(condition, dialectOf(db).unindexed)}`, stopAt),
    orgOf(db),
  ]);
  const lists = new Map<number, IssueList>(scope.roots.map((root) => [root.id, { items: [], total: 0 }]));
  for (const row of rows) {
    if (!KNOWN_STATUSES.has(row.status)) continue;
    let item: IssueListItem | undefined;
    for (const unitId of scope.containersOf(row)) {
      const list = lists.get(unitId);
      if (!list) continue;
      list.total += 1;
      if (limit === undefined || list.items.length < limit) {
        item ??= itemOf(row, org) as IssueListItem;
        list.items.push(item);
      }
    }
  }
  await fillOwners(
    db,
    [...lists.values()].flatMap((l) => l.items),
    rows,
  );
  return lists;
}
