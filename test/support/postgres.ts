import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { migrate } from "../../src/db/migrate.ts";
import { withPostgresClient } from "../../src/db/migrate-postgres.ts";
import { listMigrations, migrationsDir } from "../../src/db/migration-files.ts";

/**
 * The PostgreSQL server the suite runs against when `RIQING_TEST_POSTGRES` names one (its admin URL, as
 * scripts/test-postgres.sh prints it); undefined for the default SQLite run.
 */
export function testPostgres(): string | undefined {
  return process.env.RIQING_TEST_POSTGRES || undefined;
}

/** `RIQING_TEST_POSTGRES` with another database name. */
function withDatabase(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A migrated database to copy, named after the migrations it holds, made once per set of migrations. */
async function template(adminUrl: string): Promise<string> {
  const dir = migrationsDir("postgresql:");
  const hash = createHash("sha256");
  for (const name of listMigrations(dir)) hash.update(name).update(readFileSync(join(dir, name, "migration.sql")));
  const name = `riqing_template_${hash.digest("hex").slice(0, 12)}`;
  await withPostgresClient(adminUrl, async (client) => {
    // Test workers start together: one makes the template, the others wait for it.
    await client.query("SELECT pg_advisory_lock(7305)");
    try {
      const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (rowCount) return;
      await client.query(`CREATE DATABASE "${name}_new"`);
      await migrate(withDatabase(adminUrl, `${name}_new`));
      await client.query(`ALTER DATABASE "${name}_new" RENAME TO "${name}"`);
    } finally {
      await client.query("SELECT pg_advisory_unlock(7305)");
    }
  });
  return name;
}

/** A fresh, migrated PostgreSQL database of its own (a copy of the template); `drop()` deletes it. */
export async function createPostgresDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const source = await template(adminUrl);
  const name = `riqing_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  await withPostgresClient(adminUrl, async (client) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${name}" TEMPLATE "${source}"`);
        return;
      } catch (error) {
        // Another worker's copy of the same template is still starting: try again shortly.
        if ((error as { code?: string }).code !== "55006" || attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    }
  });
  return {
    url: withDatabase(adminUrl, name),
    drop: () =>
      withPostgresClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
        () => {},
      ),
  };
}
