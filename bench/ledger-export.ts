/**
 * Ledger export benchmark: seeds a temporary SQLite database with a street's worth of issues (default 100,000,
 * with their history events and photos, each photo a small file of --photo-bytes in the data folder), exports the
 * street's ledger for the whole period into an export folder (the workbook and the photos copied beside it, linked
 * from their cells) on a thread of its own as the bot does, and reports the time taken, the peak resident memory
 * and the export thread's V8 heap, the longest the waiting thread's event loop was held up (what an acknowledgement
 * or another chat's answer would have waited; perf_hooks' monitorEventLoopDelay) and the sizes written. Also times
 * the statistics of every community at once (what the evening digests need).
 *
 *   node --import tsx bench/ledger-export.ts [--issues 100000] [--days 90] [--photo-bytes 2048] [--keep]
 *     [--max-old-space-size 128]
 *
 * Prints a summary and writes it as JSON to bench/results/ledger-export.json. --keep leaves the temporary folder
 * (database, photos and export) in place and prints its path. Photo files are kept small so the run fits on any
 * disk; copying real photos (about 180 KB each) adds the time to copy their bytes. --max-old-space-size caps the
 * V8 heap of the process that waits for the export thread (whose own heap the bot caps).
 */

import { fork } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Db, openDb } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import type { IssueStatus } from "../src/domain/types.ts";
import type { Prisma } from "../src/generated/prisma/client.ts";
import { PHOTO_FOLDER } from "../src/reports/export-ledger.ts";
import { exportLedgerOnThread } from "../src/reports/ledger-thread.ts";
import { periodFor, statsByUnit } from "../src/reports/stats.ts";
import { seeded } from "./lib/rng.ts";

const HOUR = 3_600_000;
const STREET_CODE = "JD";
const MINUTE = 60_000;
/** Issues per createMany: larger batches are no faster through Prisma and cost memory. */
const ISSUE_BATCH = 2_000;

const CATEGORIES: { name: string; kind: string; class: string; hours: number }[] = [
  { name: "堆物堆料", kind: "dynamic", class: "cleanup", hours: 24 },
  { name: "乱停车", kind: "dynamic", class: "enforcement", hours: 24 },
  { name: "乱扔垃圾", kind: "dynamic", class: "cleanup", hours: 24 },
  { name: "小广告", kind: "dynamic", class: "cleanup", hours: 24 },
  { name: "飞线充电", kind: "dynamic", class: "enforcement", hours: 24 },
  { name: "私设地锁", kind: "dynamic", class: "enforcement", hours: 48 },
  { name: "占道经营", kind: "dynamic", class: "enforcement", hours: 24 },
  { name: "宣传栏破损", kind: "static", class: "engineering", hours: 168 },
  { name: "公益广告破损", kind: "static", class: "engineering", hours: 72 },
  { name: "新时代文明实践站更新不到位", kind: "static", class: "management", hours: 72 },
  { name: "公勺公筷", kind: "static", class: "management", hours: 72 },
  { name: "消防设施", kind: "static", class: "engineering", hours: 72 },
];
const COMMUNITIES = ["东苑", "西苑", "南湖", "北辰", "光明", "和平", "幸福", "长安"];
const PLACES = ["路口", "菜市场", "小学门口", "公交站", "1号楼", "商业街", "停车场", "公园东门"];
const SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高";
const GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华";

interface Org {
  streetId: number;
  communityIds: number[];
  grids: { id: number; points: { id: number; name: string }[] }[];
  departments: number[];
  categories: { id: number; name: string; hours: number }[];
  people: number[];
}

async function seedOrg(db: Db, random: () => number): Promise<Org> {
  const street = await db.unit.create({ data: { code: STREET_CODE, name: "幸福街道", level: "street", aliases: [] } });
  const communityIds: number[] = [];
  const grids: Org["grids"] = [];
  for (const [c, name] of COMMUNITIES.entries()) {
    const community = await db.unit.create({
      data: { code: `JD-${c + 1}`, name: `${name}社区`, level: "community", parentId: street.id, aliases: [] },
    });
    communityIds.push(community.id);
    for (let g = 1; g <= 10; g++) {
      const grid = await db.unit.create({
        data: {
          code: `JD-${c + 1}-${String(g).padStart(2, "0")}`,
          name: `${name}第${g}网格`,
          level: "grid",
          parentId: community.id,
          aliases: [],
        },
      });
      const points: { id: number; name: string }[] = [];
      for (const [p, place] of PLACES.slice(0, 5).entries()) {
        const pointName = `${name}${g}区${place}`;
        const point = await db.point.create({
          data: { code: `${grid.code}-${p + 1}`, name: pointName, gridId: grid.id, aliases: [], key: p === 0 },
        });
        points.push({ id: point.id, name: pointName });
      }
      grids.push({ id: grid.id, points });
    }
  }
  const departments: number[] = [];
  for (const [i, name] of ["城管执法中队", "市场监管所", "物业办", "住建办"].entries()) {
    const dept = await db.unit.create({
      data: { code: `JD-D${i + 1}`, name, level: "department", parentId: street.id, aliases: [] },
    });
    departments.push(dept.id);
  }
  const categories: Org["categories"] = [];
  for (const [i, c] of CATEGORIES.entries()) {
    const row = await db.category.create({
      data: { code: `C${i + 1}`, name: c.name, kind: c.kind, class: c.class, keywords: [], limitAmount: c.hours },
    });
    categories.push({ id: row.id, name: c.name, hours: c.hours });
  }
  await db.person.createMany({
    data: Array.from({ length: 300 }, (_, i) => ({
      openId: `ou_bench_${i}`,
      name: `${SURNAMES[Math.floor(random() * SURNAMES.length)]}${GIVEN[Math.floor(random() * GIVEN.length)]}${GIVEN[i % GIVEN.length]}`,
    })),
  });
  const people = (await db.person.findMany({ select: { id: true } })).map((p) => p.id);
  return { streetId: street.id, communityIds, grids, departments, categories, people };
}

/** Status mix of a street a few months into the campaign: most issues closed, some in each open state. */
function pickStatus(random: () => number, ageHours: number): IssueStatus {
  const r = random();
  // Recent issues are more often still open.
  const openShare = ageHours < 72 ? 0.6 : 0.15;
  if (r < 0.03) return "rejected";
  if (r < 0.05) return "duplicate";
  if (r < 0.05 + openShare) {
    const s = random();
    return s < 0.15 ? "reported" : s < 0.4 ? "assigned" : s < 0.75 ? "accepted" : "rectified";
  }
  return "closed";
}

interface Counts {
  issues: number;
  events: number;
  photos: number;
}

/** A photo file's content: a JPEG start-of-image marker, then filler to the size asked for. */
function photoBytes(size: number): Buffer {
  const bytes = Buffer.alloc(Math.max(4, size), 0x20);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  return bytes;
}

async function seedIssues(
  db: Db,
  org: Org,
  options: { total: number; days: number; now: Date; dataDir: string; photoSize: number },
  random: () => number,
) {
  const { total, days, now, dataDir } = options;
  const photoContent = photoBytes(options.photoSize);
  const counts: Counts = { issues: 0, events: 0, photos: 0 };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const closedIds: number[] = [];
  const span = days * 24 * 60;
  for (let start = 0; start < total; start += ISSUE_BATCH) {
    const size = Math.min(ISSUE_BATCH, total - start);
    const batch = Array.from({ length: size }, (_, k) => {
      const number = 1001 + start + k;
      // Numbers follow report time, as they do when issues are filed.
      const reportedAt = new Date(
        now.getTime() - (span - Math.floor(((start + k) / total) * span)) * MINUTE + Math.floor(random() * 30) * 1000,
      );
      const ageHours = (now.getTime() - reportedAt.getTime()) / HOUR;
      const status = pickStatus(random, ageHours);
      const category = pick(org.categories);
      const grid = pick(org.grids);
      const point = random() < 0.8 ? pick(grid.points) : null;
      const deadline = new Date(reportedAt.getTime() + category.hours * HOUR);
      const took = Math.min(ageHours, category.hours * (0.2 + random() * 1.3)) * HOUR;
      const rectifiedAt =
        status === "rectified" || status === "closed" ? new Date(reportedAt.getTime() + Math.max(took, MINUTE)) : null;
      const closedAt =
        status === "closed" && rectifiedAt
          ? new Date(Math.min(now.getTime() - MINUTE, rectifiedAt.getTime() + random() * 12 * HOUR))
          : null;
      const dispatched = random() < 0.15;
      return {
        number,
        categoryId: category.id,
        gridId: grid.id,
        pointId: point?.id ?? null,
        text: `${point?.name ?? "网格内"}发现${category.name}问题，${random() < 0.3 ? "已多次出现，请相关责任人尽快到现场处置并反馈整改照片。" : "请尽快处理。"}`,
        reporterId: pick(org.people),
        assigneePersonId: status === "reported" ? null : pick(org.people),
        assigneeUnitId: dispatched && status !== "reported" ? pick(org.departments) : null,
        deadline,
        status,
        reportedAt,
        assignedAt: status === "reported" ? null : new Date(reportedAt.getTime() + 5 * MINUTE),
        acceptedAt: ["accepted", "rectified", "closed"].includes(status)
          ? new Date(reportedAt.getTime() + 30 * MINUTE)
          : null,
        rectifiedAt,
        closedAt,
        rejectedAt: status === "rejected" ? new Date(reportedAt.getTime() + HOUR) : null,
        rejectReason: status === "rejected" ? "不属于创城问题" : null,
        reboundOfId: closedIds.length > 0 && random() < 0.02 ? pick(closedIds) : null,
      };
    });
    await db.issue.createMany({ data: batch });
    const ids = await db.issue.findMany({
      where: { number: { gte: batch[0]?.number ?? 0, lte: batch[batch.length - 1]?.number ?? 0 } },
      select: { id: true, number: true },
    });
    const idOf = new Map(ids.map((r) => [r.number, r.id]));

    const events: Prisma.IssueEventCreateManyInput[] = [];
    const photos: Prisma.PhotoCreateManyInput[] = [];
    for (const issue of batch) {
      const issueId = idOf.get(issue.number) as number;
      if (issue.status === "closed") closedIds.push(issueId);
      const step = (type: string, at: Date | null, fromStatus: string | null, toStatus: string, reason?: string) => {
        if (at) events.push({ issueId, type, actorId: pick(org.people), at, fromStatus, toStatus, reason, data: {} });
      };
      step("filed", issue.reportedAt, null, "reported");
      step("assign", issue.assignedAt, "reported", "assigned");
      step("accept", issue.acceptedAt, "assigned", "accepted");
      step("rectify", issue.rectifiedAt, "accepted", "rectified", "已整改，见整改后照片");
      step("verify", issue.closedAt, "rectified", "closed");
      step("reject", issue.rejectedAt, "reported", "rejected", issue.rejectReason ?? undefined);
      const sha = (stage: string) => `${stage}${issueId.toString(16).padStart(8, "0")}`;
      photos.push({
        issueId,
        stage: "before",
        sha256: sha("b"),
        path: `photos/${sha("b").slice(-2)}/${sha("b")}.jpg`,
        size: 180_000,
        mime: "image/jpeg",
      });
      if (issue.rectifiedAt) {
        photos.push({
          issueId,
          stage: "after",
          sha256: sha("a"),
          path: `photos/${sha("a").slice(-2)}/${sha("a")}.jpg`,
          size: 170_000,
          mime: "image/jpeg",
        });
      }
    }
    await db.issueEvent.createMany({ data: events });
    await db.photo.createMany({ data: photos });
    for (const photo of photos) {
      const file = join(dataDir, photo.path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, photoContent);
    }
    counts.issues += batch.length;
    counts.events += events.length;
    counts.photos += photos.length;
  }
  return counts;
}

/** Samples resident memory and V8 heap on an interval until stopped; returns the peaks seen, in bytes. */
function sampleMemory(intervalMs = 20): () => { rss: number; heapUsed: number } {
  const peak = { rss: 0, heapUsed: 0 };
  const sample = () => {
    const usage = process.memoryUsage();
    peak.rss = Math.max(peak.rss, usage.rss);
    peak.heapUsed = Math.max(peak.heapUsed, usage.heapUsed);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return () => {
    clearInterval(timer);
    sample();
    return peak;
  };
}

/** Bytes of the files directly in a folder. */
function folderBytes(folder: string): number {
  return readdirSync(folder).reduce((sum, name) => sum + statSync(join(folder, name)).size, 0);
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const seconds = (ms: number) => Math.round(ms) / 1000;

/** What the export process reports back. */
interface ExportMeasurement {
  exportSeconds: number;
  issuesWritten: number;
  eventsWritten: number;
  rssBeforeExportMB: number;
  peakRssDuringExportMB: number;
  /** The export thread's V8 heap (sampled there). */
  peakHeapUsedDuringExportMB: number;
  /** The V8 heap of the thread that waits for the export, as the bot's does. */
  peakHeapUsedOfBotThreadMB: number;
  maxRssOfProcessMB: number;
  fileSizeMB: number;
  photosCopied: number;
  photosMissing: number;
  photoFolderMB: number;
  /** The longest the event loop waited during the export: how long an acknowledgement could have been held up. */
  maxEventLoopDelayMs: number;
  /** The 99th percentile of the event loop's delay during the export. */
  p99EventLoopDelayMs: number;
}

/**
 * The export, run in a process of its own so its memory is not mixed up with the seeding's (V8 rarely gives heap
 * back to the system, so RSS after seeding says nothing about the export).
 */
async function exportPhase(dir: string, now: Date, days: number): Promise<ExportMeasurement> {
  const url = `file:${join(dir, "riqing.db")}`;
  const db = await openDb(url);
  try {
    const street = await db.unit.findUniqueOrThrow({ where: { code: STREET_CODE } });
    const out = join(dir, "export", "ledger.xlsx");
    mkdirSync(dirname(out), { recursive: true });
    const from = new Date(now.getTime() - (days + 1) * 24 * HOUR);
    const rssBefore = process.memoryUsage().rss;
    const stop = sampleMemory();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const t = performance.now();
    // As the bot exports: on a thread of its own, while this thread's event loop is watched.
    const result = await exportLedgerOnThread(url, {
      unitId: street.id,
      from,
      to: now,
      out,
      now,
      dataDir: join(dir, "data"),
    });
    const exportMs = performance.now() - t;
    delay.disable();
    const peak = stop();
    return {
      exportSeconds: seconds(exportMs),
      issuesWritten: result.issues,
      eventsWritten: result.events,
      rssBeforeExportMB: mb(rssBefore),
      peakRssDuringExportMB: mb(peak.rss),
      peakHeapUsedDuringExportMB: mb(result.peakHeapBytes),
      peakHeapUsedOfBotThreadMB: mb(peak.heapUsed),
      maxRssOfProcessMB: mb(process.resourceUsage().maxRSS * 1024),
      fileSizeMB: mb(statSync(out).size),
      photosCopied: result.photos.copied,
      photosMissing: result.photos.missing,
      photoFolderMB: mb(folderBytes(join(dirname(out), PHOTO_FOLDER))),
      maxEventLoopDelayMs: Math.round(delay.max / 1e6),
      p99EventLoopDelayMs: Math.round(delay.percentile(99) / 1e6),
    };
  } finally {
    await db.$disconnect();
  }
}

/** Runs {@link exportPhase} in a child process of this script and resolves with its measurement. */
function exportInChild(
  dir: string,
  now: Date,
  days: number,
  maxOldSpaceMB: string | undefined,
): Promise<ExportMeasurement> {
  return new Promise((resolve, reject) => {
    const args = ["--phase", "export", "--dir", dir, "--now", now.toISOString(), "--days", String(days)];
    const execArgv = ["--import", "tsx"];
    if (maxOldSpaceMB) execArgv.push(`--max-old-space-size=${maxOldSpaceMB}`);
    const child = fork(fileURLToPath(import.meta.url), args, { execArgv });
    let measurement: ExportMeasurement | undefined;
    child.on("message", (message) => {
      measurement = message as ExportMeasurement;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0 && measurement) resolve(measurement);
      else reject(new Error(`export process exited with code ${code}`));
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      issues: { type: "string", default: "100000" },
      days: { type: "string", default: "90" },
      keep: { type: "boolean", default: false },
      "photo-bytes": { type: "string", default: "2048" },
      "max-old-space-size": { type: "string" },
      // Internal: the export phase, run by exportInChild.
      phase: { type: "string" },
      dir: { type: "string" },
      now: { type: "string" },
    },
  });
  const total = Number(values.issues);
  const days = Number(values.days);
  const photoSize = Number(values["photo-bytes"]);
  if (!Number.isInteger(total) || total < 1 || !Number.isFinite(days) || days <= 0 || !Number.isInteger(photoSize)) {
    throw new Error("--issues and --photo-bytes must be positive integers and --days a positive number");
  }
  if (values.phase === "export" && values.dir && values.now) {
    const measurement = await exportPhase(values.dir, new Date(values.now), days);
    process.send?.(measurement);
    return;
  }

  const dir = mkdtempSync(join(tmpdir(), "riqing-bench-"));
  const url = `file:${join(dir, "riqing.db")}`;
  await migrate(url);
  const db = await openDb(url);
  try {
    const now = new Date();
    const random = seeded(20261122);

    let t = performance.now();
    const org = await seedOrg(db, random);
    const dataDir = join(dir, "data");
    const counts = await seedIssues(db, org, { total, days, now, dataDir, photoSize }, random);
    const seedMs = performance.now() - t;
    console.log(
      `seeded ${counts.issues} issues, ${counts.events} events, ${counts.photos} photos in ${seconds(seedMs)} s`,
    );

    // The evening digests: every community's figures, in one call, for today and for the month.
    const timeStats = async () => {
      const times: Record<string, number> = {};
      for (const spec of ["today", "month"] as const) {
        const start = performance.now();
        await statsByUnit(db, org.communityIds, periodFor(spec, now), now);
        times[spec] = seconds(performance.now() - start);
      }
      return times;
    };
    const statsTimes = await timeStats();
    console.log(
      `statistics of all ${org.communityIds.length} communities at once: today ${statsTimes.today} s, month ${statsTimes.month} s`,
    );

    const measured = await exportInChild(dir, now, days, values["max-old-space-size"]);

    // With statistics for the query planner (ANALYZE, which `PRAGMA optimize` runs when useful) SQLite picks the
    // time-range indexes for short periods; a database nobody has analysed may read whole grids instead.
    t = performance.now();
    await db.$executeRawUnsafe("ANALYZE");
    const analyzeSeconds = seconds(performance.now() - t);
    const statsTimesAnalyzed = await timeStats();
    console.log(
      `after ANALYZE (${analyzeSeconds} s): today ${statsTimesAnalyzed.today} s, month ${statsTimesAnalyzed.month} s`,
    );
    const summary = {
      date: now.toISOString(),
      node: process.version,
      cpus: availableParallelism(),
      loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
      issues: counts.issues,
      events: counts.events,
      photos: counts.photos,
      seedSeconds: seconds(seedMs),
      photoFileBytes: photoSize,
      exportMaxOldSpaceSizeMB: values["max-old-space-size"] ? Number(values["max-old-space-size"]) : null,
      ...measured,
      issuesPerSecond: Math.round(measured.issuesWritten / measured.exportSeconds),
      statsAllCommunitiesSeconds: statsTimes,
      analyzeSeconds,
      statsAllCommunitiesAfterAnalyzeSeconds: statsTimesAnalyzed,
    };
    console.log(
      `exported ${measured.issuesWritten} issues and ${measured.eventsWritten} events in ${measured.exportSeconds} s ` +
        `(${summary.issuesPerSecond} issues/s); peak RSS ${measured.peakRssDuringExportMB} MB ` +
        `(${measured.rssBeforeExportMB} MB before the export), peak heap ${measured.peakHeapUsedDuringExportMB} MB; ` +
        `workbook ${measured.fileSizeMB} MB, ${measured.photosCopied} photos copied (${measured.photoFolderMB} MB); ` +
        `event loop delayed at most ${measured.maxEventLoopDelayMs} ms (p99 ${measured.p99EventLoopDelayMs} ms)`,
    );

    const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "results");
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, "ledger-export.json"), `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`wrote ${join(resultsDir, "ledger-export.json")}`);
  } finally {
    await db.$disconnect();
    if (values.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
