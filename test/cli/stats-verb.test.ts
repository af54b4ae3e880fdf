import { describe, expect, it } from "vitest";
import { runStatsCli } from "../../src/cli/stats-verb.ts";
import { loadConfig } from "../../src/config/env.ts";
import { type IssueSeed, seededDb, sh } from "../reports/stats-fixture.ts";

/** 东苑社区 on 2026-11-20: G11 fixed and closed #1 on time; G12's #2 is overdue. */
const seeds: IssueSeed[] = [
  {
    number: 1,
    grid: "G11",
    category: "DUI",
    status: "closed",
    reportedAt: sh("2026-11-20 08:00"),
    deadline: sh("2026-11-20 12:00"),
    rectifiedAt: sh("2026-11-20 10:00"),
    closedAt: sh("2026-11-20 11:00"),
    events: [{ type: "rectify", at: sh("2026-11-20 10:00") }],
  },
  {
    number: 2,
    grid: "G12",
    category: "TING",
    status: "accepted",
    reportedAt: sh("2026-11-19 08:00"),
    deadline: sh("2026-11-20 08:00"),
  },
];

describe("riqing stats", () => {
  const f = seededDb(seeds);
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const config = loadConfig({ DATABASE_URL: f.url, DATA_DIR: f.dir, LOG_LEVEL: "silent" });
    const code = await runStatsCli(args, config, { log: (t) => out.push(t), error: (t) => err.push(t) }, () =>
      sh("2026-11-20 18:00"),
    );
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
  const day = ["--unit", "C1", "--from", "2026-11-20", "--to", "2026-11-20"];

  it("prints the unit and the units under it as JSON, with the indicators of the statistics module", async () => {
    const { code, out } = await run([...day, "--format", "json"]);
    expect(code).toBe(0);
    const json = JSON.parse(out) as { units: { code: string; indicators: Record<string, number | null> }[] };
    // 东苑社区: 处置 #1 on time, 结案 #1, 超期 #2: 应处置 2, 应结案 2 → 1/2 × 60 + 1/2 × 30 + 10 = 55.
    // G11: 60 + 30 + 10 = 100. G12: only #2 overdue → 0 + 0 + 10 = 10.
    expect(json.units.map((u) => [u.code, u.indicators.composite])).toEqual([
      ["C1", 55],
      ["G11", 100],
      ["G12", 10],
    ]);
    expect(json.units[0]?.indicators).toMatchObject({ filed: 1, dueDisposal: 2, disposedOnTime: 1, overdueNow: 1 });
  });

  it("prints an aligned table and CSV with the indicators' Chinese names", async () => {
    const table = await run(day);
    expect(table.code).toBe(0);
    expect(table.out).toContain("东苑社区 考核指标 · 2026-11-20");
    expect(table.out.split("\n")[1]).toMatch(/^编码\s+单位\s+综合指标值\s+立案数\s+应处置数/);
    expect(table.out).toMatch(/C1\s+东苑社区\s+55\s+1\s+2/);
    const csv = await run([...day, "--format", "csv"]);
    const lines = csv.out.split("\n");
    expect(lines[0]?.startsWith("编码,单位,综合指标值,立案数,应处置数,处置数,按期处置数,处置率,按期处置率")).toBe(true);
    expect(lines[1]).toBe("C1,东苑社区,55,1,2,1,1,50%,50%,2,1,1,50%,50%,0,0%,0,0,1,1");
    expect(lines).toHaveLength(4);
  });

  it("refuses bad arguments and unknown units, in Chinese", async () => {
    expect(await run(["--unit", "C1"])).toMatchObject({
      code: 2,
      err: expect.stringContaining("缺少参数：--from、--to"),
    });
    expect(await run([...day, "--format", "xml"])).toMatchObject({ code: 2, err: expect.stringContaining("xml") });
    expect(await run(["--unit", "C1", "--from", "2026-11-21", "--to", "2026-11-20"])).toMatchObject({ code: 2 });
    expect(await run(["--unit", "C1", "--from", "20261120", "--to", "2026-11-20"])).toMatchObject({ code: 2 });
    expect(await run(["--unit", "NOPE", "--from", "2026-11-20", "--to", "2026-11-20"])).toMatchObject({
      code: 1,
      err: expect.stringContaining("NOPE"),
    });
    expect(await run([...day, "--bogus"])).toMatchObject({ code: 2 });
  });
});
