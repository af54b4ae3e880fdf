import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Db, openDb } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { createPostgresDatabase, testPostgres } from "./postgres.ts";

/** A fresh, migrated database and a temp folder (also usable as DATA_DIR). */
export interface TestDb {
  db: Db;
  url: string;
  dir: string;
  close(): Promise<void>;
}

/**
 * The URL of a fresh, migrated database for one test and its clean-up: a SQLite file in `dir`, or a PostgreSQL
 * database of its own when the suite runs on PostgreSQL (RIQING_TEST_POSTGRES).
 */
export async function createTestDatabase(dir: string): Promise<{ url: string; drop(): Promise<void> }> {
  const server = testPostgres();
  if (server) return createPostgresDatabase(server);
  const url = `file:${join(dir, "riqing.db")}`;
  await migrate(url);
  return { url, drop: async () => {} };
}

/** Creates a migrated database for one test; `close()` disconnects and deletes it and the folder. */
export async function createTestDb(): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), "riqing-test-"));
  const database = await createTestDatabase(dir);
  const db = await openDb(database.url);
  return {
    db,
    url: database.url,
    dir,
    async close() {
      await db.$disconnect();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A client counting the queries made through it, and the count so far. */
export interface CountingDb {
  db: Db;
  /** Queries made since the last reset: one per Prisma operation, raw SQL included. */
  readonly queries: number;
  reset(): void;
}

/**
 * `db` with every query counted, to show that the number of queries a use case makes grows with what it reads and
 * not with, say, the length of a period. The reports read scalars only (no relations), so one operation is one SQL
 * statement.
 */
export function countingQueries(db: Db): CountingDb {
  let queries = 0;
  const counted = db.$extends({
    query: {
      async $allOperations({ args, query }) {
        queries += 1;
        return query(args);
      },
    },
  });
  return {
    // The extension changes no model's type; the client keeps the shape every function here takes.
    db: counted as unknown as Db,
    get queries() {
      return queries;
    },
    reset() {
      queries = 0;
    },
  };
}
