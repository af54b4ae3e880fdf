import { Prisma } from "../generated/prisma/client.ts";
import type { Db, Tx } from "./client.ts";
import { dialectOf } from "./sql-dialect.ts";

/** True for a unique-constraint violation (Prisma P2002 or the driver's own error). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  return e?.code === "P2002" || /UNIQUE constraint failed|duplicate key value violates unique/i.test(e?.message ?? "");
}

/**
 * Runs `insert`, which may hit a unique key: true when it inserted, false when the key was taken. Inside a transaction
 * the insert runs on a savepoint, so a violation undoes only the insert: on PostgreSQL a failed statement otherwise
 * aborts the whole transaction, and the caller's other writes would silently not commit.
 */
export async function insertUnlessTaken(db: Db | Tx, insert: () => Promise<unknown>): Promise<boolean> {
  // A transaction's client has no $transaction of its own.
  const inTransaction = !("$transaction" in db);
  if (inTransaction) await db.$executeRawUnsafe("SAVEPOINT insert_unless_taken");
  try {
    await insert();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    if (inTransaction) await db.$executeRawUnsafe("ROLLBACK TO SAVEPOINT insert_unless_taken");
    return false;
  }
  if (inTransaction) await db.$executeRawUnsafe("RELEASE SAVEPOINT insert_unless_taken");
  return true;
}

/**
 * Claims a unique key for work that must happen once (a notice per chat, a reminder per issue and stage, a digest
 * per chat and date). Returns true for the one caller that claimed it, across restarts and processes; inside a
 * transaction, a lost claim leaves the transaction usable.
 */
export async function claimOnce(
  db: Db | Tx,
  key: string,
  kind: string,
  data: Record<string, string | number | boolean | null> = {},
): Promise<boolean> {
  // One statement, written by hand: a taken key inserts nothing and fails nothing, so no savepoint is needed, and
  // Prisma compiles no query (at 18:00 the digest sweep claims 420 keys, each a create on a savepoint before).
  const claimed = await db.$queryRaw<{ id: number }[]>(
    Prisma.sql`INSERT INTO "JobRun" ("key", "kind", "createdAt", "data")
      VALUES (${key}, ${kind}, ${new Date()}, ${dialectOf(db).json(data)})
      ON CONFLICT ("key") DO NOTHING RETURNING "id"`,
  );
  return claimed.length > 0;
}

/** One claim of {@link claimAll}. */
export interface Claim {
  key: string;
  kind: string;
  data: Record<string, string | number | boolean | null>;
}

/**
 * {@link claimOnce} for many keys (distinct): one insert of them all when none is taken, as is usual, else one at a
 * time. The keys claimed.
 */
export async function claimAll(db: Db | Tx, claims: readonly Claim[]): Promise<Set<string>> {
  if (claims.length === 0) return new Set();
  if (await insertUnlessTaken(db, () => db.jobRun.createMany({ data: [...claims] }))) {
    return new Set(claims.map((c) => c.key));
  }
  const claimed = new Set<string>();
  for (const { key, kind, data } of claims) if (await claimOnce(db, key, kind, data)) claimed.add(key);
  return claimed;
}

/**
 * Which of `keys` were claimed already (a cheap look before doing the work of a claim that would fail), in one
 * statement with the keys bound as one value (SqlDialect.textList): sweeps look up thousands of keys a minute, and
 * Prisma's compiling of a query with thousands of bound values cost more than the query itself. The keys are joined
 * to the claims rather than matched with IN, which had SQLite sort them into a temporary index first (twice the time
 * for 18,000 keys).
 */
export async function claimedKeys(db: Db | Tx, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.$queryRaw<{ key: string }[]>(
    Prisma.sql`SELECT "JobRun"."key" FROM (${dialectOf(db).textList(keys)}) AS "asked"
      JOIN "JobRun" ON "JobRun"."key" = "asked"."value"`,
  );
  return new Set(rows.map((row) => row.key));
}
