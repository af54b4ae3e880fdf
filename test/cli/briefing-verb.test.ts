// behaviour §15.2, §15.6
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runBriefingCli } from "../../src/cli/briefing-verb.ts";
import { type Config, loadConfig } from "../../src/config/env.ts";
import { lastEndedPeriod } from "../../src/domain/briefing-period.ts";
import { runBriefingSweep } from "../../src/jobs/briefing-sweep.ts";
import { unitStats } from "../../src/reports/stats.ts";
import { BRIEFING_FIGURES } from "../../src/texts/briefing.ts";
import { type ClockFixture, createClockFixture, sh, TZ } from "../jobs/support.ts";
import { readDocx } from "../support/docx.ts";

describe("riqing briefing", () => {
  let f: ClockFixture;
  let config: Config;
  let out: string[];
  let err: string[];
  const io = { log: (t: string) => out.push(t), error: (t: string) => err.push(t) };
  const monday = () => sh("2026-11-30 08:00");
  beforeEach(async () => {
    f = await createClockFixture();
    config = loadConfig({ DATABASE_URL: f.t.url, DATA_DIR: f.t.dir, LOG_LEVEL: "silent" });
    out = [];
    err = [];
    await f.addIssues([
      {
        number: 1,
        grid: "G12",
        category: "XCL",
        status: "accepted",
        reportedAt: sh("2026-11-23 10:00"),
        deadline: sh("2026-11-24 10:00"),
      },
    ]);
  });
  afterEach(async () => {
    await f.close();
  });

  it("writes the week's briefing, numbered as the bot numbers it; a dry run gives no number", async () => {
    const file = join(f.t.dir, "简报.docx");
    const args = ["--street", "S", "--week", "2026-11-25", "--out", file];
    expect(await runBriefingCli([...args, "--dry-run"], config, io, monday)).toBe(0);
    expect(out).toEqual([
      `已生成 幸福街道创文工作简报 第1期（2026年第48周（11月23日—11月29日））→ ${file}`,
      expect.stringContaining("试运行"),
    ]);
    expect(await f.t.db.briefing.count()).toBe(0);
    const doc = await readDocx(readFileSync(file));
    const week = lastEndedPeriod("week", monday(), TZ);
    const overdue = (await unitStats(f.t.db, "S", week, monday())).overdue;
    expect(doc.tables[0]?.find((r) => r[0] === BRIEFING_FIGURES.overdue)?.[1]).toBe(String(overdue));

    expect(await runBriefingCli(args, config, io, monday)).toBe(0);
    expect(await runBriefingCli(args, config, io, monday)).toBe(0);
    expect((await f.t.db.briefing.findMany()).map((b) => b.number)).toEqual([1]);
    // The bot's own briefing of the week, at its time, keeps the number the command line gave.
    const [notice] = await runBriefingSweep(f.deps, sh("2026-11-30 09:00"));
    expect(notice?.summary).toContain("第1期");
  });

  it("refuses a bad request with its usage and writes nothing", async () => {
    const file = join(f.t.dir, "x.docx");
    const run = (args: string[]) => runBriefingCli(args, config, io, monday);
    expect(await run(["--street", "S", "--week", "2026-11-25", "--month", "2026-11", "--out", file])).toBe(2);
    expect(await run(["--street", "S", "--out", file])).toBe(2);
    expect(await run(["--street", "S", "--month", "2026-13", "--out", file])).toBe(2);
    expect(await run(["--street", "S", "--week", "11月25日", "--out", file])).toBe(2);
    expect(await run(["--week", "2026-11-25", "--out", file])).toBe(2);
    expect(await run(["--street", "S", "--week", "2026-11-25", "--out", file, "--colour"])).toBe(2);
    expect(await run(["--street", "NOPE", "--month", "2026-11", "--out", file])).toBe(1);
    expect(err.join("\n")).toContain("--week");
    expect(err.join("\n")).toContain("月份“2026-13”无效");
    expect(err.join("\n")).toContain("没有找到单位编码“NOPE”");
    expect(existsSync(file)).toBe(false);
    expect(await f.t.db.briefing.count()).toBe(0);
  });
});
