/**
 * Hand-written SELECTs whose rows come back as arrays of plain values — numbers, strings, null — read through the
 * database's own driver adapter, on the same connection and in the same turns as Prisma's queries (and counted like
 * them), but without Prisma's engine and model objects. For reads of hundreds of thousands of rows (the ledger):
 * Prisma turns each stored time into an ISO string in the adapter, parses it in the engine and makes a Date of it,
 * half of such a read's cost; here a time is read as its Unix milliseconds (sql-dialect.ts's epochMs). The queries
 * are Prisma.sql templates, as for $queryRaw.
 */

import type { SqlDriverAdapterFactory } from "@prisma/client/runtime/client";
import type { Prisma } from "../generated/prisma/client.ts";

type Adapter = Awaited<ReturnType<SqlDriverAdapterFactory["connect"]>>;
type ArgType = Parameters<Adapter["queryRaw"]>[0]["argTypes"][number];

/** Hand-written SELECTs on one database. */
export interface RowQuery {
  /** Runs `query` and resolves with its rows as arrays in the order selected. */
  select(query: Prisma.Sql): Promise<unknown[][]>;
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
  return {
    async select(query) {
      const adapter = connection.adapter;
      if (!adapter) throw new Error("rowQuery's client is not connected");
      const args = query.values as SqlArg[];
      const result = await adapter.queryRaw({
        sql: connection.postgres ? query.text : query.sql,
        args,
        argTypes: args.map(argType),
      });
      return result.rows;
    },
  };
}

/** A value a query binds: a Date as the database stores times. */
type SqlArg = number | string | Date;

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
