import { resolve } from "node:path";
import type { SqlDriverAdapterFactory } from "@prisma/client/runtime/client";
import { Mutex } from "async-mutex";

type Adapter = Awaited<ReturnType<SqlDriverAdapterFactory["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;

/**
 * Single statements jump the queue of waiting transactions: they are short, and the acknowledgement of an inbound
 * event waits on one.
 */
const STATEMENT_PRIORITY = 1;
/**
 * Before them all goes the storing of inbound events (the inbox's group commit, lark/inbox.ts): the events it holds
 * are acknowledged only when it is done, and Lark gives up after 3 s.
 */
const ACKNOWLEDGING_PRIORITY = 2;
const ACKNOWLEDGING = /^INSERT INTO "InboundEvent"/;

/**
 * Wraps the SQLite adapter so that the one connection is used by one thing at a time, in the order that keeps the
 * bot responsive. A statement issued outside a transaction waits until the open transaction has finished (were it
 * to run on the connection meanwhile, it would become part of that transaction, see its uncommitted rows and be
 * rolled back with it — an acknowledged event could vanish); waiting statements go before waiting transactions, the
 * storing of inbound events first; and a finished transaction hands the connection on only after a turn of the event
 * loop. Every statement, in a transaction or not, starts after a turn of the event loop, so the requests that
 * arrive while the bot works are read between its statements.
 */
export function serializedAdapter(factory: SqlDriverAdapterFactory, file?: string): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => serialize(await factory.connect(), lockOf(file)),
  };
}

/**
 * The connections this process opens to one file (`file`; none for an in-memory database, which is its own) take
 * their turns on one lock. SQLite would make a second connection wait for the first one's write lock synchronously
 * (busy_timeout), holding the event loop the first one's transaction needs to finish.
 */
const fileLocks = new Map<string, Mutex>();
function lockOf(file: string | undefined): Mutex {
  if (file === undefined || file === ":memory:") return new Mutex();
  const key = resolve(file);
  let lock = fileLocks.get(key);
  if (!lock) {
    lock = new Mutex();
    fileLocks.set(key, lock);
  }
  return lock;
}

/**
 * A turn of the event loop. SQLite runs a statement synchronously and Prisma goes from one to the next in promise
 * callbacks, so without it a whole transaction — tens of milliseconds of CPU when the bot files a report — would run
 * without the event loop ever reading a request; with it a request waits for one statement at most.
 */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function serialize(inner: Adapter, lock: Mutex): Adapter {
  // The turn is taken once the statement's place is won: a statement issued now still goes before the transactions
  // waiting, as its priority says.
  const exclusive = <T>(sql: string, work: () => Promise<T>) =>
    lock.runExclusive(
      async () => {
        await turn();
        return work();
      },
      ACKNOWLEDGING.test(sql) ? ACKNOWLEDGING_PRIORITY : STATEMENT_PRIORITY,
    );
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query) => exclusive(query.sql, () => inner.queryRaw(query)),
    executeRaw: (query) => exclusive(query.sql, () => inner.executeRaw(query)),
    executeScript: (script) => exclusive(script, () => inner.executeScript(script)),
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
    queryRaw: async (query) => {
      await turn();
      return tx.queryRaw(query);
    },
    executeRaw: async (query) => {
      await turn();
      return tx.executeRaw(query);
    },
    commit: () => end(() => tx.commit()),
    rollback: () => end(() => tx.rollback()),
  };
}
