/**
 * The issue lists of the digest: what is overdue now (超期清单, with assignees to @-mention) and what is in hand and
 * falls due soon (今日到期未完成, 明日到期). Same unit scope and rules (src/domain/metrics.ts) as the figures in
 * stats.ts, so a list and its count agree.
 */

import type { Db, Tx } from "../db/client.ts";
import { type Owner, ownersOf } from "../db/owners.ts";
import type { Period } from "../domain/deadline.ts";
import type { ParkKind } from "../domain/extension.ts";
import { dueInHandAt, type IssueCondition, overdueAt, parkedInHandAt } from "../domain/metrics.ts";
import { ISSUE_STATUSES, type IssueStatus } from "../domain/types.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { toWhere } from "./stats.ts";
import {
  ancestorOfLevel,
  extendLineage,
  loadUnitScope,
  PLACED_SELECT,
  type Scope,
  type UnitNode,
} from "./stats-scope.ts";

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

const LIST_SELECT = {
  id: true,
  number: true,
  status: true,
  ...PLACED_SELECT,
  deadline: true,
  reportedAt: true,
  grid: { select: { id: true, name: true } },
  community: { select: { name: true } },
  point: { select: { name: true } },
  category: { select: { name: true } },
  assigneePersonId: true,
  parkKind: true,
  parkedUntil: true,
} as const satisfies Prisma.IssueSelect;

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
  return onlyList(await listsByRoot(db, await loadUnitScope(db, unit), toWhere(overdueAt(asOf)), options, false));
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
  return onlyList(await listsByRoot(db, await loadUnitScope(db, unit), toWhere(dueInHandAt(asOf, due)), options, true));
}

/** {@link overdueIssues} for each unit of a loaded scope at once (one query however many units): lists by unit id. */
export function overdueListsOf(db: Client, scope: Scope, asOf: Date, options: ListOptions = {}) {
  return listsByRoot(db, scope, toWhere(overdueAt(asOf)), options, false);
}

/** {@link dueInHand} for each unit of a loaded scope at once: lists by unit id, each with its total. */
export function dueListsOf(db: Client, scope: Scope, asOf: Date, due: Period, options: ListOptions = {}) {
  return listsByRoot(db, scope, toWhere(dueInHandAt(asOf, due)), options, true);
}

/** The issues parked (挂账/缓办) and in hand at `asOf` of each unit of a loaded scope: lists by unit id, with totals. */
export function parkedListsOf(db: Client, scope: Scope, asOf: Date, options: ListOptions = {}) {
  return listsByRoot(db, scope, toWhere(parkedInHandAt(asOf)), options, true);
}

/** Issues of the unit (id or code) meeting `condition` at the time it names, earliest deadline first, with their total. */
export async function issuesAt(
  db: Client,
  unit: number | string,
  condition: IssueCondition,
  options: ListOptions = {},
): Promise<IssueList> {
  const lists = await listsByRoot(db, await loadUnitScope(db, unit), toWhere(condition), options, true);
  return [...lists.values()][0] ?? { items: [], total: 0 };
}

/** Issues meeting a filter wherever they are (a person's own), earliest deadline first, with their total. */
export async function issuesWhere(db: Client, where: Prisma.IssueWhereInput, { limit }: ListOptions = {}) {
  const [rows, total] = await Promise.all([
    db.issue.findMany({
      where,
      select: LIST_SELECT,
      orderBy: [{ deadline: "asc" }, { number: "asc" }],
      ...(limit !== undefined ? { take: limit } : {}),
    }),
    db.issue.count({ where }),
  ]);
  const lineage = new Map<number, UnitNode>();
  await extendLineage(
    db,
    lineage,
    rows.map((r) => r.gridId),
  );
  const items = rows.flatMap((row) => itemOf(row, lineage) ?? []);
  await fillOwners(db, items, rows);
  return { items, total };
}

function onlyList(lists: Map<number, IssueList>): IssueListItem[] {
  return [...lists.values()][0]?.items ?? [];
}

type ListRow = Prisma.IssueGetPayload<{ select: typeof LIST_SELECT }>;

/** A row as a list item (its owner filled in later), or undefined for a status the product does not know. */
function itemOf(row: ListRow, lineage: ReadonlyMap<number, UnitNode>): IssueListItem | undefined {
  if (!KNOWN_STATUSES.has(row.status)) return undefined;
  const status = row.status as IssueStatus;
  return {
    id: row.id,
    number: row.number,
    status,
    awaitingVerification: status === "rectified",
    // Where it was filed (behaviour §8.5); an issue that does not say lies where its grid is now.
    community: row.community?.name ?? ancestorOfLevel(lineage, row.gridId, "community")?.name ?? null,
    grid: row.grid,
    point: row.point?.name ?? null,
    category: row.category?.name ?? null,
    owner: null,
    deadline: row.deadline,
    reportedAt: row.reportedAt,
    park:
      row.parkKind && row.parkedUntil
        ? { kind: row.parkKind === "deferred" ? "deferred" : "parked", until: row.parkedUntil }
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
 * The issues matching `condition` of every root of the scope, from one query: each issue goes to the lists of the
 * roots it belongs to (stats-scope.ts), the first `limit` of each kept. With `counted` every matching issue is
 * counted in `total`; without, `total` may stop at the limit (the caller has the count from the statistics).
 */
async function listsByRoot(
  db: Client,
  scope: Scope,
  condition: Prisma.IssueWhereInput,
  { limit }: ListOptions,
  counted: boolean,
): Promise<Map<number, IssueList>> {
  const single = scope.roots.length === 1 ? scope.issuesOf((scope.roots[0] as UnitNode).id) : undefined;
  const rows = await db.issue.findMany({
    where: { AND: [single?.where ?? scope.where, condition] },
    select: LIST_SELECT,
    orderBy: [{ deadline: "asc" }, { number: "asc" }],
    // One unit with an exact SQL filter and no total wanted: the database can stop at the limit.
    ...(single?.exact && limit !== undefined && !counted ? { take: limit } : {}),
  });
  await extendLineage(
    db,
    scope.lineage,
    rows.map((r) => r.gridId),
  );
  const lists = new Map<number, IssueList>(scope.roots.map((root) => [root.id, { items: [], total: 0 }]));
  for (const row of rows) {
    const item = itemOf(row, scope.lineage);
    if (!item) continue;
    for (const unitId of scope.containersOf(row)) {
      const list = lists.get(unitId);
      if (!list) continue;
      list.total += 1;
      if (limit === undefined || list.items.length < limit) list.items.push(item);
    }
  }
  await fillOwners(
    db,
    [...lists.values()].flatMap((l) => l.items),
    rows,
  );
  return lists;
}
