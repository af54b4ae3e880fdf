import type { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { Mutex } from "async-mutex";

type AdapterFactory = PrismaBetterSQLite3;
type Adapter = Awaited<ReturnType<AdapterFactory["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;

/**
 * Single statements jump the queue of waiting transactions: they are short, and the acknowledgement of an inbound
 * event waits on one.
 */
const STATEMENT_PRIORITY = 1;

/**
 * Wraps the better-sqlite3 adapter so that the one connection is used by one thing at a time. The stock adapter
 * serializes transactions but lets a statement issued outside them run on the same connection while one is open:
 * the statement then becomes part of that transaction, sees its uncommitted rows, and is rolled back with it — an
 * acknowledged event could vanish. Here a statement waits until the open transaction has finished.
 */
export function serializedAdapter(factory: AdapterFactory): AdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => serialize(await factory.connect()),
    connectToShadowDb: async () => serialize(await factory.connectToShadowDb()),
  } as AdapterFactory;
}

function serialize(inner: Adapter): Adapter {
  const lock = new Mutex();
  const exclusive = <T>(work: () => Promise<T>) => lock.runExclusive(work, STATEMENT_PRIORITY);
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query) => exclusive(() => inner.queryRaw(query)),
    executeRaw: (query) => exclusive(() => inner.executeRaw(query)),
    executeScript: (script) => exclusive(() => inner.executeScript(script)),
    getConnectionInfo: inner.getConnectionInfo?.bind(inner),
    dispose: () => inner.dispose(),
    async startTransaction(isolationLevel) {
      const release = await lock.acquire();
      try {
        return releasingOnEnd(await inner.startTransaction(isolationLevel), release);
      } catch (error) {
        release();
        throw error;
      }
    },
  };
}

/** The statements Prisma ends a transaction with, before it calls commit() or rollback(). */
const ENDINGS: ReadonlySet<string> = new Set(["COMMIT", "ROLLBACK"]);

function releasingOnEnd(tx: Transaction, release: () => void): Transaction {
  let ended = false;
  const end = async (finish: () => Promise<void>) => {
    if (ended) return;
    ended = true;
    try {
      await finish();
    } finally {
      // Handed on after a turn of the event loop, not at once: waiting transactions would otherwise follow each other
      // in one chain of promises, and pending I/O — an inbound event to store and acknowledge — would wait for all
      // of them. This way its statement, which jumps the queue, goes next.
      setImmediate(release);
    }
  };
  return {
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: tx.options,
    queryRaw: (query) => tx.queryRaw(query),
    async executeRaw(query) {
      try {
        return await tx.executeRaw(query);
      } catch (error) {
        // A COMMIT that fails (disk full, I/O error) leaves SQLite's transaction open, and Prisma calls neither
        // commit() nor rollback() after it: roll back what is left and hand the connection on, or it stays taken.
        if (ENDINGS.has(query.sql.trim().toUpperCase())) {
          await end(async () => {
            await tx.executeRaw({ sql: "ROLLBACK", args: [], argTypes: [] }).catch(() => 0);
            await tx.rollback();
          });
        }
        throw error;
      }
    },
    commit: () => end(() => tx.commit()),
    rollback: () => end(() => tx.rollback()),
  };
}
