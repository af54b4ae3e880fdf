import { createHash } from "node:crypto";
import { Prisma } from "../generated/prisma/client.ts";
import { DATABASE_TEXTS } from "../texts/database.ts";
import { type Db, openDb, type PostgresDb, postgresOf, type Tx } from "./client.ts";
import { closeInboxDb, openInboxDb } from "./inbox-db.ts";
import { migrate, migrationStatus } from "./migrate.ts";
import { MigrationChecksumError, MigrationFailedError } from "./migrate-postgres.ts";
import { isPostgresUrl } from "./sqlite-file.ts";

/** A table to copy: its model, its columns, the key it is read in order of, and columns that point into itself. */
interface Table {
  model: string;
  name: string;
  columns: Record<string, string>;
  key: string;
  /** Self-references, filled in once every row of the table is there (a parent may come after its child). */
  later?: string[];
}

/** The table of a Prisma model, read in order of `key`, with its self-references to fill in `later`. */
function table(name: Prisma.ModelName, key = "id", later?: string[]): Table {
  const model = `${name.charAt(0).toLowerCase()}${name.slice(1)}`;
  return { model, name, columns: Prisma[`${name}ScalarFieldEnum`], key, later };
}

/**
 * Every table, parents before children (test/db/move-to-postgres.test.ts checks that none is missing). OrgRevision is
 * not copied: the target's migrations made its own row.
 */
const TABLES: Table[] = [
  table("Unit", "id", ["parentId"]),
  table("Person"),
  table("Category"),
  table("StreetCategoryLimit"),
  table("Point"),
  table("Duty"),
  table("ChatBinding"),
  table("UnboundChat", "chatId"),
  table("PatrolPlan"),
  table("PatrolVisit"),
  table("Issue", "id", ["duplicateOfId", "reboundOfId"]),
  table("Photo"),
  table("LarkImage", "sha256"),
  table("PatrolPhoto"),
  table("IssueEvent"),
  table("Sequence", "name"),
  table("InboundEvent"),
  table("OutboxMessage"),
  table("JobRun"),
  table("PendingPhoto"),
  table("DigestReview"),
  table("DigestReviewRead"),
  table("ApiKey"),
  table("PaceCall"),
  table("PacePause", "key"),
  table("Briefing"),
];

/** Rows copied per statement: at most 1,000, and fewer for wide tables (PostgreSQL takes at most 32,767 parameters). */
function batchOf(table: Table): number {
  return Math.min(1_000, Math.floor(30_000 / Object.keys(table.columns).length));
}

type Row = Record<string, unknown>;

/** The part of a Prisma model delegate the copy uses, the same for every model. */
interface Delegate {
  findMany(args: { orderBy: Row; take: number; skip?: number; cursor?: Row }): Promise<Row[]>;
  createMany(args: { data: Row[] }): Promise<{ count: number }>;
  count(): Promise<number>;
}

function delegate(db: Db | Tx, table: Table): Delegate {
  return (db as unknown as Record<string, Delegate>)[table.model] as Delegate;
}

/** Reads a table in key order, a batch at a time. */
async function* rows(db: Db | Tx, table: Table): AsyncGenerator<Row[]> {
  let cursor: Row | undefined;
  for (;;) {
    const batch = await delegate(db, table).findMany({
      orderBy: { [table.key]: "asc" },
      take: batchOf(table),
      ...(cursor && { skip: 1, cursor }),
    });
    if (batch.length === 0) return;
    yield batch;
    const last = batch[batch.length - 1] as Row;
    cursor = { [table.key]: last[table.key] };
  }
}

/** JSON with object keys sorted, so the same data hashes the same whatever order a database keeps keys in. */
function canonical(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Row).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Row count and a checksum over every column of every row, in key order. */
async function fingerprint(db: Db | Tx, table: Table): Promise<{ rows: number; checksum: string }> {
  const hash = createHash("sha256");
  let count = 0;
  for await (const batch of rows(db, table)) {
    for (const row of batch) hash.update(canonical(Object.keys(table.columns).map((c) => row[c]))).update("\n");
    count += batch.length;
  }
  return { rows: count, checksum: hash.digest("hex") };
}

/** What was copied, table by table. */
export interface MoveReport {
  tables: { name: string; rows: number; checksum: string }[];
}

/** The target already holds data: nothing was copied. */
export class TargetNotEmptyError extends Error {
  override readonly name = "TargetNotEmptyError";
  constructor(readonly tables: { name: string; rows: number }[]) {
    super(DATABASE_TEXTS.targetNotEmpty(tables));
  }
}

/** The source has migrations left to apply: its rows would not fit the target's tables. */
export class SourceNotMigratedError extends Error {
  override readonly name = "SourceNotMigratedError";
  constructor(readonly pending: string[]) {
    super(DATABASE_TEXTS.sourceNotMigrated(pending));
  }
}

/** Copied rows and the source differ (should never happen): the copy was rolled back. */
export class MoveVerificationError extends Error {
  override readonly name = "MoveVerificationError";
  constructor(readonly table: string) {
    super(DATABASE_TEXTS.moveMismatch(table));
  }
}

/** The Chinese explanation of an error that stopped a move for a reason the operator can fix; undefined for a bug. */
export function moveRefusal(error: unknown): string | undefined {
  const known = [
    TargetNotEmptyError,
    SourceNotMigratedError,
    MoveVerificationError,
    MigrationFailedError,
    MigrationChecksumError,
  ];
  return known.some((kind) => error instanceof kind) ? (error as Error).message : undefined;
}

/**
 * Copies a SQLite deployment into an empty PostgreSQL database: applies the PostgreSQL migrations, refuses a target
 * that holds any rows, copies every table with its ids in one transaction (self-references filled in after their
 * table, identity sequences moved past the copied ids), then compares each table's row count and checksum with the
 * source before committing — any difference, or any failure, leaves the target as empty as it was.
 */
export async function moveToPostgres(
  from: string,
  to: string,
  progress: (line: string) => void = () => {},
): Promise<MoveReport> {
  if (isPostgresUrl(from) || !isPostgresUrl(to))
    throw new Error("move-to-postgres copies a file: database into a postgresql: one");
  const pending = (await migrationStatus(from)).pending;
  if (pending.length > 0) throw new SourceNotMigratedError(pending);
  await migrate(to);
  const source = await openDb(from, { readonly: true });
  // The inbound events are in the inbox's own file, brought up to date first (events an earlier version kept in the
  // main file are moved there).
  const sourceInbox = await openInboxDb(from, source);
  const sourceOf = (table: Table) => (table.name === "InboundEvent" ? sourceInbox : source);
  const target = await openDb(to);
  try {
    const postgres = postgresOf(target) as PostgresDb;
    const filled = [];
    for (const table of TABLES) {
      const count = await delegate(target, table).count();
      if (count > 0) filled.push({ name: table.name, rows: count });
    }
    if (filled.length > 0) throw new TargetNotEmptyError(filled);
    const report: MoveReport = { tables: [] };
    const links: { table: Table; column: string; ids: unknown[]; values: unknown[] }[] = [];
    await postgres.$transaction(
      async (ptx) => {
        const tx = ptx as unknown as Tx;
        // Rows are copied as they are: the triggers that keep columns up to date on a change (the sweeps' index on
        // Issue, the org revision) would rewrite them. Only this transaction sees them off.
        for (const table of TABLES) await ptx.$executeRawUnsafe(`ALTER TABLE "${table.name}" DISABLE TRIGGER USER`);
        for (const table of TABLES) {
          let copied = 0;
          for await (const batch of rows(sourceOf(table), table)) {
            const data = batch.map((row) => ({
              ...row,
              ...Object.fromEntries((table.later ?? []).map((c) => [c, null])),
            }));
            copied += (await delegate(tx, table).createMany({ data })).count;
            for (const column of table.later ?? []) {
              const set = batch.filter((row) => row[column] !== null);
              if (set.length === 0) continue;
              links.push({ table, column, ids: set.map((r) => r[table.key]), values: set.map((r) => r[column]) });
            }
          }
          progress(DATABASE_TEXTS.tableCopied(table.name, copied));
        }
        for (const link of links) {
          await ptx.$executeRawUnsafe(
            `UPDATE "${link.table.name}" AS t SET "${link.column}" = v.value
               FROM unnest($1::int[], $2::int[]) AS v(id, value) WHERE t."${link.table.key}" = v.id`,
            link.ids,
            link.values,
          );
        }
        for (const table of TABLES) await ptx.$executeRawUnsafe(`ALTER TABLE "${table.name}" ENABLE TRIGGER USER`);
        for (const table of TABLES.filter((t) => t.key === "id")) {
          await ptx.$executeRawUnsafe(
            `SELECT setval(pg_get_serial_sequence('"${table.name}"', 'id'), COALESCE(MAX("id"), 1), MAX("id") IS NOT NULL)
               FROM "${table.name}"`,
          );
        }
        for (const table of TABLES) {
          const [expected, actual] = [await fingerprint(sourceOf(table), table), await fingerprint(tx, table)];
          if (expected.rows !== actual.rows || expected.checksum !== actual.checksum) {
            throw new MoveVerificationError(table.name);
          }
          report.tables.push({ name: table.name, ...actual });
        }
      },
      { maxWait: 60_000, timeout: 24 * 3_600_000 },
    );
    return report;
  } finally {
    await closeInboxDb(sourceInbox, source);
    await source.$disconnect();
    await target.$disconnect();
  }
}
