import { Prisma } from "../generated/prisma/client.ts";
import type { Db, Tx } from "./client.ts";

/**
 * What differs between SQLite and PostgreSQL in the few statements written by hand (the statistics' and the sweeps'
 * per-issue reads, where Prisma's turning of every DateTime into a Date costs more than the query).
 */
export interface SqlDialect {
  /** A DateTime column (a quoted, qualified name) as Unix milliseconds, a number; NULL stays NULL. */
  epochMs(column: string): Prisma.Sql;
  /** The text at a top-level key of a JSON column (a quoted, qualified name), NULL when absent. */
  jsonText(column: string, key: string): Prisma.Sql;
  /**
   * A subquery of the texts `values` (a column "value"), bound as one JSON array: a statement with thousands of bound
   * values cost Prisma more to compile than the database to run.
   */
  textList(values: readonly string[]): Prisma.Sql;
  /**
   * A column (a quoted, qualified name) as an expression no index is chosen for, for a bound nearly every row meets.
   * Once a database has statistics (ANALYZE run on it; PRAGMA optimize then keeps them current, see openDb), SQLite's
   * planner took such a bound for a way in: it skip-scanned the (gridId, reportedAt) index for "reported by now" and
   * read most of the table through it, 30 times slower than by status. PostgreSQL plans from its statistics of the
   * values and needs no such hint.
   */
  unindexed(column: string): Prisma.Sql;
  /**
   * The rows a statement reads, each the array of `values` (SQL expressions) in order, as one JSON text (`[]` when
   * none): for a statement that reads thousands of rows, where the driver's and Prisma's handling of every value of
   * every row cost more than the statement and one text parsed with JSON.parse a fraction of it.
   */
  jsonRows(values: readonly Prisma.Sql[]): Prisma.Sql;
  /** `value` as a bound value for a Json column. */
  json(value: unknown): Prisma.Sql;
}

/** SQLite stores a DateTime as Unix milliseconds (see openDb); `+ 0` drops the column's declared type. */
const SQLITE: SqlDialect = {
  epochMs: (column) => Prisma.raw(`(${column} + 0)`),
  jsonText: (column, key) => Prisma.sql`json_extract(${Prisma.raw(column)}, ${`$.${key}`})`,
  textList: (values) => Prisma.sql`SELECT "value" FROM json_each(${JSON.stringify(values)})`,
  // The unary plus: the same value, no longer the column in the planner's eyes.
  unindexed: (column) => Prisma.raw(`+${column}`),
  jsonRows: (values) => Prisma.sql`json_group_array(json_array(${Prisma.join(values)}))`,
  json: (value) => Prisma.sql`${JSON.stringify(value)}`,
};

/**
 * PostgreSQL stores a DateTime as timestamp(3) in UTC (see openDb): its epoch, in whole milliseconds, as a double
 * (rounded: before PostgreSQL 14 EXTRACT gives a double, and ×1000 may land a hair below the millisecond).
 */
const POSTGRES: SqlDialect = {
  epochMs: (column) => Prisma.raw(`ROUND(EXTRACT(EPOCH FROM ${column}) * 1000)::float8`),
  jsonText: (column, key) => Prisma.sql`(${Prisma.raw(column)} ->> ${key})`,
  textList: (values) =>
    Prisma.sql`SELECT jsonb_array_elements_text(CAST(${JSON.stringify(values)} AS jsonb)) AS "value"`,
  unindexed: (column) => Prisma.raw(column),
  jsonRows: (values) => Prisma.sql`COALESCE(CAST(json_agg(json_build_array(${Prisma.join(values)})) AS TEXT), '[]')`,
  json: (value) => Prisma.sql`CAST(${JSON.stringify(value)} AS jsonb)`,
};

/** The dialect of a client, or of a transaction's client. */
export function dialectOf(db: Db | Tx): SqlDialect {
  // Prisma keeps its provider on the client and on the transaction clients it hands out.
  return (db as unknown as { _activeProvider?: string })._activeProvider === "postgresql" ? POSTGRES : SQLITE;
}
