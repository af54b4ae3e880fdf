import { Prisma } from "../generated/prisma/client.ts";
import type { Tx } from "./client.ts";

/** A column's value as a raw statement binds it; JSON columns take their text (`JSON.stringify`). */
type Value = string | number | boolean | Date | null;

/**
 * Inserts rows (each with the same columns, in the same order) into `table` in one statement and returns the
 * `returning` columns of each, in order. Raw, the same on SQLite and PostgreSQL: Prisma does not compile it, where a
 * `create` costs a compiled query plan and a read of every column back. Read ids through `Number()`.
 */
export async function insertRows<Returned extends string>(
  tx: Tx,
  table: string,
  rows: readonly Readonly<Record<string, Value>>[],
  returning: readonly Returned[],
): Promise<Record<Returned, unknown>[]> {
  const columns = Object.keys(rows[0] ?? {});
  const names = (list: readonly string[]) => Prisma.raw(list.map((c) => `"${c}"`).join(", "));
  const values = rows.map((row) => Prisma.sql`(${Prisma.join(columns.map((c) => row[c] ?? null))})`);
  return tx.$queryRaw<Record<Returned, unknown>[]>`INSERT INTO ${Prisma.raw(`"${table}"`)} (${names(columns)})
    VALUES ${Prisma.join(values)} RETURNING ${names(returning)}`;
}
