import { basename, dirname, join } from "node:path";
import { type Db, openDb } from "./client.ts";
import { migrate } from "./migrate.ts";
import { isPostgresUrl, openSqlite, sqlitePath } from "./sqlite-file.ts";

/** The SQLite file of the inbox, beside the main one: `data/riqing.db` → `data/riqing-inbox.db`. */
export function inboxFile(databaseUrl: string): string {
  const main = sqlitePath(databaseUrl);
  return join(dirname(main), `${basename(main).replace(/\.db$/, "")}-inbox.db`);
}

/**
 * Opens the database of the inbound events (the "InboundEvent" table, lark/inbox.ts). On PostgreSQL that is `db`
 * itself: its pool lets an event be stored while processing transactions run. On SQLite, where `db` is one
 * connection that a processing transaction holds until it commits, it is a file of its own beside the main one
 * ({@link inboxFile}) with a connection of its own, so storing — and acknowledging — an event never waits for
 * processing. The file gets the same migrations as the main one (its other tables stay empty), and the events an
 * earlier version kept in the main file are moved into it. Close it with {@link closeInboxDb}.
 */
export async function openInboxDb(databaseUrl: string, db: Db): Promise<Db> {
  if (isPostgresUrl(databaseUrl)) return db;
  const url = `file:${inboxFile(databaseUrl)}`;
  await migrate(url);
  moveInboundEvents(sqlitePath(databaseUrl), inboxFile(databaseUrl));
  return openDb(url);
}

/** Disconnects the inbox's database unless it is the main one (PostgreSQL). */
export async function closeInboxDb(inboxDb: Db, db: Db): Promise<void> {
  if (inboxDb !== db) await inboxDb.$disconnect();
}

/**
 * Moves the inbound events still in the main file (stored by an earlier version: pending and failed ones to process,
 * done ones to recognise redeliveries and to name who waits for an answer) into the inbox file, in their order, in one
 * transaction. They are numbered anew (the main file may have numbered events after the inbox file's, should an
 * earlier version have run again in between); an event the inbox file already holds — the files commit separately,
 * so a move cut off between them leaves its events in both — is not moved twice.
 */
function moveInboundEvents(mainFile: string, file: string): void {
  const sqlite = openSqlite(file);
  try {
    sqlite.prepare("ATTACH DATABASE ? AS earlier").run(mainFile);
    const left = sqlite.prepare(`SELECT 1 FROM earlier."InboundEvent" LIMIT 1`);
    // Most starts find nothing to move and take no write lock on the main file.
    if (!left.get()) return;
    const columns = (
      sqlite.prepare(`SELECT name FROM pragma_table_info('InboundEvent') WHERE name <> 'id'`).pluck().all() as string[]
    )
      .map((name) => `"${name}"`)
      .join(", ");
    const move = sqlite.transaction(() => {
      sqlite.exec(
        `INSERT OR IGNORE INTO main."InboundEvent" (${columns}) ` +
          `SELECT ${columns} FROM earlier."InboundEvent" ORDER BY "id"`,
      );
      sqlite.exec(`DELETE FROM earlier."InboundEvent"`);
    });
    move.immediate();
  } finally {
    sqlite.close();
  }
}
