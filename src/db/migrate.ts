import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { BUSY_TIMEOUT_MS, sqlitePath } from "./client.ts";

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");

/** The bookkeeping table Prisma Migrate uses, so `prisma migrate` and this runner agree on what is applied. */
const BOOKKEEPING_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "checksum" TEXT NOT NULL,
  "finished_at" DATETIME,
  "migration_name" TEXT NOT NULL,
  "logs" TEXT,
  "rolled_back_at" DATETIME,
  "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
  "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

/** Names of the migrations committed under prisma/migrations, in order. */
export function listMigrations(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, "migration.sql")))
    .map((e) => e.name)
    .sort();
}

/**
 * Applies the pending migrations to a SQLite database, each in its own transaction, recording them exactly as
 * `prisma migrate deploy` does. Safe to run from several processes at once: the whole run holds the write lock.
 * Returns the names it applied.
 */
export function migrate(databaseUrl: string, dir = MIGRATIONS_DIR): string[] {
  const file = sqlitePath(databaseUrl);
  mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.exec(BOOKKEEPING_DDL);
    const applied: string[] = [];
    const run = sqlite.transaction(() => {
      const done = new Set(
        sqlite
          .prepare(
            `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
          )
          .pluck()
          .all() as string[],
      );
      for (const name of listMigrations(dir)) {
        if (done.has(name)) continue;
        const script = readFileSync(join(dir, name, "migration.sql"), "utf8");
        sqlite.exec(script);
        sqlite
          .prepare(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
             VALUES (?, ?, ?, ?, ?, 1)`,
          )
          .run(randomUUID(), createHash("sha256").update(script).digest("hex"), Date.now(), name, Date.now());
        applied.push(name);
      }
    });
    run.immediate();
    return applied;
  } finally {
    sqlite.close();
  }
}
