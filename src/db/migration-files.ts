import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_DIR } from "../config/paths.ts";
import { isPostgresUrl } from "./sqlite-file.ts";

const PRISMA_DIR = join(PROJECT_DIR, "prisma");

/** Where a database's migrations are committed: written together, one folder per provider. */
export function migrationsDir(databaseUrl: string): string {
  return isPostgresUrl(databaseUrl) ? join(PRISMA_DIR, "postgresql/migrations") : join(PRISMA_DIR, "migrations");
}

/** Names of the migrations committed in `dir` (SQLite's by default), in order. */
export function listMigrations(dir = migrationsDir("file:")): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, "migration.sql")))
    .map((e) => e.name)
    .sort();
}

/** Which committed migrations a database has applied and which it still lacks. */
export interface MigrationStatus {
  applied: string[];
  pending: string[];
}
