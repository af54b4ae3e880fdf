import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Db } from "../../src/db/client.ts";
import { openDb } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { withPostgresClient } from "../../src/db/migrate-postgres.ts";
import { listMigrations, migrationsDir } from "../../src/db/migration-files.ts";
import { testPostgres } from "./postgres.ts";

/** A database on the suite's provider as it was just before `migration`, for a test of what that migration does. */
export interface DatabaseBefore {
  url: string;
  db: Db;
  /** Applies the rest of the migrations; returns their names. */
  migrateRest(): Promise<string[]>;
  close(): Promise<void>;
}

/** An empty database on the suite's provider (SQLite in a temporary folder, or a new PostgreSQL database). */
async function emptyDatabase(cleanups: (() => Promise<void> | void)[]): Promise<string> {
  const server = testPostgres();
  if (!server) {
    const dir = mkdtempSync(join(tmpdir(), "riqing-migration-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return `file:${join(dir, "riqing.db")}`;
  }
  const name = `riqing_migration_${process.pid}_${Date.now()}`;
  await withPostgresClient(server, (client) => client.query(`CREATE DATABASE "${name}"`));
  cleanups.push(async () => {
    await withPostgresClient(server, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  });
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A database migrated up to (not including) `migration`. */
export async function databaseBefore(migration: string): Promise<DatabaseBefore> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const url = await emptyDatabase(cleanups);
    const all = migrationsDir(url);
    const before = mkdtempSync(join(tmpdir(), "riqing-migrations-before-"));
    cleanups.push(() => rmSync(before, { recursive: true, force: true }));
    for (const name of listMigrations(all).filter((n) => n < migration)) {
      cpSync(join(all, name), join(before, name), { recursive: true });
    }
    await migrate(url, before);
    const db = await openDb(url);
    cleanups.push(() => db.$disconnect());
    return { url, db, migrateRest: () => migrate(url), close };
  } catch (error) {
    await close();
    throw error;
  }
}
