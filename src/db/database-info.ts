import { type Db, postgresOf } from "./client.ts";

/** What the database is, for /healthz and the doctor. */
export interface DatabaseInfo {
  kind: "SQLite" | "PostgreSQL";
  /** The server's (or the embedded library's) version, as it reports it. */
  version: string;
  /** The database's clock minus this process's (0 for SQLite, which has none of its own). */
  clockSkewMs: number;
}

/** Asks the database what it is, its version and, for PostgreSQL, how far its clock is from this process's. */
export async function databaseInfo(db: Db): Promise<DatabaseInfo> {
  const postgres = postgresOf(db);
  if (!postgres) {
    const [row] = await db.$queryRawUnsafe<{ version: string }[]>("SELECT sqlite_version() AS version");
    return { kind: "SQLite", version: row?.version ?? "?", clockSkewMs: 0 };
  }
  const before = Date.now();
  const [row] = await postgres.$queryRawUnsafe<{ version: string; now: number }[]>(
    `SELECT current_setting('server_version') AS "version", (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS "now"`,
  );
  const after = Date.now();
  return {
    kind: "PostgreSQL",
    version: row?.version ?? "?",
    clockSkewMs: Math.round((row?.now ?? after) - (before + after) / 2),
  };
}
