import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.ts";
import { serializedAdapter } from "./serialized-adapter.ts";

export type Db = PrismaClient;
/** The client handed to a transaction callback. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** Milliseconds a connection waits for another writer before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5_000;

/** Path of the SQLite file behind a `file:` URL. */
export function sqlitePath(databaseUrl: string): string {
  return databaseUrl.replace(/^file:/, "");
}

/**
 * Opens the database through the better-sqlite3 driver adapter (no Prisma engine binary) with WAL, a busy timeout
 * and foreign keys on. Creates the folder of the database file when it is missing. With `readonly` it changes
 * nothing: the file must exist, nothing is created, and every write fails.
 */
export async function openDb(databaseUrl: string, options: { readonly?: boolean } = {}): Promise<Db> {
  const file = sqlitePath(databaseUrl);
  const readonly = options.readonly ?? false;
  if (file !== ":memory:" && !readonly) mkdirSync(dirname(file), { recursive: true });
  const adapter = serializedAdapter(
    new PrismaBetterSQLite3(
      { url: file, timeout: BUSY_TIMEOUT_MS, readonly, fileMustExist: readonly },
      { timestampFormat: "unixepoch-ms" },
    ),
  );
  const db = new PrismaClient({ adapter });
  await db.$queryRawUnsafe(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  await db.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  if (readonly) return db;
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  // Keeps the planner's statistics current, so the digest's grouped counts pick the right indexes.
  await db.$queryRawUnsafe("PRAGMA optimize = 0x10002");
  return db;
}
