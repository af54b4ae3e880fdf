import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client.ts";
import { closeInboxDb, openInboxDb } from "../../src/db/inbox-db.ts";
import { migrate } from "../../src/db/migrate.ts";
import { moveToPostgres, TargetNotEmptyError } from "../../src/db/move-to-postgres.ts";
import { Prisma } from "../../src/generated/prisma/client.ts";
import { importOrg } from "../../src/org/import-org.ts";
import { createPostgresDatabase, testPostgres } from "../support/postgres.ts";

describe.skipIf(!testPostgres())("riqing move-to-postgres", () => {
  let dir: string;
  let from: string;
  let target: { url: string; drop(): Promise<void> };
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "riqing-move-"));
    from = `file:${join(dir, "riqing.db")}`;
    await migrate(from);
    target = await createPostgresDatabase(testPostgres() as string);
  });
  afterEach(async () => {
    await target.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A SQLite deployment: the demo org, two issues, the later one the original of the earlier, history, a claim. */
  async function seed() {
    const db = await openDb(from);
    try {
      expect((await importOrg(db, join(import.meta.dirname, "../../examples/org.yaml"))).ok).toBe(true);
      const reporter = await db.person.findFirstOrThrow();
      const grid = await db.unit.findFirstOrThrow({ where: { level: "grid" } });
      const at = new Date("2026-11-23T01:02:03.456Z");
      const issue = (number: number) =>
        db.issue.create({
          data: {
            number,
            text: "纸箱堆物",
            reporterId: reporter.id,
            gridId: grid.id,
            status: "reported",
            reportedAt: at,
          },
        });
      const first = await issue(1001);
      const second = await issue(1002);
      await db.issue.update({ where: { id: first.id }, data: { status: "duplicate", duplicateOfId: second.id } });
      await db.issueEvent.create({
        data: { issueId: first.id, type: "merged", at, data: { originalId: second.id, note: { b: 1, a: [2, "三"] } } },
      });
      await db.jobRun.create({ data: { key: "digest:oc_x:2026-11-23", kind: "digest.daily", data: { unitId: 1 } } });
      // Inbound events: one stored by an earlier version in the main file, one in the inbox's own file.
      const inbound = (eventId: string) => ({ eventId, eventType: "im.message.receive_v1", payload: "{}" });
      await db.inboundEvent.create({ data: inbound("ev_earlier") });
      const inboxDb = await openInboxDb(from, db);
      await inboxDb.inboundEvent.create({ data: inbound("ev_inbox") });
      await closeInboxDb(inboxDb, db);
      await db.inboundEvent.create({ data: { ...inbound("ev_left"), status: "failed" } });
      return { first: first.id, second: second.id };
    } finally {
      await db.$disconnect();
    }
  }

  it("copies every row with its id, verified per table, and the copy goes on numbering after the copied ids", async () => {
    const ids = await seed();
    const report = await moveToPostgres(from, target.url);
    const source = await openDb(from);
    const copy = await openDb(target.url);
    try {
      expect(report.tables.find((t) => t.name === "Unit")?.rows).toBe(await source.unit.count());
      expect(report.tables.find((t) => t.name === "Issue")?.rows).toBe(2);
      expect((await copy.inboundEvent.findMany({ orderBy: { id: "asc" } })).map((e) => [e.eventId, e.status])).toEqual([
        ["ev_earlier", "pending"],
        ["ev_inbox", "pending"],
        ["ev_left", "failed"],
      ]);
      for (const t of report.tables) expect(t.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(await copy.issue.findUniqueOrThrow({ where: { id: ids.first } })).toMatchObject({
        duplicateOfId: ids.second,
        reportedAt: new Date("2026-11-23T01:02:03.456Z"),
      });
      expect(await copy.unit.findMany({ orderBy: { id: "asc" } })).toEqual(
        await source.unit.findMany({ orderBy: { id: "asc" } }),
      );
      expect((await copy.issueEvent.findFirstOrThrow()).data).toEqual({
        originalId: ids.second,
        note: { a: [2, "三"], b: 1 },
      });
      const next = await copy.person.create({ data: { openId: "ou_new", name: "新人" } });
      expect(next.id).toBeGreaterThan(await source.person.count());
      // The org revision triggers work on the copy.
      const token = (await copy.orgRevision.findUniqueOrThrow({ where: { id: 1 } })).token;
      await copy.unit.update({ where: { id: 1 }, data: { name: "改名" } });
      expect((await copy.orgRevision.findUniqueOrThrow({ where: { id: 1 } })).token).not.toBe(token);
    } finally {
      await source.$disconnect();
      await copy.$disconnect();
    }
  });

  it("copies every table but the org revision, which the target's migrations make, with every column as it was", async () => {
    const ids = await seed();
    const source = await openDb(from);
    let limits: number;
    try {
      const street = await source.unit.findFirstOrThrow({ where: { level: "street" } });
      const category = await source.category.findFirstOrThrow();
      await source.streetCategoryLimit.create({
        data: { streetId: street.id, categoryId: category.id, limitAmount: 2, limitUnit: "work_hours" },
      });
      await source.briefing.create({
        data: {
          unitId: street.id,
          cadence: "week",
          periodFrom: new Date("2026-11-22T16:00:00Z"),
          periodTo: new Date("2026-11-29T16:00:00Z"),
          number: 1,
        },
      });
      // The sweeps' index as a sweep left it: the copy must not put the issue back before the sweeps.
      await source.issue.update({
        where: { id: ids.second },
        data: { nextReminderAt: new Date("2026-11-24T01:00:00Z") },
      });
      limits = await source.streetCategoryLimit.count();
    } finally {
      await source.$disconnect();
    }
    const report = await moveToPostgres(from, target.url);
    expect(report.tables.map((t) => t.name).sort()).toEqual(
      Object.values(Prisma.ModelName)
        .filter((name) => name !== "OrgRevision")
        .sort(),
    );
    const copy = await openDb(target.url);
    try {
      expect(await copy.streetCategoryLimit.count()).toBe(limits);
      expect(await copy.briefing.count()).toBe(1);
      expect((await copy.issue.findUniqueOrThrow({ where: { id: ids.second } })).nextReminderAt).toEqual(
        new Date("2026-11-24T01:00:00Z"),
      );
    } finally {
      await copy.$disconnect();
    }
  });

  it("refuses a target that holds data, and writes nothing", async () => {
    await seed();
    const copy = await openDb(target.url);
    try {
      await copy.person.create({ data: { openId: "ou_there", name: "已有" } });
      const refused = await moveToPostgres(from, target.url).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(TargetNotEmptyError);
      expect((refused as Error).message).toContain("Person 有 1 行");
      expect(await copy.unit.count()).toBe(0);
    } finally {
      await copy.$disconnect();
    }
  });
});
