import type { Db, Tx } from "./client.ts";

/**
 * Runs `work` in one interactive transaction. The waits are generous because SQLite has a single writer and chats
 * are processed in parallel: a busy moment must queue, not fail.
 */
export function transaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(work, { maxWait: 15_000, timeout: 30_000 });
}
