// behaviour §9.2
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { exportLedger, PHOTO_FOLDER } from "../../src/reports/export-ledger.ts";
import { PRINT_MAX_ISSUES } from "../../src/reports/ledger-workbook.ts";
import { LEDGER_SHEET_NAMES } from "../../src/texts/ledger.ts";
import { type IssueSeed, insertIssuesFast, seededDb, sh } from "./stats-fixture.ts";

const asOf = sh("2026-11-20 18:00");
/** More issues than 打印版 lists, each with a before-photo. */
const seeds: IssueSeed[] = Array.from({ length: PRINT_MAX_ISSUES + 20 }, (_, i) => ({
  number: 1 + i,
  grid: "G11",
  category: "DUI",
  status: "reported",
  reportedAt: new Date(sh("2026-11-10 09:00").getTime() + i * 60_000),
}));

const period = { from: sh("2026-11-01 00:00"), to: sh("2026-11-21 00:00") };

/** Stores a before-photo of every issue of the database under `f.dir`, and returns the issues. */
async function storePhotos(f: { db: Db; dir: string }) {
  const issues = await f.db.issue.findMany({ select: { id: true, number: true } });
  mkdirSync(join(f.dir, "photos"), { recursive: true });
  for (const i of issues) writeFileSync(join(f.dir, "photos", `${i.id}.jpg`), `photo ${i.number}`);
  await f.db.photo.createMany({
    data: issues.map((i) => ({
      issueId: i.id,
      stage: "before",
      sha256: `s${i.id}`,
      path: `photos/${i.id}.jpg`,
      size: 1,
      mime: "image/jpeg",
    })),
  });
  return issues;
}

describe("a ledger longer than 打印版", () => {
  const f = seededDb(seeds, insertIssuesFast);

  it("copies the photos of every issue, also those 打印版 leaves out, and links each", async () => {
    await storePhotos(f);
    const out = join(f.dir, "export", "ledger.xlsx");
    mkdirSync(join(f.dir, "export"));
    const result = await exportLedger(f.db, { unitCode: "S", ...period, out, now: asOf, dataDir: f.dir, pageSize: 10 });
    expect(result.photos).toEqual({ copied: seeds.length, missing: 0 });
    expect(readdirSync(join(f.dir, "export", PHOTO_FOLDER)).length).toBe(seeds.length);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    const last = book.getWorksheet(LEDGER_SHEET_NAMES.issues)?.getRow(seeds.length + 1);
    expect(last?.getCell(1).value).toBe(seeds.length);
    expect(last?.getCell(21).value).toMatchObject({ hyperlink: `${PHOTO_FOLDER}/${seeds.length}-整改前.jpg` });
  });
});

describe("the photos beside a ledger", () => {
  const f = seededDb(seeds.slice(0, 3), insertIssuesFast);

  it("are the stored files themselves, linked, not copies; an export into the same folder again replaces them", async () => {
    const issues = await storePhotos(f);
    const out = join(f.dir, "export", "ledger.xlsx");
    mkdirSync(join(f.dir, "export"));
    const exported = (number: number) => join(f.dir, "export", PHOTO_FOLDER, `${number}-整改前.jpg`);
    // A former export's file, not the photo, is in the way of the first one.
    mkdirSync(join(f.dir, "export", PHOTO_FOLDER));
    writeFileSync(exported(1), "an older export");
    for (let round = 0; round < 2; round++) {
      const result = await exportLedger(f.db, { unitCode: "S", ...period, out, now: asOf, dataDir: f.dir });
      expect(result.photos).toEqual({ copied: issues.length, missing: 0 });
      for (const i of issues) {
        const stored = statSync(join(f.dir, "photos", `${i.id}.jpg`));
        expect(statSync(exported(i.number)).ino).toBe(stored.ino);
        expect(readFileSync(exported(i.number), "utf8")).toBe(`photo ${i.number}`);
      }
    }
  });
});
