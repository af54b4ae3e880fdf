import type { SqlDriverAdapterFactory } from "@prisma/client/runtime/client";

type Adapter = Awaited<ReturnType<SqlDriverAdapterFactory["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;

let statements = 0;

/**
 * SQL statements this process has sent to its databases: each query, each begin, commit and rollback (a round trip
 * each on PostgreSQL). The ingest bench divides it by the reports filed.
 */
export function statementsRun(): number {
  return statements;
}

/** Wraps a driver adapter so that every statement it runs is counted in {@link statementsRun}. */
export function countedAdapter(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => count(await factory.connect()),
  };
}

function counted<A extends unknown[], R>(run: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args) => {
    statements++;
    return run(...args);
  };
}

function count(inner: Adapter): Adapter {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: counted((query) => inner.queryRaw(query)),
    executeRaw: counted((query) => inner.executeRaw(query)),
    executeScript: counted((script) => inner.executeScript(script)),
    getConnectionInfo: inner.getConnectionInfo?.bind(inner),
    dispose: () => inner.dispose(),
    startTransaction: counted(async (isolationLevel) => countTransaction(await inner.startTransaction(isolationLevel))),
  };
}

function countTransaction(tx: Transaction): Transaction {
  return {
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: tx.options,
    queryRaw: counted((query) => tx.queryRaw(query)),
    executeRaw: counted((query) => tx.executeRaw(query)),
    commit: counted(() => tx.commit()),
    rollback: counted(() => tx.rollback()),
  };
}
