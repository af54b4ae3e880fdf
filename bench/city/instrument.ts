/**
 * A timing breakdown of the Prisma queries a piece of product code makes: the same client wrapped by a query
 * extension that counts calls and milliseconds per model and operation, and per statement written by hand (named
 * by its FROM clause onwards). Queries run concurrently overlap, so the
 * times add up to more than the wall clock; they say where the time goes, not how long the whole took.
 */

import type { Db } from "../../src/db/client.ts";

/** Calls and total milliseconds of one model.operation. */
export interface QueryCost {
  query: string;
  calls: number;
  ms: number;
}

/** A client that records what it is asked, and what it recorded. */
export interface Instrumented {
  db: Db;
  /** The costs recorded since the last reset, most expensive first. */
  costs(): QueryCost[];
  reset(): void;
}

/** Wraps `db` (see the module comment). The product code receives it where it expects the plain client. */
export function instrument(db: Db): Instrumented {
  const costs = new Map<string, { calls: number; ms: number }>();
  const record = (key: string, started: number) => {
    const cost = costs.get(key) ?? { calls: 0, ms: 0 };
    cost.calls += 1;
    cost.ms += performance.now() - started;
    costs.set(key, cost);
  };
  const extended = db.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        const started = performance.now();
        try {
          return await query(args);
        } finally {
          record(model ? `${model}.${operation}` : `${operation} ${statementLabel(args)}`, started);
        }
      },
    },
  });
  return {
    // The extended client answers every model call the product makes; its type differs only by the extension.
    db: extended as unknown as Db,
    costs: () =>
      [...costs.entries()]
        .map(([query, c]) => ({ query, calls: c.calls, ms: Math.round(c.ms * 10) / 10 }))
        .sort((a, b) => b.ms - a.ms),
    reset: () => costs.clear(),
  };
}

/** A hand-written statement's text from its FROM on, shortened: what tells the statistics' statements apart. */
function statementLabel(args: unknown): string {
  const strings = (args as { strings?: string[] } | undefined)?.strings;
  const sql = (strings ?? []).join("?").replace(/\s+/g, " ").trim();
  const from = sql.indexOf(" FROM ");
  return sql.slice(from < 0 ? 0 : from + 1, (from < 0 ? 0 : from + 1) + 120);
}
