import type { SqlDriverAdapterFactory } from "@prisma/client/runtime/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client.ts";
import { serializedAdapter } from "../../src/db/serialized-adapter.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { testPostgres } from "../support/postgres.ts";

// SQLite only: the one connection of a SQLite database and its adapter. PostgreSQL has a pool of connections.
describe.skipIf(testPostgres())("one connection, one user at a time", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(async () => {
    await t.close();
  });

  /**
   * Opens a transaction that writes a row, lets `during` start while it is open, gives it plenty of turns of the
   * event loop to reach the connection, then rolls back.
   */
  async function whileRollingBack<T>(during: () => Promise<T>): Promise<T> {
    let started: Promise<T> | undefined;
    await t.db
      .$transaction(async (tx) => {
        await tx.sequence.create({ data: { name: "rolled-back", value: 1 } });
        started = during();
        for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setImmediate(resolve));
        throw new Error("roll back");
      })
      .catch(() => undefined);
    return started as Promise<T>;
  }

  it("keeps a write made while another transaction is open out of it, so its rollback does not take the write along", async () => {
    await whileRollingBack(() => t.db.sequence.create({ data: { name: "outside", value: 2 } }).then(() => undefined));
    expect(await t.db.sequence.findMany({ select: { name: true } })).toEqual([{ name: "outside" }]);
  });

  it("does not let a statement see another transaction's uncommitted rows", async () => {
    const seen = await whileRollingBack(() => t.db.sequence.count().then((n) => n));
    expect(seen).toBe(0);
  });

  it("hands the connection on when COMMIT itself fails (disk full, I/O error), so later statements still run", async () => {
    // A deferred foreign-key violation makes COMMIT fail, as a full disk would.
    const outcome = await t.db
      .$transaction(async (tx) => {
        await tx.$executeRawUnsafe("PRAGMA defer_foreign_keys = ON");
        await tx.duty.create({ data: { personId: 999, unitId: 999, role: "admin" } });
      })
      .then(
        () => "committed",
        () => "failed",
      );
    expect(outcome).toBe("failed");
    expect(await t.db.duty.count()).toBe(0);
    await t.db.$transaction((tx) => tx.sequence.create({ data: { name: "after", value: 1 } }));
    expect(await t.db.sequence.count()).toBe(1);
  }, 10_000);

  it("lets a second connection to the same file in this process wait for a transaction without blocking it", async () => {
    // SQLite waits for another connection's write lock synchronously (busy_timeout), holding the event loop the
    // transaction needs to finish: it would fail with SQLITE_BUSY after 5 s. The two connections take turns instead.
    const other = await openDb(t.url);
    try {
      const order: string[] = [];
      let second: Promise<unknown> = Promise.resolve();
      await t.db.$transaction(async (tx) => {
        await tx.sequence.create({ data: { name: "first", value: 1 } });
        second = other.sequence
          .create({ data: { name: "second", value: 2 } })
          .then(() => order.push("second"))
          .catch((error: unknown) => order.push(String(error)));
        for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
        await tx.sequence.update({ where: { name: "first" }, data: { value: 3 } });
        order.push("first");
      });
      await second;
      expect(order).toEqual(["first", "second"]);
      expect(await other.sequence.findMany({ select: { name: true, value: true }, orderBy: { name: "asc" } })).toEqual([
        { name: "first", value: 3 },
        { name: "second", value: 2 },
      ]);
    } finally {
      await other.$disconnect();
    }
  });

  /** A fake connection with one transaction holding it and a second one queued behind; `order` records what ran. */
  async function busyConnection() {
    const order: string[] = [];
    const adapter = await serializedAdapter(fakeFactory(order)).connect();
    const first = await adapter.startTransaction();
    const second = adapter.startTransaction().then(async (tx) => {
      order.push("second transaction");
      await tx.commit();
    });
    return { order, adapter, first, second };
  }

  it("runs a single statement before transactions that are still waiting for the connection", async () => {
    const { order, adapter, first, second } = await busyConnection();
    const statement = adapter.queryRaw(query("SELECT 1"));
    order.push("first transaction");
    await first.commit();
    await Promise.all([second, statement]);
    expect(order).toEqual(["first transaction", "SELECT 1", "second transaction"]);
  });

  it("runs the storing of inbound events before other statements waiting for the connection", async () => {
    const { order, adapter, first, second } = await busyConnection();
    const others = [adapter.queryRaw(query("SELECT pending")), adapter.queryRaw(query("SELECT outbox"))];
    const store = adapter.queryRaw(query('INSERT INTO "InboundEvent" ("eventId") VALUES (?)'));
    order.push("first transaction");
    await first.commit();
    await Promise.all([second, store, ...others]);
    expect(order).toEqual([
      "first transaction",
      'INSERT INTO "InboundEvent" ("eventId") VALUES (?)',
      "SELECT pending",
      "SELECT outbox",
      "second transaction",
    ]);
  });

  it("lets I/O in between transactions: a statement arriving then goes before the next queued transaction", async () => {
    const { order, adapter, first, second } = await busyConnection();
    // An inbound event's statement, issued from an I/O callback that runs after the first transaction commits.
    const statement = new Promise<void>((resolve) =>
      setImmediate(() => resolve(adapter.queryRaw(query("INSERT event")).then(() => undefined))),
    );
    order.push("first transaction");
    await first.commit();
    await Promise.all([second, statement]);
    expect(order).toEqual(["first transaction", "INSERT event", "second transaction"]);
  });

  it("lets I/O in between the statements of a transaction: a request arriving meanwhile is served before the next one", async () => {
    const order: string[] = [];
    const adapter = await serializedAdapter(fakeFactory(order)).connect();
    const tx = await adapter.startTransaction();
    await tx.queryRaw(query("SELECT 1"));
    // A request's callback, ready while the transaction is under way.
    setImmediate(() => order.push("request"));
    await tx.queryRaw(query("SELECT 2"));
    await tx.executeRaw(query("UPDATE 3"));
    await tx.commit();
    expect(order).toEqual(["SELECT 1", "request", "SELECT 2", "UPDATE 3"]);
  });

  it("lets I/O in before a statement outside a transaction", async () => {
    const order: string[] = [];
    const adapter = await serializedAdapter(fakeFactory(order)).connect();
    await adapter.queryRaw(query("SELECT 1"));
    setImmediate(() => order.push("request"));
    await adapter.executeRaw(query("UPDATE 2"));
    expect(order).toEqual(["SELECT 1", "request", "UPDATE 2"]);
  });
});

function query(sql: string) {
  return { sql, args: [], argTypes: [] };
}

/** A stand-in for the SQLite adapter that records the statements it runs. */
function fakeFactory(log: string[]): SqlDriverAdapterFactory {
  const result = { columnNames: [], columnTypes: [], rows: [] };
  const queryable = {
    provider: "sqlite" as const,
    adapterName: "fake",
    queryRaw: async (q: { sql: string }) => {
      log.push(q.sql);
      return result;
    },
    executeRaw: async (q: { sql: string }) => {
      log.push(q.sql);
      return 0;
    },
  };
  const adapter = {
    ...queryable,
    executeScript: async () => {},
    dispose: async () => {},
    startTransaction: async () => ({
      ...queryable,
      options: { usePhantomQuery: false },
      commit: async () => {},
      rollback: async () => {},
    }),
  };
  return {
    provider: "sqlite",
    adapterName: "fake",
    connect: async () => adapter,
  } as unknown as SqlDriverAdapterFactory;
}
