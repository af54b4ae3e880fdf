import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BackgroundTasks } from "../../src/commands/background.ts";
import type { FeatureDeps } from "../../src/commands/deps.ts";
import { DEFAULT_OFFICE_HOURS } from "../../src/config/office-hours.ts";
import { type LedgerRequest, requestLedger, resumeLedgerExports } from "../../src/features/ledger-command.ts";
import { silentLogger } from "../../src/log.ts";
import { LedgerTooLargeError, zipLedgerFolder } from "../../src/reports/zip-ledger.ts";
import { TEXTS } from "../../src/texts/messages.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { readZip } from "../support/zip.ts";
import { insertIssues, type Org, seedOrg, sh } from "./stats-fixture.ts";

const TZ = "Asia/Shanghai";
const now = sh("2026-11-20 18:00");
const today = { from: sh("2026-11-20 00:00"), to: sh("2026-11-21 00:00") };

/** Uploads recorded by the fake Lark, each held until `release` is called when `hold` is set. */
interface Uploads {
  files: { name: string; data: Buffer }[];
  hold: boolean;
  fail: boolean;
  release(): void;
}

describe("ledger delivery", () => {
  let testDb: TestDb;
  let org: Org;
  let uploads: Uploads;
  let deps: FeatureDeps;
  let n = 0;

  beforeAll(async () => {
    testDb = await createTestDb();
    org = await seedOrg(testDb.db);
    const ids = await insertIssues(testDb.db, org, [
      { number: 1, grid: "G11", category: "DUI", status: "accepted", reportedAt: sh("2026-11-20 09:00") },
      { number: 2, grid: "G12", category: "DUI", status: "reported", reportedAt: sh("2026-11-20 10:00") },
    ]);
    mkdirSync(join(testDb.dir, "photos"), { recursive: true });
    writeFileSync(join(testDb.dir, "photos", "one.jpg"), "photo of #1");
    await testDb.db.photo.create({
      data: {
        issueId: ids.get(1) as number,
        stage: "before",
        sha256: "one",
        path: "photos/one.jpg",
        size: 11,
        mime: "image/jpeg",
      },
    });
  });
  afterAll(async () => {
    await testDb.close();
  });

  beforeEach(() => {
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    uploads = { files: [], hold: false, fail: false, release };
    deps = {
      db: testDb.db,
      databaseUrl: testDb.url,
      log: silentLogger,
      now: () => now,
      timeZone: TZ,
      officeHours: DEFAULT_OFFICE_HOURS,
      admins: [],
      policy: {},
      dataDir: testDb.dir,
      botOpenId: "ou_bot",
      background: new BackgroundTasks(),
      fetchPhotos: async () => [],
      publishPhotos: async () => [],
      userName: async () => "",
      async uploadFile(path, fileName) {
        if (uploads.hold) await released;
        if (uploads.fail) throw new Error("upload refused");
        uploads.files.push({ name: fileName, data: readFileSync(path) });
        return `file_${uploads.files.length}`;
      },
    };
  });
  afterEach(async () => {
    uploads.release();
    await deps.background.idle();
  });

  const request = (unit: string): LedgerRequest => {
    n += 1;
    return {
      key: `ledger:om_${n}`,
      unitId: org.units[unit] as number,
      period: today,
      chatId: "oc_work",
      replyTo: `om_${n}`,
      inThread: true,
    };
  };
  const outbox = (key: string) =>
    testDb.db.outboxMessage.findMany({ where: { key: { startsWith: `${key}:` } }, orderBy: { id: "asc" } });

  it("answers at once and sends the ledger when the export is done, its photos in a .zip", async () => {
    uploads.hold = true;
    const r = request("C1");
    // Resolves while the upload is still held: the chat is not kept waiting for the export.
    expect(await requestLedger(deps, r, TEXTS.ledgerPreparing("东苑社区", "2026-11-20"))).toBe(true);
    expect((await outbox(r.key)).map((m) => [m.key, m.msgType])).toEqual([[`${r.key}:ack`, "text"]]);
    uploads.release();
    await deps.background.idle();
    const sent = await outbox(r.key);
    expect(sent.map((m) => [m.key, m.msgType, m.target, m.replyInThread])).toEqual([
      [`${r.key}:ack`, "text", r.replyTo, true],
      [`${r.key}:file:1`, "file", r.replyTo, true],
    ]);
    expect(JSON.parse(sent[1]?.content ?? "{}")).toEqual({ file_key: "file_1" });
    expect(uploads.files.map((f) => f.name)).toEqual(["东苑社区台账_2026-11-20.zip"]);
    const files = await readZip(uploads.files[0]?.data as Buffer);
    expect([...files.keys()]).toEqual(["东苑社区台账_2026-11-20.xlsx", "照片/1-整改前.jpg"]);
    expect(files.get("照片/1-整改前.jpg")?.toString()).toBe("photo of #1");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(files.get("东苑社区台账_2026-11-20.xlsx") as unknown as ArrayBuffer);
    const link = book.getWorksheet("问题台账")?.getCell("U2").value as ExcelJS.CellHyperlinkValue;
    expect(files.has(link.hyperlink)).toBe(true);
    expect(existsSync(join(testDb.dir, "exports", r.key.replace(/:/g, "_")))).toBe(false);
  });

  it("sends a ledger without photos as the workbook itself", async () => {
    const r = request("G12");
    await requestLedger(deps, r);
    await deps.background.idle();
    expect(uploads.files.map((f) => f.name)).toEqual(["东苑二网格台账_2026-11-20.xlsx"]);
    expect((await outbox(r.key)).map((m) => m.key)).toEqual([`${r.key}:file:1`]);
  });

  it("claims a request once: a redelivered command exports nothing more", async () => {
    const r = request("G12");
    expect(await requestLedger(deps, r, "ack")).toBe(true);
    expect(await requestLedger(deps, r, "ack")).toBe(false);
    await deps.background.idle();
    expect(uploads.files).toHaveLength(1);
  });

  it("says so in Chinese when the export fails, and leaves nothing behind", async () => {
    uploads.fail = true;
    const r = request("C1");
    await requestLedger(deps, r);
    await deps.background.idle();
    const sent = await outbox(r.key);
    expect(sent.map((m) => m.key)).toEqual([`${r.key}:failed`]);
    expect(JSON.parse(sent[0]?.content ?? "{}")).toEqual({ text: TEXTS.ledgerFailed });
    expect(await testDb.db.jobRun.count({ where: { key: `${r.key}:done` } })).toBe(1);
    expect(existsSync(join(testDb.dir, "exports", r.key.replace(/:/g, "_")))).toBe(false);
  });

  it("resumes after a restart the requests a stopped process left unfinished, and only those", async () => {
    const unfinished = request("G12");
    const finished = request("G12");
    for (const r of [unfinished, finished]) {
      const data = { unitId: r.unitId, from: r.period.from.toISOString(), to: r.period.to.toISOString() };
      await testDb.db.jobRun.create({
        data: {
          key: r.key,
          kind: "ledger.export",
          data: { ...data, chatId: r.chatId, replyTo: r.replyTo, inThread: true },
        },
      });
    }
    await testDb.db.jobRun.create({ data: { key: `${finished.key}:done`, kind: "ledger.done", data: {} } });
    await resumeLedgerExports(deps);
    await deps.background.idle();
    expect((await outbox(unfinished.key)).map((m) => m.key)).toEqual([`${unfinished.key}:file:1`]);
    expect(await outbox(finished.key)).toEqual([]);
  });
});

describe("zipLedgerFolder", () => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await createTestDb();
    mkdirSync(join(testDb.dir, "out", "照片"), { recursive: true });
    writeFileSync(join(testDb.dir, "out", "台账.xlsx"), Buffer.alloc(3_000, 1));
    for (let i = 1; i <= 5; i++)
      writeFileSync(join(testDb.dir, "out", "照片", `${i}-整改前.jpg`), Buffer.alloc(2_000, i));
  });
  afterAll(async () => {
    await testDb.close();
  });
  const options = (maxBytes: number, maxVolumes = 10) => ({
    folder: join(testDb.dir, "out"),
    workbook: "台账.xlsx",
    photoFolder: "照片",
    outBase: join(testDb.dir, "台账"),
    maxBytes,
    maxVolumes,
  });

  it("packs the folder into one .zip when it fits", async () => {
    const [only, ...more] = await zipLedgerFolder(options(1_000_000));
    expect(more).toEqual([]);
    expect(only).toBe(join(testDb.dir, "台账.zip"));
    const files = await readZip(readFileSync(only as string));
    expect([...files.keys()]).toEqual(["台账.xlsx", ...[1, 2, 3, 4, 5].map((i) => `照片/${i}-整改前.jpg`)]);
  });

  it("splits a larger folder into numbered volumes, each within the size, the workbook in the first", async () => {
    const volumes = await zipLedgerFolder(options(6_000));
    expect(volumes.map((v) => v.slice(testDb.dir.length + 1))).toEqual([
      "台账（1／3）.zip",
      "台账（2／3）.zip",
      "台账（3／3）.zip",
    ]);
    const names: string[] = [];
    for (const volume of volumes) {
      const data = readFileSync(volume);
      expect(data.length).toBeLessThanOrEqual(6_000);
      names.push(...(await readZip(data)).keys());
    }
    expect(names).toEqual(["台账.xlsx", ...[1, 2, 3, 4, 5].map((i) => `照片/${i}-整改前.jpg`)]);
  });

  it("refuses a folder that needs more volumes than allowed, or a file larger than a volume", async () => {
    await expect(zipLedgerFolder(options(6_000, 2))).rejects.toBeInstanceOf(LedgerTooLargeError);
    await expect(zipLedgerFolder(options(2_500))).rejects.toBeInstanceOf(LedgerTooLargeError);
  });
});
