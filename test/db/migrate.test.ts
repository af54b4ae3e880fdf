import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client.ts";
import { MigrationCheckError, migrate } from "../../src/db/migrate.ts";
import { listMigrations } from "../../src/db/migration-files.ts";
import { openSqlite } from "../../src/db/sqlite-file.ts";
import { Prisma } from "../../src/generated/prisma/client.ts";

describe("migrate", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function tempUrl(): string {
    const dir = mkdtempSync(join(tmpdir(), "riqing-migrate-"));
    dirs.push(dir);
    return `file:${join(dir, "nested", "riqing.db")}`;
  }

  it("creates a new database, applies every migration once, and is a no-op the second time", async () => {
    const url = tempUrl();
    expect(await migrate(url)).toEqual(listMigrations());
    expect(await migrate(url)).toEqual([]);
    const db = await openDb(url);
    try {
      const mode = await db.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
      expect(mode[0]?.journal_mode).toBe("wal");
      const fk = await db.$queryRawUnsafe<{ foreign_keys: bigint | number }[]>("PRAGMA foreign_keys");
      expect(Number(fk[0]?.foreign_keys)).toBe(1);
      const busy = await db.$queryRawUnsafe<{ timeout: bigint | number }[]>("PRAGMA busy_timeout");
      expect(Number(busy[0]?.timeout)).toBeGreaterThan(0);
      expect(await db.issue.count()).toBe(0);
    } finally {
      await db.$disconnect();
    }
  });

  it("gives every model every column the schema declares (two migrations rebuilding one table can drop the other's)", async () => {
    const url = tempUrl();
    await migrate(url);
    const db = await openDb(url);
    try {
      const missing: string[] = [];
      for (const model of Object.values(Prisma.ModelName)) {
        const fields = (Prisma as unknown as Record<string, Record<string, string>>)[`${model}ScalarFieldEnum`] ?? {};
        const columns = await db.$queryRawUnsafe<{ name: string }[]>(`PRAGMA table_info("${model}")`);
        const present = new Set(columns.map((c) => c.name));
        for (const field of Object.values(fields)) if (!present.has(field)) missing.push(`${model}.${field}`);
      }
      expect(missing).toEqual([]);
    } finally {
      await db.$disconnect();
    }
  });

  it("enforces foreign keys", async () => {
    const url = tempUrl();
    await migrate(url);
    const db = await openDb(url);
    try {
      await expect(
        db.point.create({ data: { code: "P1", name: "幸福路", gridId: 999, aliases: [] } }),
      ).rejects.toThrow();
    } finally {
      await db.$disconnect();
    }
  });

  it("leaves every org table with the triggers that move the org revision (a table rebuild in a later migration drops them)", async () => {
    const url = tempUrl();
    await migrate(url);
    const db = await openDb(url);
    try {
      const rows = await db.$queryRawUnsafe<{ tbl_name: string; sql: string }[]>(
        "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%OrgRevision%'",
      );
      const on = (table: string) =>
        rows
          .filter((r) => r.tbl_name === table)
          .map((r) => /AFTER (\w+) ON/.exec(r.sql)?.[1])
          .sort();
      for (const table of ["Unit", "Point", "Duty", "Category", "ChatBinding"]) {
        expect(on(table), table).toEqual(["DELETE", "INSERT", "UPDATE"]);
      }
      expect(on("Person")).toEqual(["UPDATE"]);
    } finally {
      await db.$disconnect();
    }
  });

  /** A migrations folder of its own, with the given scripts in order. */
  function migrations(scripts: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), "riqing-migrations-"));
    dirs.push(dir);
    for (const [name, sql] of Object.entries(scripts)) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, "migration.sql"), sql);
    }
    return dir;
  }

  const INIT = `CREATE TABLE "Person" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL);
CREATE TABLE "Duty" ("id" INTEGER NOT NULL PRIMARY KEY, "personId" INTEGER NOT NULL,
  CONSTRAINT "Duty_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE);`;

  /** What `prisma migrate dev` writes to add a column SQLite cannot add in place: rebuild the table. */
  const REBUILD_PERSON = `PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Person" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL, "phone" TEXT NOT NULL DEFAULT '');
INSERT INTO "new_Person" ("id", "name") SELECT "id", "name" FROM "Person";
DROP TABLE "Person";
ALTER TABLE "new_Person" RENAME TO "Person";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;`;

  function rows(url: string, sql: string): unknown[] {
    const sqlite = openSqlite(url.replace(/^file:/, ""));
    try {
      return sqlite.prepare(sql).all();
    } finally {
      sqlite.close();
    }
  }

  it("rebuilds a referenced table without cascading into the rows that reference it", async () => {
    const url = tempUrl();
    const dir = migrations({ "1_init": INIT });
    expect(await migrate(url, dir)).toEqual(["1_init"]);
    const sqlite = openSqlite(url.replace(/^file:/, ""));
    sqlite.exec(
      `INSERT INTO "Person" VALUES (1, '何小燕'), (2, '王建国'); INSERT INTO "Duty" VALUES (10, 1), (11, 2);`,
    );
    sqlite.close();

    mkdirSync(join(dir, "2_person_phone"));
    writeFileSync(join(dir, "2_person_phone", "migration.sql"), REBUILD_PERSON);
    expect(await migrate(url, dir)).toEqual(["2_person_phone"]);
    expect(rows(url, `SELECT id, personId FROM "Duty" ORDER BY id`)).toEqual([
      { id: 10, personId: 1 },
      { id: 11, personId: 2 },
    ]);
    expect(rows(url, `SELECT name, phone FROM "Person" ORDER BY id`)).toEqual([
      { name: "何小燕", phone: "" },
      { name: "王建国", phone: "" },
    ]);
  });

  it("rolls back a migration that leaves rows pointing at nothing, keeping the ones before it", async () => {
    const url = tempUrl();
    const dir = migrations({
      "1_init": INIT,
      "2_orphan": `INSERT INTO "Duty" VALUES (10, 99);`,
      "3_later": `CREATE TABLE "Later" ("id" INTEGER NOT NULL PRIMARY KEY);`,
    });
    let thrown: unknown;
    try {
      await migrate(url, dir);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MigrationCheckError);
    expect((thrown as Error).message).toMatch(/2_orphan 已回滚.*1 行.*Duty → Person/);
    expect(rows(url, `SELECT migration_name FROM "_prisma_migrations"`)).toEqual([{ migration_name: "1_init" }]);
    expect(rows(url, `SELECT * FROM "Duty"`)).toEqual([]);
    expect(rows(url, `SELECT name FROM sqlite_master WHERE name = 'Later'`)).toEqual([]);
  });
});
