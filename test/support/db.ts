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
