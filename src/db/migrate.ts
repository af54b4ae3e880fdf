import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DATABASE_TEXTS } from "../texts/database.ts";
import { migratePostgres, postgresMigrationStatus } from "./migrate-postgres.ts";
import { listMigrations, type MigrationStatus, migrationsDir } from "./migration-files.ts";
import { isPostgresUrl, openSqlite, sqlitePath } from "./sqlite-file.ts";

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

/** Rows of `_prisma_migrations` that count as applied (as `prisma migrate deploy` counts them). */
const APPLIED = "finished_at IS NOT NULL AND rolled_back_at IS NULL";

/**
 * Reads which migrations an existing database has applied, changing nothing (a SQLite file is opened read-only and
 * must exist). A database without the bookkeeping table has applied none.
 */
export async function migrationStatus(databaseUrl: string, dir = migrationsDir(databaseUrl)): Promise<MigrationStatus> {
  return isPostgresUrl(databaseUrl)
    ? postgresMigrationStatus(databaseUrl, dir)
    : sqliteMigrationStatus(databaseUrl, dir);
}

/**
 * Applies the pending migrations, each in its own transaction, and returns the names it applied: SQLite's recorded
 * as `prisma migrate deploy` records them, PostgreSQL's by the project's own runner (migrate-postgres.ts). Safe to
 * run from several processes at once.
 */
export async function migrate(databaseUrl: string, dir = migrationsDir(databaseUrl)): Promise<string[]> {
  return isPostgresUrl(databaseUrl) ? migratePostgres(databaseUrl, dir) : migrateSqlite(databaseUrl, dir);
}

function sqliteMigrationStatus(databaseUrl: string, dir: string): MigrationStatus {
  const sqlite = openSqlite(sqlitePath(databaseUrl), { readonly: true });
  try {
    const bookkept = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`);
    const done = new Set(
      bookkept.get()
        ? (sqlite.prepare(`SELECT migration_name FROM "_prisma_migrations" WHERE ${APPLIED}`).pluck().all() as string[])
        : [],
    );
    const all = listMigrations(dir);
    return { applied: all.filter((name) => done.has(name)), pending: all.filter((name) => !done.has(name)) };
  } finally {
    sqlite.close();
  }
}

/** A migration left rows that point at nothing; it was rolled back. */
export class MigrationCheckError extends Error {
  override readonly name = "MigrationCheckError";
  constructor(
    readonly migration: string,
    readonly violations: { table: string; parent: string; rowid: number | bigint | null }[],
  ) {
    const links = [...new Set(violations.map((v) => `${v.table} → ${v.parent}`))];
    super(DATABASE_TEXTS.migrationBrokeReferences(migration, violations.length, links));
  }
}

/**
 * SQLite: each migration is checked and applied under the write lock; throws MigrationCheckError (and keeps the
 * database as it was before that migration) when a migration leaves broken foreign keys.
 */
function migrateSqlite(databaseUrl: string, dir: string): string[] {
  const sqlite = openSqlite(sqlitePath(databaseUrl));
  try {
    sqlite.exec(BOOKKEEPING_DDL);
    // Prisma rebuilds a table (create a copy, drop the old one, rename) between `PRAGMA foreign_keys=OFF` and `=ON`,
    // but that pragma does nothing inside a transaction: with keys on (as every connection opens) the DROP would
    // cascade into every referencing table. So keys go off here, outside the transactions, for this connection
    // only (it closes below; every connection the app opens turns them on), and each migration is checked instead.
    sqlite.exec("PRAGMA foreign_keys = OFF");
    const isApplied = sqlite.prepare(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = ? AND ${APPLIED}`);
    const record = sqlite.prepare(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
       VALUES (?, ?, ?, ?, ?, 1)`,
    );
    const apply = sqlite.transaction((name: string): boolean => {
      if (isApplied.get(name)) return false;
      const script = readFileSync(join(dir, name, "migration.sql"), "utf8");
      sqlite.exec(script);
      const violations = sqlite.pragma("foreign_key_check") as MigrationCheckError["violations"];
      if (violations.length > 0) throw new MigrationCheckError(name, violations);
      record.run(randomUUID(), createHash("sha256").update(script).digest("hex"), Date.now(), name, Date.now());
      return true;
    });
    return listMigrations(dir).filter((name) => apply.immediate(name));
  } finally {
    sqlite.close();
  }
}
