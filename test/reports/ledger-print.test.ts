import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { exportLedger } from "../../src/reports/export-ledger.ts";
import { PRINT_THUMBNAIL_ISSUES } from "../../src/reports/ledger-workbook.ts";
import { samplePhoto } from "../../src/sandbox/sample-photos.ts";
import { LEDGER_SHEET_NAMES } from "../../src/texts/ledger.ts";
import { haveOfficeTools, OFFICE } from "../support/office.ts";
import { HOUR, type IssueSeed, seededDb, sh } from "./stats-fixture.ts";

const HAVE_TOOLS = haveOfficeTools("calc", "the ledger PDF rendering test");

/** RIQING_SCREENSHOTS=docs refreshes the rendered page README shows; otherwise it goes to test-results/. */
const SHOT_DIR = join(
  import.meta.dirname,
  "../..",
  process.env.RIQING_SCREENSHOTS === "docs" ? "docs" : "test-results",
);

const TZ = "Asia/Shanghai";
const DESCRIPTIONS = [
  "幸福路菜市场门口堆物堆料，纸箱和泡沫箱堆了一地，占用人行道",
  "3号楼楼下有人从窗口拉电线给电动车充电",
  "商业街有流动摊贩占道经营，早上七点到九点最严重",
  "小游园旁电线杆上贴满小广告",
];
const SAMPLES = ["market-boxes", "flying-wire", "street-stall", "flyers"];

/** 24 issues of 东苑社区 on 20 November, each with a before-photo; every other one fixed and closed with an after-photo. */
const SEEDS: IssueSeed[] = Array.from({ length: 24 }, (_, i) => {
  const reportedAt = new Date(sh("2026-11-20 07:00").getTime() + i * 20 * 60_000);
  const fixed = i % 2 === 0;
  return {
    number: 1001 + i,
    grid: i % 3 === 0 ? "G12" : "G11",
    category: ["DUI", "TING", "XCL", "WMSJ"][i % 4] ?? "DUI",
    status: fixed ? "closed" : "accepted",
    reportedAt,
    deadline: new Date(reportedAt.getTime() + 24 * HOUR),
    rectifiedAt: fixed ? new Date(reportedAt.getTime() + 3 * HOUR) : null,
    closedAt: fixed ? new Date(reportedAt.getTime() + 4 * HOUR) : null,
    text: DESCRIPTIONS[i % 4],
  };
});

function pdfPages(pdf: string): { width: number; height: number; text: string }[] {
  const info = execFileSync("pdfinfo", ["-f", "1", "-l", "999", pdf], { encoding: "utf8" });
  const sizes = [...info.matchAll(/Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)/g)];
  return sizes.map((m, i) => ({
    width: Number(m[1]),
    height: Number(m[2]),
    text: execFileSync("pdftotext", ["-f", String(i + 1), "-l", String(i + 1), "-layout", pdf, "-"], {
      encoding: "utf8",
    }),
  }));
}

describe("the ledger on paper", () => {
  const f = seededDb(SEEDS);
  let file: string;

  beforeAll(async () => {
    // The sandbox's sample photos stand in for the grid workers' (PNG, 4:3).
    mkdirSync(join(f.dir, "photos"), { recursive: true });
    const issues = await f.db.issue.findMany({ orderBy: { number: "asc" } });
    for (const [i, issue] of issues.entries()) {
      const stages = issue.status === "closed" ? ["before", "after"] : ["before"];
      for (const stage of stages) {
        const sample = stage === "after" ? "market-cleared" : (SAMPLES[i % 4] as string);
        const path = join("photos", `${issue.number}-${stage}.png`);
        writeFileSync(join(f.dir, path), (await samplePhoto(sample)) as Buffer);
        await f.db.photo.create({
          data: { issueId: issue.id, stage, sha256: `${issue.number}${stage}`, path, size: 1, mime: "image/png" },
        });
      }
    }
    mkdirSync(join(f.dir, "out"), { recursive: true });
    file = join(f.dir, "out", "东苑社区台账_2026-11-20.xlsx");
    await exportLedger(f.db, {
      unitCode: "C1",
      from: sh("2026-11-20 00:00"),
      to: sh("2026-11-21 00:00"),
      timeZone: TZ,
      out: file,
      now: sh("2026-11-20 18:00"),
      dataDir: f.dir,
    });
  });

  it("sets every sheet up for A4 landscape, one page wide, and gives 打印版 ten columns and thumbnails", async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    expect(book.worksheets.map((w) => w.name)).toEqual(Object.values(LEDGER_SHEET_NAMES));
    for (const sheet of book.worksheets) {
      expect(sheet.pageSetup, sheet.name).toMatchObject({
        orientation: "landscape",
        paperSize: 9,
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: sheet.name === LEDGER_SHEET_NAMES.cover ? 1 : 0,
      });
      if (sheet.name !== LEDGER_SHEET_NAMES.cover) expect(sheet.pageSetup.printTitlesRow, sheet.name).toBe("1:1");
    }
    const print = book.getWorksheet(LEDGER_SHEET_NAMES.print);
    expect(((print?.getRow(1).values ?? []) as ExcelJS.CellValue[]).slice(1)).toEqual([
      "编号",
      "发现时间",
      "位置",
      "问题类别",
      "问题描述",
      "责任人",
      "整改期限",
      "状态",
      "整改时间",
      "销项时间",
      "整改前",
      "整改后",
    ]);
    expect(print?.getCell("B2").value).toBe("2026-11-20\n07:00");
    expect(print?.getCell("C2").value).toBe("东苑社区\n东苑二网格\nG12号路口");
    expect(print?.getCell("E2").alignment?.wrapText).toBe(true);
    // A thumbnail for each before-photo and each after-photo, in the issue's row, in 整改前 or 整改后.
    const images = print?.getImages() ?? [];
    expect(SEEDS.length).toBeLessThanOrEqual(PRINT_THUMBNAIL_ISSUES);
    expect(images).toHaveLength(SEEDS.length + SEEDS.filter((s) => s.status === "closed").length);
    const placed = images.map((image) => [image.range.tl.nativeRow, image.range.tl.nativeCol]);
    expect(placed).toContainEqual([1, 10]);
    expect(placed).toContainEqual([1, 11]);
    expect(placed).toContainEqual([2, 10]);
    expect(placed).not.toContainEqual([2, 11]);
    const png = book.getImage(Number(images[0]?.imageId)) as unknown as { buffer: Buffer; extension: string };
    expect(png.extension).toBe("png");
    expect(png.buffer.length).toBeLessThan(100_000);
  });

  it.skipIf(!HAVE_TOOLS)(
    "prints on A4 landscape: the cover on one page, every page of 打印版 and 问题台账 one page wide with its header",
    () => {
      const pdfDir = join(f.dir, "pdf");
      // A profile of its own, so a LibreOffice already running elsewhere does not take the conversion over.
      const profile = `file://${join(f.dir, "lo-profile")}`;
      execFileSync(
        OFFICE,
        [`-env:UserInstallation=${profile}`, "--headless", "--convert-to", "pdf", "--outdir", pdfDir, file],
        { stdio: "ignore", timeout: 120_000 },
      );
      const pdf = join(pdfDir, readdirSync(pdfDir).find((n) => n.endsWith(".pdf")) ?? "");
      const pages = pdfPages(pdf);
      for (const page of pages) {
        expect(page.width).toBeCloseTo(841.89, 0);
        expect(page.height).toBeCloseTo(595.3, 0);
      }
      // The cover alone on the first page.
      expect(pages[0]?.text).toContain("东苑社区问题台账");
      expect(pages[0]?.text).toContain("工作表说明");
      expect(pages[1]?.text).not.toContain("工作表说明");
      // 打印版: several pages, each starting with the header row and wide enough for its last column.
      const print = pages.filter((p) => p.text.includes("问题台账（打印版）"));
      expect(print.length).toBeGreaterThanOrEqual(2);
      for (const page of print) {
        expect(page.text).toMatch(/编号\s+发现时间\s+位置/);
        expect(page.text).toMatch(/销项时间\s+整改前\s+整改后/);
      }
      // Numbered at the foot, one after the other.
      const numbers = print.map((p) => Number(/第 (\d+) 页，共 \d+ 页/.exec(p.text)?.[1]));
      expect(numbers).toEqual(numbers.map((_, i) => (numbers[0] ?? 0) + i));
      // 问题台账: every page one page wide, from 编号 to 其余照片.
      const issues = pages.slice(1 + print.length).filter((p) => p.text.includes("其余照片") || p.text.includes("#"));
      expect(issues.length).toBeGreaterThanOrEqual(1);
      for (const page of issues.filter((p) => p.text.includes("问题描述"))) expect(page.text).toContain("其余照片");

      const index = pages.indexOf(print[0] as (typeof pages)[number]) + 1;
      mkdirSync(SHOT_DIR, { recursive: true });
      execFileSync("pdftoppm", [
        "-f",
        String(index),
        "-l",
        String(index),
        "-r",
        "80",
        "-png",
        "-singlefile",
        pdf,
        join(f.dir, "page"),
      ]);
      copyFileSync(join(f.dir, "page.png"), join(SHOT_DIR, "ledger-print.png"));
    },
    180_000,
  );
});
