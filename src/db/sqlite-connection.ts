import type { Client, InStatement, ResultSet, Row, Transaction } from "@libsql/client";
import type Database from "libsql";

/**
 * One libSQL connection to a SQLite file, shaped as the part of `@libsql/client`'s Client that Prisma's libSQL
 * adapter drives (execute, transaction, executeMultiple, close).
 *
 * `@libsql/client` hands its connection to each transaction and opens a new one for whatever comes next, so the
 * connection settings (foreign keys, busy timeout, synchronous) would be lost after the first transaction and every
 * transaction would cost a new connection. Here one connection serves everything: the adapter keeps statements
 * outside a transaction waiting until it ends (and `serialized-adapter.ts` decides who goes next).
 */
export function sqliteConnection(db: Database.Database): Client {
  const prepared = preparedStatements(db);
  const execute = async (stmt: InStatement): Promise<ResultSet> => run(prepared, stmt);
  const client = {
    protocol: "file",
    closed: false,
    execute,
    async executeMultiple(sql: string) {
      try {
        db.exec(sql);
      } finally {
        if (db.inTransaction) db.exec("ROLLBACK");
      }
    },
    /**
     * Begins IMMEDIATE whatever the mode asked for: the write lock is taken at the start, so a transaction that reads
     * and then writes waits for another process's writer (busy timeout) instead of failing when it upgrades.
     */
    async transaction(): Promise<Transaction> {
      db.exec("BEGIN IMMEDIATE");
      return transaction(db, execute);
    },
    close() {
      client.closed = true;
      db.close();
    },
  };
  return client as unknown as Client;
}

function transaction(db: Database.Database, execute: (stmt: InStatement) => Promise<ResultSet>): Transaction {
  const end = () => {
    if (db.inTransaction) db.exec("ROLLBACK");
  };
  const tx = {
    execute,
    async executeMultiple(sql: string) {
      db.exec(sql);
    },
    async commit() {
      try {
        db.exec("COMMIT");
      } finally {
        // A COMMIT that fails (disk full, I/O error, a deferred foreign key) leaves the transaction open, and the
        // adapter hands the connection on regardless: roll it back, or the next statement would run inside it.
        end();
      }
    },
    async rollback() {
      end();
    },
    close: end,
    get closed() {
      return !db.inTransaction;
    },
  };
  return tx as unknown as Transaction;
}

/** Statements kept prepared (the queries Prisma sends are few and repeat), with their result columns. */
const PREPARED_KEPT = 500;

interface Prepared {
  statement: Database.Statement;
  columns: { name: string; type: string | null }[] | null;
}

/**
 * The connection's statements by SQL text, prepared once: preparing (parsing and planning) each query anew was a
 * tenth of the bot's CPU during ingest. The least recently used is dropped when more than PREPARED_KEPT are kept.
 */
function preparedStatements(db: Database.Database): (sql: string) => Prepared {
  const kept = new Map<string, Prepared>();
  return (sql) => {
    let entry = kept.get(sql);
    if (entry) {
      kept.delete(sql);
    } else {
      const statement = db.prepare(sql);
      entry = { statement, columns: statement.reader ? statement.raw(true).columns() : null };
      if (kept.size >= PREPARED_KEPT) kept.delete(kept.keys().next().value as string);
    }
    kept.set(sql, entry);
    return entry;
  };
}

/** Runs one statement as `@libsql/client` does: rows as arrays with declared column types, or the change count. */
function run(prepare: (sql: string) => Prepared, stmt: InStatement): ResultSet {
  const { sql, args } = typeof stmt === "string" ? { sql: stmt, args: [] } : stmt;
  const values = (Array.isArray(args) ? args : Object.values(args ?? {})).map(toSql);
  const { statement, columns } = prepare(sql);
  if (!columns) {
    const info = statement.run(values);
    return result([], [], [], info.changes, BigInt(info.lastInsertRowid));
  }
  const rows = statement.all(values) as unknown[][];
  // In place: the arrays are ours, and a city's statistics read some 250,000 rows.
  for (const row of rows) for (let i = 0; i < row.length; i++) row[i] = fromSql(row[i]);
  return result(
    columns.map((c) => c.name),
    columns.map((c) => c.type ?? ""),
    rows as unknown as Row[],
    0,
    undefined,
  );
}

function result(
  columns: string[],
  columnTypes: string[],
  rows: Row[],
  rowsAffected: number,
  lastInsertRowid: bigint | undefined,
): ResultSet {
  return { columns, columnTypes, rows, rowsAffected, lastInsertRowid, toJSON: () => ({}) };
}

function toSql(value: unknown): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.getTime();
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  return value;
}

/** Blobs as the ArrayBuffer the adapter expects; everything else as SQLite gave it. */
function fromSql(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  return value;
}
