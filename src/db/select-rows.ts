/**
 * Hand-written SELECTs whose rows come back as arrays of plain values — numbers, strings, null — read through the
 * database's own driver adapter, on the same connection and in the same turns as Prisma's queries (and counted like
 * them), but without Prisma's engine and model objects. For reads of hundreds of thousands of rows (the ledger):
 * Prisma turns each stored time into an ISO string in the adapter, parses it in the engine and makes a Date of it,
 * half of such a read's cost; here a time is read as its Unix milliseconds ({@link RowQuery.ms}).
 */

import type { SqlDriverAdapterFactory } from "@prisma/client/runtime/client";

type Adapter = Awaited<ReturnType<SqlDriverAdapterFactory["connect"]>>;
type ArgType = Parameters<Adapter["queryRaw"]>[0]["argTypes"][number];

/** A value bound to a `?` of the SQL; a Date is bound as the database stores times. */
export type SqlArg = number | string | Date;

/** Hand-written SELECTs on one database. */
export interface RowQuery {
  readonly postgres: boolean;
  /** The SQL expression of a time column (a quoted name) as Unix milliseconds, or NULL. */
  ms(column: string): string;
  /** Runs `sql`, with `?` for each of `args`, and resolves with its rows as arrays in the order selected. */
  select(sql: string, args?: readonly SqlArg[]): Promise<unknown[][]>;
}

interface Connection {
  postgres: boolean;
  adapter?: Adapter;
}

const connections = new WeakMap<object, Connection>();

/**
 * Wraps the adapter factory a client is opened with, so that {@link rowQuery} can reach the adapter it connects;
 * `attach` the client once it is made.
 */
export function selectableAdapter(
  factory: SqlDriverAdapterFactory,
  postgres: boolean,
): { factory: SqlDriverAdapterFactory; attach(client: object): void } {
  const connection: Connection = { postgres };
  return {
    factory: {
      provider: factory.provider,
      adapterName: factory.adapterName,
      connect: async () => {
        connection.adapter = await factory.connect();
        return connection.adapter;
      },
    },
    attach: (client) => connections.set(client, connection),
  };
}

/** Hand-written SELECTs on the database `client` (opened by openDb and connected) reads. */
export function rowQuery(client: object): RowQuery {
  const connection = connections.get(client);
  if (!connection) throw new Error("rowQuery needs a client opened by openDb");
  const { postgres } = connection;
  return {
    postgres,
    ms: (column) => (postgres ? `(extract(epoch FROM ${column}) * 1000)::float8` : `CAST(${column} AS INTEGER)`),
    async select(sql, args = []) {
      const adapter = connection.adapter;
      if (!adapter) throw new Error("rowQuery's client is not connected");
      let n = 0;
      const result = await adapter.queryRaw({
        sql: postgres ? sql.replace(/\?/g, () => `$${++n}`) : sql,
        args: [...args],
        argTypes: args.map(argType),
      });
      return result.rows;
    },
  };
}

function argType(value: SqlArg): ArgType {
  const scalarType =
    value instanceof Date
      ? "datetime"
      : typeof value === "string"
        ? "string"
        : Number.isInteger(value)
          ? "int"
          : "float";
  return { scalarType, arity: "scalar" };
}
