/**
 * The ledger's reads of issues, history events and photos, in hand-written SQL ($queryRaw) rather than Prisma's
 * findMany: a 100,000-issue ledger reads its issues twice, 450,000 events and 182,000 photos, and Prisma spent most of
 * such a read on its model objects and on turning each stored time into a Date through an ISO string. Times are read
 * as Unix milliseconds (sql-dialect.ts) and made Dates here; the rows are the shapes export-ledger.ts writes from.
 * The same SQL runs on SQLite and PostgreSQL.
 */

import type { Db } from "../db/client.ts";
import { inChunks } from "../db/in-chunks.ts";
import { dialectOf } from "../db/sql-dialect.ts";
import { Prisma } from "../generated/prisma/client.ts";

/** What the cover's figures and the scope read of a listed issue. */
export interface IssueFacts {
  id: number;
  number: number;
  gridId: number | null;
  communityId: number | null;
  streetId: number | null;
  assigneeUnitId: number | null;
  categoryId: number | null;
  status: string;
  reportedAt: Date;
  deadline: Date | null;
  acceptedAt: Date | null;
  rectifiedAt: Date | null;
  closedAt: Date | null;
  parkedAt: Date | null;
  reboundOfId: number | null;
}

/** An issue as its ledger row shows it. */
export interface IssueRecord extends IssueFacts {
  pointId: number | null;
  reporterId: number | null;
  externalSource: string | null;
  externalId: string | null;
  assigneePersonId: number | null;
  extensionCount: number;
  parkKind: string | null;
  parkedUntil: Date | null;
  parkPlan: string | null;
  text: string;
}

/** A history event of a listed issue. */
export interface EventRecord {
  id: number;
  issueId: number;
  type: string;
  at: number;
  fromStatus: string | null;
  toStatus: string | null;
  reason: string | null;
  actorId: number | null;
  data: unknown;
}

/** A stored photo of a listed issue. */
export interface PhotoRecord {
  stage: string;
  path: string;
}

/** A DateTime column of "Issue" read as Unix milliseconds, under its own name. */
function msOf(db: Db, column: string): Prisma.Sql {
  return Prisma.sql`${dialectOf(db).epochMs(`"Issue"."${column}"`)} AS "${Prisma.raw(column)}"`;
}

const FACT_TIMES = ["reportedAt", "deadline", "acceptedAt", "rectifiedAt", "closedAt", "parkedAt"] as const;

/** The columns of {@link IssueFacts}, its times in Unix milliseconds. */
function factColumns(db: Db): Prisma.Sql {
  return Prisma.sql`"id", "number", "gridId", "communityId", "streetId", "assigneeUnitId", "categoryId", "status",
    "reboundOfId", ${Prisma.join(FACT_TIMES.map((time) => msOf(db, time)))}`;
}

/** A row of {@link factColumns}: the facts with their times as numbers. */
type FactRow = Omit<IssueFacts, (typeof FACT_TIMES)[number]> & Record<(typeof FACT_TIMES)[number], number | null>;

/** The ids of the issues matching `where` (SQL on "Issue"), in ascending order. */
export async function issueIdsWhere(db: Db, where: Prisma.Sql): Promise<Int32Array> {
  // Unordered: an ORDER BY would have SQLite sort what an OR of indexes finds (MULTI-INDEX OR) a second time.
  const rows = await db.$queryRaw<{ id: number }[]>`SELECT "id" FROM "Issue" WHERE ${where}`;
  return Int32Array.from(rows, (row) => row.id).sort();
}

/** The facts of the issues of `ids`, in no particular order. */
export function issueFactsOf(db: Db, ids: readonly number[]): Promise<IssueFacts[]> {
  return inChunks(ids, async (slice) =>
    (await db.$queryRaw<FactRow[]>`SELECT ${factColumns(db)} FROM "Issue" WHERE "id" IN (${Prisma.join(slice)})`).map(
      withDates,
    ),
  );
}

/** The issues of `ids`, in no particular order. */
export function issuesOf(db: Db, ids: readonly number[]): Promise<IssueRecord[]> {
  const columns = Prisma.sql`${factColumns(db)}, "pointId", "reporterId", "externalSource", "externalId",
    "assigneePersonId", "extensionCount", "parkKind", "parkPlan", "text", ${msOf(db, "parkedUntil")}`;
  return inChunks(ids, async (slice) =>
    (
      await db.$queryRaw<
        (FactRow & Omit<IssueRecord, keyof IssueFacts | "parkedUntil"> & { parkedUntil: number | null })[]
      >`
        SELECT ${columns} FROM "Issue" WHERE "id" IN (${Prisma.join(slice)})`
    ).map((row) => Object.assign(withDates(row), { parkedUntil: dateOf(row.parkedUntil) }) as IssueRecord),
  );
}

/** The history events of the issues of `ids`, in no particular order; `at` in Unix milliseconds. */
export function eventsOf(db: Db, ids: readonly number[]): Promise<EventRecord[]> {
  const at = dialectOf(db).epochMs('"IssueEvent"."at"');
  return inChunks(ids, async (slice) =>
    (
      await db.$queryRaw<EventRecord[]>`
        SELECT "id", "issueId", "type", ${at} AS "at", "fromStatus", "toStatus", "reason", "actorId", "data"
        FROM "IssueEvent" WHERE "issueId" IN (${Prisma.join(slice)})`
    ).map((event) => {
      // PostgreSQL hands back jsonb parsed; SQLite its text.
      if (typeof event.data === "string") event.data = JSON.parse(event.data);
      return event;
    }),
  );
}

/** The photos of the issues of `ids` by issue, each issue's in the order stored. */
export async function photosOf(db: Db, ids: readonly number[]): Promise<Map<number, PhotoRecord[]>> {
  const rows = await inChunks(
    ids,
    (slice) => db.$queryRaw<(PhotoRecord & { issueId: number })[]>`
      SELECT "issueId", "stage", "path" FROM "Photo" WHERE "issueId" IN (${Prisma.join(slice)}) ORDER BY "id"`,
  );
  const byIssue = new Map<number, PhotoRecord[]>();
  for (const { issueId, stage, path } of rows) {
    const photo = { stage, path };
    const list = byIssue.get(issueId);
    if (list) list.push(photo);
    else byIssue.set(issueId, [photo]);
  }
  return byIssue;
}

/** A row's times made Dates, in place: the row is the facts object the ledger keeps. */
function withDates<R extends FactRow>(row: R): Omit<R, keyof FactRow> & IssueFacts {
  const facts = row as unknown as IssueFacts;
  for (const time of FACT_TIMES) (facts as unknown as Record<string, Date | null>)[time] = dateOf(row[time]);
  return facts as Omit<R, keyof FactRow> & IssueFacts;
}

function dateOf(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}
