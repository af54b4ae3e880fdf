/**
 * The city section: generate the city, then the digest benchmark and the sweep benchmarks on it, reporting the
 * results so far after each step (so a step that runs out of time still leaves the earlier ones). Optionally the
 * same measurements again after ANALYZE, which production databases do not get today.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pLimit from "p-limit";
import { openDb, postgresOf } from "../../src/db/client.ts";
import { moveToPostgres } from "../../src/db/move-to-postgres.ts";
import { openSqlite, sqlitePath } from "../../src/db/sqlite-file.ts";
import { localPeriod, startOfDate } from "../../src/domain/deadline.ts";
import { DEFAULT_MIN_RANKED_ISSUES } from "../../src/domain/metrics.ts";
import { buildDigests, renderDigestChart } from "../../src/reports/digest.ts";
import { createPostgresDatabase } from "../../test/support/postgres.ts";
import { round } from "../lib/stats.ts";
import { benchDigests } from "./digest.ts";
import { type CityOptions, generateCity } from "./generate.ts";
import { benchIndicators } from "./indicators.ts";
import { benchSweeps } from "./sweeps.ts";

/** Options of {@link runCity}: the city to generate (its database is the run's own) and what to measure on it. */
export interface CityRunOptions extends Omit<CityOptions, "databaseUrl" | "dueFromHours"> {
  /** Community digests whose queries are broken down. */
  breakdownUnits: number;
  /** Digest charts rendered to time chart rendering (0: none). */
  chartSamples: number;
  /** Measure again after ANALYZE. */
  analyze: boolean;
  /** Kill a sweep that takes longer than this. */
  sweepTimeoutMs: number;
  keepDir?: boolean;
  /** Measure on PostgreSQL: the admin URL of a server; the generated city is moved into a database of its own there. */
  postgres?: string;
}

/** Runs the city section; `progress` receives the results so far after each step. */
export async function runCity(
  options: CityRunOptions,
  progress: (results: Record<string, unknown>) => void,
): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), "riqing-bench-city-"));
  const databaseUrl = `file:${join(dir, "city.db")}`;
  const results: Record<string, unknown> = {};
  try {
    const city = await generateCity({ ...options, databaseUrl });
    results.generation = {
      streets: city.streetIds.length,
      communities: city.communityIds.length,
      grids: city.grids,
      issues: city.issues,
      jobRuns: city.jobRuns,
      due: city.due,
      statusCounts: city.statusCounts,
      seconds: round(city.seconds, 1),
    };
    progress(results);

    // On PostgreSQL the city is generated in SQLite and moved there by the product's own move-to-postgres; the
    // SQL aggregate the digests are checked against still runs on the SQLite copy: same data, figures compared.
    let productUrl = databaseUrl;
    let dropPostgres: (() => Promise<void>) | undefined;
    if (options.postgres) {
      const target = await createPostgresDatabase(options.postgres);
      dropPostgres = target.drop;
      const started = performance.now();
      await moveToPostgres(databaseUrl, target.url);
      productUrl = target.url;
      results.moveToPostgres = { seconds: round((performance.now() - started) / 1000, 1) };
      progress(results);
    }
    const db = await openDb(productUrl);
    // A production PostgreSQL analyzes by itself (autovacuum); the freshly copied database has not yet.
    await postgresOf(db)?.$executeRawUnsafe("ANALYZE");
    const sqlite = openSqlite(sqlitePath(databaseUrl));
    const common = { now: options.now, date: options.date, timeZone: options.timeZone };
    results.digest = await benchDigests(db, sqlite, city, { ...common, breakdownUnits: options.breakdownUnits });
    progress(results);
    const day = localPeriod(startOfDate(options.date, options.timeZone), "day", options.timeZone);
    const month = { from: localPeriod(day.from, "month", options.timeZone).from, to: day.to };
    results.indicators = await benchIndicators(db, sqlite, city, { day, month, now: options.now });
    progress(results);

    if (options.chartSamples > 0) {
      const units = [...city.streetIds, ...city.communityIds].slice(0, options.chartSamples);
      const data = await buildDigests(
        db,
        units.map((unitId) => ({ unitId, ...common, minRankedIssues: DEFAULT_MIN_RANKED_ISSUES })),
      );
      const times: number[] = [];
      for (const digest of data) {
        const started = performance.now();
        await renderDigestChart(digest);
        times.push(performance.now() - started);
      }
      // As the digest sweep renders them: several at once (the chart thread rasterizes on libuv's thread pool).
      const limit = pLimit(4);
      const started = performance.now();
      await Promise.all(data.map((digest) => limit(() => renderDigestChart(digest))));
      const concurrentMs = (performance.now() - started) / data.length;
      // The first chart of a process also starts the chart thread and converts its characters to outlines.
      const [first = 0, ...rest] = times;
      const mean = rest.length ? rest.reduce((a, b) => a + b, 0) / rest.length : first;
      const all = city.communityIds.length + city.streetIds.length;
      results.chart = {
        samples: times.length,
        firstMs: round(first, 0),
        meanMs: round(mean, 0),
        perChartAsSweptMs: round(concurrentMs, 0),
        allDigestsSeconds: round((concurrentMs * all) / 1000, 1),
      };
      progress(results);
    }

    const sweepOptions = {
      ...common,
      databaseUrl: productUrl,
      dataDir: dir,
      repeats: 2,
      timeoutMs: options.sweepTimeoutMs,
    };
    results.sweeps = await benchSweeps(sqlite, sweepOptions);
    progress(results);

    if (options.analyze) {
      const started = performance.now();
      sqlite.exec("ANALYZE");
      const analyzeSeconds = (performance.now() - started) / 1000;
      const digest = await benchDigests(db, sqlite, city, { ...common, breakdownUnits: 0 });
      const sweeps = await benchSweeps(sqlite, sweepOptions);
      results.afterAnalyze = {
        note: "after ANALYZE",
        analyzeSeconds: round(analyzeSeconds, 1),
        digestProductSeconds: digest.productSeconds,
        digestRatioToSql: digest.ratioToSql,
        reminderSweepMs: sweeps.reminder?.medianMs ?? null,
        lookbackSweepMs: sweeps.lookback?.medianMs ?? null,
      };
      progress(results);
    }
    sqlite.close();
    await db.$disconnect();
    await dropPostgres?.();
    return results;
  } finally {
    if (options.keepDir) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
