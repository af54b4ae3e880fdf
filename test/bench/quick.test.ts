import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * Keeps the benchmark harness working (issue 8): `npm run bench -- --quick` runs every section at small sizes.
 * Timings are machine noise here and are not asserted; what must hold is what the harness itself treats as a failure
 * (a section that did not run, a lost or duplicated report, digest figures that differ from the SQL aggregate).
 */
describe("the benchmark harness in quick mode", () => {
  const results = mkdtempSync(join(tmpdir(), "riqing-bench-"));
  afterAll(() => rmSync(results, { recursive: true, force: true }));

  it("runs every section and reports no lost, duplicated or disagreeing figures", () => {
    const run = spawnSync(process.execPath, ["bin/bench.js", "--quick", "--results", results], {
      cwd: join(import.meta.dirname, "../.."),
      encoding: "utf8",
      timeout: 280_000,
    });
    expect(run.stderr).not.toMatch(/problem\(s\)/);
    expect(run.status).toBe(0);
    const report = JSON.parse(readFileSync(join(results, "bench-quick.json"), "utf8"));
    for (const section of ["ingest:lark-limits", "ingest:capacity", "city", "pacing", "match"]) {
      expect(report[section]?.status).toBe("ok");
    }
    expect(report["ingest:capacity"].integrity).toMatchObject({ lost: 0, duplicatedIssues: 0, duplicatedCards: 0 });
    expect(report.city.digest.figuresEqual).toBe(true);
    expect(report.pacing.rateLimited).toBe(0);
    expect(report.match.corpus.all).toMatchObject({ total: expect.any(Number), top1: expect.any(Number) });
    expect(report.match.classifyMicros.count).toBeGreaterThan(0);
  }, 300_000);
});
