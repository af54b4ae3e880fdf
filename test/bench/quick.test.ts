import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { testPostgres } from "../support/postgres.ts";

/**
 * Keeps the benchmark harness working (issue 8): `npm run bench -- --quick` runs every section at small sizes.
 * Timings are machine noise here and are not asserted; what must hold is what the harness itself treats as a failure
 * (a section that did not run, a lost or duplicated report, digest figures that differ from the SQL aggregate, a paced
 * message Lark refused).
 * When the suite runs on PostgreSQL, the harness does too (`--db postgres`: ingest with one and three instances,
 * and the city).
 */
describe("the benchmark harness in quick mode", () => {
  const results = mkdtempSync(join(tmpdir(), "riqing-bench-"));
  afterAll(() => rmSync(results, { recursive: true, force: true }));

  it("runs every section and reports no lost, duplicated or disagreeing figures", () => {
    const postgres = testPostgres();
    const run = spawnSync(
      process.execPath,
      ["bin/bench.js", "--quick", "--results", results, ...(postgres ? ["--db", "postgres"] : [])],
      {
        cwd: join(import.meta.dirname, "../.."),
        encoding: "utf8",
        // On PostgreSQL the harness runs one more ingest section (three instances) and moves the city first.
        timeout: postgres ? 560_000 : 280_000,
        env: { ...process.env, ...(postgres && { RIQING_BENCH_POSTGRES: postgres }) },
      },
    );
    expect(run.stderr).not.toMatch(/problem\(s\)/);
    expect(run.status).toBe(0);
    const report = JSON.parse(readFileSync(join(results, `bench-quick${postgres ? "-postgres" : ""}.json`), "utf8"));
    const ingest = postgres ? ["ingest:capacity", "ingest:capacity-3"] : ["ingest:capacity"];
    for (const section of ["ingest:lark-limits", ...ingest, "city", ...(postgres ? [] : ["pacing", "match"])]) {
      expect(report[section]?.status).toBe("ok");
    }
    for (const section of ingest) {
      expect(report[section].integrity).toMatchObject({ lost: 0, duplicatedIssues: 0, duplicatedCards: 0 });
    }
    expect(report.city.digest.figuresEqual).toBe(true);
    expect(report.city.indicators.day.countsEqual).toBe(true);
    expect(report.city.indicators.month.countsEqual).toBe(true);
    if (!postgres) {
      expect(report.pacing.rateLimited).toBe(0);
      expect(report.match.corpus.all).toMatchObject({ total: expect.any(Number), top1: expect.any(Number) });
      expect(report.match.classifyMicros.count).toBeGreaterThan(0);
    }
  }, 600_000);
});
