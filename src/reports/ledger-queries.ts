/**
 * The ledger's reads of issues, history events and photos, in hand-written SQL (db/select-rows.ts) rather than
 * Prisma's findMany: a 100,000-issue ledger reads its issues twice, 450,000 events and 182,000 photos, and Prisma
 * spent most of such a read on its engine and on turning each stored time into a Date through an ISO string. Times
 * are read as Unix milliseconds and made Dates here; the rows are the shapes export-ledger.ts writes from.
 * The same SQL runs on SQLite and PostgreSQL.
 */

import { inChunks } from "../db/in-chunks.ts";
import type { RowQuery } from "../db/select-rows.ts";
import type { SqlDialect } from "../db/sql-dialect.ts";
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

/** The hand-written reads of one database: its rows, and how its times are read. */
export interface LedgerSql {
  q: RowQuery;
  dialect: SqlDialect;
}

const FACT_COLUMNS = ({ dialect }: LedgerSql) => {
  const ms = (column: string) => dialect.epochMs(`"Issue"."${column}"`);
  return Prisma.sql`"id", "number", "gridId", "communityId", "streetId", "assigneeUnitId", "categoryId", "status",
    ${ms("reportedAt")}, ${ms("deadline")}, ${ms("acceptedAt")}, ${ms("rectifiedAt")}, ${ms("closedAt")},
    ${ms("parkedAt")}, "reboundOfId"`;
};

/** The facts of the issues matching `where` (SQL on "Issue") with an id above `after`, at most `limit`, in id order. */
export async function issueFactsAfter(
  db: LedgerSql,
  where: Prisma.Sql,
  after: number,
  limit: number,
): Promise<IssueFacts[]> {
  const rows = await db.q.select(
    Prisma.sql`SELECT ${FACT_COLUMNS(db)} FROM "Issue" WHERE ${where} AND "id" > ${after} ORDER BY "id" LIMIT ${limit}`,
  );
  return rows.map(factsOf);
}

/** The issues of `ids`, in no particular order. */
export function issuesOf(db: LedgerSql, ids: readonly number[]): Promise<IssueRecord[]> {
  const columns = Prisma.sql`${FACT_COLUMNS(db)}, "pointId", "reporterId", "externalSource", "externalId",
    "assigneePersonId", "extensionCount", "parkKind", ${db.dialect.epochMs('"Issue"."parkedUntil"')}, "parkPlan", "text"`;
  return inChunks(ids, async (slice) =>
    (await db.q.select(Prisma.sql`SELECT ${columns} FROM "Issue" WHERE "id" IN (${Prisma.join(slice)})`)).map((row) =>
      // Added to the facts rather than spread with them into a new object, which takes several times as long.
      Object.assign(factsOf(row), {
        pointId: row[15] as number | null,
        reporterId: row[16] as number | null,
        externalSource: row[17] as string | null,
        externalId: row[18] as string | null,
        assigneePersonId: row[19] as number | null,
        extensionCount: row[20] as number,
        parkKind: row[21] as string | null,
        parkedUntil: dateOf(row[22]),
        parkPlan: row[23] as string | null,
        text: row[24] as string,
      }),
    ),
  );
}

/** The history events of the issues of `ids`, in no particular order; `at` in Unix milliseconds. */
export function eventsOf(db: LedgerSql, ids: readonly number[]): Promise<EventRecord[]> {
  const at = db.dialect.epochMs('"IssueEvent"."at"');
  return inChunks(ids, async (slice) =>
    (
      await db.q.select(
        Prisma.sql`SELECT "id", "issueId", "type", ${at}, "fromStatus", "toStatus", "reason", "actorId", "data"
          FROM "IssueEvent" WHERE "issueId" IN (${Prisma.join(slice)})`,
      )
    ).map((row) => ({
      id: row[0] as number,
      issueId: row[1] as number,
      type: row[2] as string,
      at: Number(row[3]),
      fromStatus: row[4] as string | null,
      toStatus: row[5] as string | null,
      reason: row[6] as string | null,
      actorId: row[7] as number | null,
      data: typeof row[8] === "string" ? JSON.parse(row[8]) : row[8],
    })),
  );
}

/** The photos of the issues of `ids` by issue, each issue's in the order stored. */
export async function photosOf(db: LedgerSql, ids: readonly number[]): Promise<Map<number, PhotoRecord[]>> {
  const rows = await inChunks(ids, (slice) =>
    db.q.select(
      Prisma.sql`SELECT "issueId", "stage", "path" FROM "Photo" WHERE "issueId" IN (${Prisma.join(slice)}) ORDER BY "id"`,
    ),
  );
  const byIssue = new Map<number, PhotoRecord[]>();
  for (const [issueId, stage, path] of rows as [number, string, string][]) {
    let list = byIssue.get(issueId);
    if (!list) {
      list = [];
      byIssue.set(issueId, list);
    }
    list.push({ stage, path });
  }
  return byIssue;
}

function factsOf(row: unknown[]): IssueFacts {
  return {
    id: row[0] as number,
    number: row[1] as number,
    gridId: row[2] as number | null,
    communityId: row[3] as number | null,
    streetId: row[4] as number | null,
    assigneeUnitId: row[5] as number | null,
    categoryId: row[6] as number | null,
    status: row[7] as string,
    reportedAt: dateOf(row[8]) as Date,
    deadline: dateOf(row[9]),
    acceptedAt: dateOf(row[10]),
    rectifiedAt: dateOf(row[11]),
    closedAt: dateOf(row[12]),
    parkedAt: dateOf(row[13]),
    reboundOfId: row[14] as number | null,
  };
}

/** A time read as Unix milliseconds (a number, or on PostgreSQL possibly a numeric string), as a Date. */
function dateOf(value: unknown): Date | null {
  return value === null || value === undefined ? null : new Date(Number(value));
}
