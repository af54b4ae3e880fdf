import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "libsql";

/*
 * The database URL's kind, and SQLite files opened with libSQL directly. Nothing here loads Prisma, so the receiver
 * thread (lark/receivers/receiver-thread.ts) and the doctor can use it.
 */

/** True for a PostgreSQL connection URL (`postgresql://…` or `postgres://…`); anything else is a SQLite `file:`. */
export function isPostgresUrl(databaseUrl: string): boolean {
  return /^postgres(ql)?:\/\//.test(databaseUrl);
}

/** Milliseconds a connection waits for another writer before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5_000;

/** Path of the SQLite file behind a `file:` URL. */
export function sqlitePath(databaseUrl: string): string {
  return databaseUrl.replace(/^file:/, "");
}

/**
 * Opens a libSQL connection to a SQLite file with a busy timeout and foreign keys on; with `readonly`, the file must
 * exist and the connection refuses every write. Otherwise the folder is created when missing and the database is
 * put in WAL mode with synchronous=NORMAL.
 */
export function openSqlite(file: string, options: { readonly?: boolean } = {}): Database.Database {
  const readonly = options.readonly ?? false;
  if (readonly && file !== ":memory:" && !existsSync(file)) throw new Error(`database file ${file} does not exist`);
  if (!readonly && file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  try {
    sqlite.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    sqlite.exec("PRAGMA foreign_keys = ON");
    if (readonly) {
      sqlite.exec("PRAGMA query_only = ON");
    } else {
      sqlite.exec("PRAGMA journal_mode = WAL");
      sqlite.exec("PRAGMA synchronous = NORMAL");
    }
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return sqlite;
}
