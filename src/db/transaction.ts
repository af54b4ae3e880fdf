import type { Db, Tx } from "./client.ts";
import { type Org, withOrg } from "./org-queries.ts";

/**
 * Runs `work` in one interactive transaction. The waits are generous because SQLite has a single writer and chats
 * are processed in parallel: a busy moment must queue, not fail. With `org`, the org the work was decided by (a
 * message routed by it), the transaction's `orgOf` gives that one instead of reading the revision again.
 */
export function transaction<T>(db: Db, work: (tx: Tx) => Promise<T>, options: { org?: Org } = {}): Promise<T> {
  const { org } = options;
  return db.$transaction(org ? (tx) => work(withOrg(tx, org)) : work, { maxWait: 15_000, timeout: 30_000 });
}
