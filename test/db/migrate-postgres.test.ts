import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.ts";
import { MigrationChecksumError, MigrationFailedError, withPostgresClient } from "../../src/db/migrate-postgres.ts";
import { testPostgres } from "../support/postgres.ts";

describe.skipIf(!testPostgres())("the PostgreSQL migration runner", () => {
  let dir: string;
  let url: string;
  const name = `riqing_migrate_${process.pid}_${Date.now()}`;
  const admin = (sql: string) => withPostgresClient(testPostgres() as string, (client) => client.query(sql));
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "riqing-pg-migrations-"));
    await admin(`CREATE DATABASE "${name}"`);
    const u = new URL(testPostgres() as string);
    u.pathname = `/${name}`;
    url = u.toString();
  });
  afterEach(async () => {
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    rmSync(dir, { recursive: true, force: true });
  });

  function write(migration: string, sql: string): void {
    mkdirSync(join(dir, migration), { recursive: true });
    writeFileSync(join(dir, migration, "migration.sql"), sql);
  }

  async function tables(): Promise<string[]> {
    const { rows } = await withPostgresClient(url, (client) =>
      client.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"),
    );
    return rows.map((r) => r.t);
  }

  it("applies each migration once, even when three instances start together", async () => {
    write("1_a", `CREATE TABLE "A" ("id" INT PRIMARY KEY);`);
    write("2_b", `CREATE TABLE "B" ("id" INT PRIMARY KEY);`);
    const runs = await Promise.all([migrate(url, dir), migrate(url, dir), migrate(url, dir)]);
    expect(runs.flat().sort()).toEqual(["1_a", "2_b"]);
    expect(await migrate(url, dir)).toEqual([]);
    expect(await tables()).toEqual(["A", "B", "_migrations"]);
  });

  it("rolls a failing migration back whole, keeping the ones before it", async () => {
    write("1_a", `CREATE TABLE "A" ("id" INT PRIMARY KEY);`);
    write("2_bad", `CREATE TABLE "B" ("id" INT PRIMARY KEY); INSERT INTO "Nope" VALUES (1);`);
    const error = await migrate(url, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect((error as Error).message).toContain("2_bad 失败，已整体回滚");
    expect(await tables()).toEqual(["A", "_migrations"]);
  });

  it("refuses to go on when an applied migration's script was changed", async () => {
    write("1_a", `CREATE TABLE "A" ("id" INT PRIMARY KEY);`);
    await migrate(url, dir);
    write("1_a", `CREATE TABLE "A" ("id" BIGINT PRIMARY KEY);`);
    write("2_b", `CREATE TABLE "B" ("id" INT PRIMARY KEY);`);
    await expect(migrate(url, dir)).rejects.toBeInstanceOf(MigrationChecksumError);
    expect(await tables()).toEqual(["A", "_migrations"]);
  });
});
