import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type pg from "pg";
import { DATABASE_TEXTS } from "../texts/database.ts";
import { listMigrations, type MigrationStatus } from "./migration-files.ts";

/** The runner's own bookkeeping: one row per applied migration with the checksum of its script. */
const BOOKKEEPING_DDL = `CREATE TABLE IF NOT EXISTS "_migrations" (
  "name" TEXT PRIMARY KEY,
  "checksum" TEXT NOT NULL,
  "appliedAt" TIMESTAMPTZ NOT NULL DEFAULT now()
)`;

/** The advisory lock instances starting together take, so exactly one of them migrates ("riqing:migrate"). */
const MIGRATION_LOCK = 4_251_306_797_117_520_183n;

/** An applied migration whose script was changed afterwards. */
export class MigrationChecksumError extends Error {
  override readonly name = "MigrationChecksumError";
  constructor(readonly migration: string) {
    super(DATABASE_TEXTS.migrationChanged(migration));
  }
}

/** A migration that failed; PostgreSQL rolled it back whole. */
export class MigrationFailedError extends Error {
  override readonly name = "MigrationFailedError";
  constructor(
    readonly migration: string,
    cause: unknown,
  ) {
    super(DATABASE_TEXTS.migrationFailed(migration, String((cause as Error).message ?? cause)), { cause });
  }
}

function checksum(script: string): string {
  return createHash("sha256").update(script).digest("hex");
}

/** Runs `work` on a connection of its own to `databaseUrl`, closed afterwards. */
export async function withPostgresClient<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Applies the pending PostgreSQL migrations in name order, each in its own transaction (PostgreSQL's DDL is
 * transactional, so a failing migration leaves nothing behind), recording each with its script's checksum. Instances
 * starting together queue on an advisory lock and find the work done. Refuses to go on when an applied migration's
 * script has changed since. Returns the names it applied.
 */
export async function migratePostgres(databaseUrl: string, dir: string): Promise<string[]> {
  return withPostgresClient(databaseUrl, async (client) => {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      await client.query(BOOKKEEPING_DDL);
      const { rows } = await client.query<{ name: string; checksum: string }>(
        `SELECT "name", "checksum" FROM "_migrations"`,
      );
      const applied = new Map(rows.map((r) => [r.name, r.checksum]));
      const done: string[] = [];
      for (const name of listMigrations(dir)) {
        const script = readFileSync(join(dir, name, "migration.sql"), "utf8");
        const known = applied.get(name);
        if (known !== undefined) {
          if (known !== checksum(script)) throw new MigrationChecksumError(name);
          continue;
        }
        await client.query("BEGIN");
        try {
          await client.query(script);
          await client.query(`INSERT INTO "_migrations" ("name", "checksum") VALUES ($1, $2)`, [
            name,
            checksum(script),
          ]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw new MigrationFailedError(name, error);
        }
        done.push(name);
      }
      return done;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  });
}

/** Which PostgreSQL migrations are applied, changing nothing. */
export async function postgresMigrationStatus(databaseUrl: string, dir: string): Promise<MigrationStatus> {
  return withPostgresClient(databaseUrl, async (client) => {
    const { rows: exists } = await client.query(`SELECT to_regclass('"_migrations"') IS NOT NULL AS "exists"`);
    const done = new Set<string>();
    if (exists[0]?.exists) {
      const { rows } = await client.query<{ name: string }>(`SELECT "name" FROM "_migrations"`);
      for (const row of rows) done.add(row.name);
    }
    const all = listMigrations(dir);
    return { applied: all.filter((name) => done.has(name)), pending: all.filter((name) => !done.has(name)) };
  });
}
