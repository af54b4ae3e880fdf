import type { Client } from "@libsql/client";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import type Database from "libsql";
import type { PrismaClient as PostgresClient } from "../generated/postgres/client.ts";
import { PrismaClient } from "../generated/prisma/client.ts";
import { serializedAdapter } from "./serialized-adapter.ts";
import { sqliteConnection } from "./sqlite-connection.ts";
import { isPostgresUrl, openSqlite, sqlitePath } from "./sqlite-file.ts";
import { countedAdapter } from "./statement-count.ts";

/**
 * The database client. Typed as the SQLite client; a PostgreSQL one (same models, same runtime) is cast to it where it
 * is opened, and what only PostgreSQL has goes through {@link postgresOf}.
 */
export type Db = PrismaClient;
/** The client handed to a transaction callback. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
/** A client opened on PostgreSQL, typed as such. */
export type PostgresDb = PostgresClient;

const postgresClients = new WeakMap<Db, PostgresDb>();

/** The PostgreSQL-typed client behind `db`, or undefined when `db` is SQLite. */
export function postgresOf(db: Db): PostgresDb | undefined {
  return postgresClients.get(db);
}

/** Connections one process keeps to PostgreSQL. */
const POSTGRES_POOL_SIZE = 10;

/** Prisma's libSQL adapter over one connection of ours (see sqlite-connection.ts). */
class OneConnection extends PrismaLibSQL {
  constructor(private readonly open: () => Database.Database) {
    // Dates are stored as Unix milliseconds, as the better-sqlite3 adapter stored them before.
    super({ url: "file::memory:" }, { timestampFormat: "unixepoch-ms" });
  }

  override createClient(): Client {
    return sqliteConnection(this.open());
  }
}

/**
 * Opens the database: PostgreSQL through Prisma's pg adapter (a pool of connections whose sessions run in UTC), or a
 * SQLite file through Prisma's libSQL adapter (no Prisma engine binary, no compiler at install) on one connection used
 * in turn (serialized-adapter.ts). With `readonly` it changes nothing: a SQLite file must exist, nothing is created,
 * and every write fails.
 */
export async function openDb(databaseUrl: string, options: { readonly?: boolean } = {}): Promise<Db> {
  if (isPostgresUrl(databaseUrl)) return openPostgres(databaseUrl, options);
  const file = sqlitePath(databaseUrl);
  const db = new PrismaClient({
    adapter: countedAdapter(serializedAdapter(new OneConnection(() => openSqlite(file, options)), file)),
  });
  await db.$connect();
  // Keeps the planner's statistics current, so the digest's grouped counts pick the right indexes.
  if (!options.readonly) await db.$queryRawUnsafe("PRAGMA optimize = 0x10002");
  return db;
}

async function openPostgres(databaseUrl: string, options: { readonly?: boolean }): Promise<Db> {
  // DateTime columns are timestamps without a zone: every session reads and writes them in UTC.
  const settings = ["-c TimeZone=UTC", ...(options.readonly ? ["-c default_transaction_read_only=on"] : [])];
  const [{ PrismaPg }, { PrismaClient: PostgresClient }] = await Promise.all([
    import("@prisma/adapter-pg"),
    import("../generated/postgres/client.ts"),
  ]);
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: POSTGRES_POOL_SIZE, options: settings.join(" ") });
  const postgres = new PostgresClient({ adapter: countedAdapter(adapter) });
  await postgres.$connect();
  // The two generated clients differ only in provider-specific extras; the models and the runtime are the same.
  const db = postgres as unknown as Db;
  postgresClients.set(db, postgres);
  return db;
}
