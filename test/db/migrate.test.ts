import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client.ts";
import { listMigrations, migrate } from "../../src/db/migrate.ts";

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
    expect(migrate(url)).toEqual(listMigrations());
    expect(migrate(url)).toEqual([]);
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

  it("enforces foreign keys", async () => {
    const url = tempUrl();
    migrate(url);
    const db = await openDb(url);
    try {
      await expect(
        db.point.create({ data: { code: "P1", name: "幸福路", gridId: 999, aliases: [] } }),
      ).rejects.toThrow();
    } finally {
      await db.$disconnect();
    }
  });
});
