/**
 * The reminder and look-back sweeps at city scale, as dry runs (they work out what is due and report it, and
 * claim and send nothing, so every run sees the same issues due): the time and CPU of each, what it found, and a
 * per-query breakdown of one more run through an instrumented client. Each sweep reads what its index
 * (src/jobs/sweep-index.ts) puts at or before now — here every rung the generator left due and unclaimed — except
 * the first of a process (and the first after a change of the org or a chat's settings), which looks at every issue
 * that may still be due and sets the index of each: measured as `full`, the following runs as the sweep of every
 * minute (and hour).
 *
 * A sweep's queries run synchronously inside SQLite and cannot be interrupted, so each sweep is measured in a
 * process of its own (this module, run as a script) that is killed when it outlives its time limit.
 */

import { fileURLToPath } from "node:url";
import type Database from "libsql";
import type { JobDeps } from "../../src/commands/deps.ts";
import { DEFAULT_OFFICE_HOURS } from "../../src/config/office-hours.ts";
import { type Db, openDb } from "../../src/db/client.ts";
import type { SweepNotice, SweepOptions } from "../../src/jobs/job.ts";
import { runLookbackSweep } from "../../src/jobs/lookback-sweep.ts";
import { runReminderSweep } from "../../src/jobs/reminder-sweep.ts";
import { silentLogger } from "../../src/log.ts";
import { isTyped, nextMessage, startChild, waitForExit } from "../lib/child.ts";
import { round } from "../lib/stats.ts";
import { instrument, type QueryCost } from "./instrument.ts";

/** The sweeps measured. */
export type SweepName = "reminder" | "lookback";

const SWEEPS: Record<SweepName, (deps: JobDeps, now: Date, options: SweepOptions) => Promise<SweepNotice[]>> = {
  reminder: runReminderSweep,
  lookback: runLookbackSweep,
};

/** Options of {@link benchSweeps}. */
export interface SweepBenchOptions {
  databaseUrl: string;
  now: Date;
  timeZone: string;
  dataDir: string;
  /** Runs after the first (which looks at everything that may be due), reading by the index. */
  repeats: number;
  /** Kill a sweep's process after this long. */
  timeoutMs: number;
}

/** One sweep's figures: wall time and the process's CPU time. */
export interface SweepResult {
  firstMs: number | null;
  medianMs: number | null;
  medianCpuMs?: number | null;
  runs: number;
  notices: number;
  breakdown: QueryCost[];
  /** Set when the sweep did not finish in time. */
  timedOutAfterSeconds?: number;
}

/** A sweep's runs in this process: the first (it sets the index) and then `repeats` more, reading by the index. */
async function measure(sweep: SweepName, db: Db, options: Omit<SweepBenchOptions, "databaseUrl" | "timeoutMs">) {
  const deps = (client: Db): JobDeps => ({
    db: client,
    log: silentLogger,
    timeZone: options.timeZone,
    officeHours: DEFAULT_OFFICE_HOURS,
    dataDir: options.dataDir,
    admins: [],
    policy: {},
    publishPhotos: async () => [],
    uploadFile: async () => "file_bench",
  });
  const runs: { ms: number; cpuMs: number; notices: number }[] = [];
  for (let run = 0; run <= options.repeats; run++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const notices = await SWEEPS[sweep](deps(db), options.now, { dryRun: true });
    const used = process.cpuUsage(cpu);
    runs.push({ ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, notices: notices.length });
  }
  const probe = instrument(db);
  await SWEEPS[sweep](deps(probe.db), options.now, { dryRun: true });
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const figures = (of: typeof runs): Omit<SweepResult, "breakdown"> => ({
    firstMs: round(of[0]?.ms ?? Number.NaN, 1),
    medianMs: round(median(of.map((r) => r.ms)), 1),
    medianCpuMs: round(median(of.map((r) => r.cpuMs)), 1),
    runs: of.length,
    notices: of.at(-1)?.notices ?? 0,
  });
  const [first, ...rest] = runs;
  return {
    ...figures(rest.length > 0 ? rest : runs),
    breakdown: probe.costs().slice(0, 8),
    full: { ...figures(first ? [first] : []), breakdown: [] },
  };
}

/** Measures one sweep in a child process (see the module comment). */
export async function measureSweep(
  sweep: SweepName,
  options: SweepBenchOptions,
): Promise<SweepResult & { full: SweepResult }> {
  const child = startChild(fileURLToPath(import.meta.url), [sweep], {
    env: { BENCH_SWEEP: JSON.stringify({ ...options, now: options.now.toISOString() }) },
  });
  try {
    return await nextMessage(
      child,
      (m) =>
        isTyped(m) && m.type === "sweep:done"
          ? (m as unknown as { result: SweepResult & { full: SweepResult } }).result
          : undefined,
      options.timeoutMs,
    );
  } catch {
    const timedOut = {
      firstMs: null,
      medianMs: null,
      runs: 0,
      notices: 0,
      breakdown: [],
      timedOutAfterSeconds: options.timeoutMs / 1000,
    };
    return { ...timedOut, full: timedOut };
  } finally {
    child.kill("SIGKILL");
    await waitForExit(child, 5_000);
  }
}

/** Runs both sweeps (dry) on a generated city and counts, with plain SQL, their candidates. */
export async function benchSweeps(sqlite: Database.Database, options: SweepBenchOptions) {
  const now = options.now.getTime();
  const hour = 3_600_000;
  const counts = (sqlite
    .prepare<{ now: number }>(
      `SELECT
         (SELECT COUNT(*) FROM Issue WHERE status IN ('reported', 'assigned', 'accepted')
            AND deadline >= @now - ${(7 * 24 + 168 + 24) * hour} AND deadline <= @now + ${72 * hour}) AS candidates,
         (SELECT COUNT(*) FROM Issue WHERE status = 'closed'
            AND closedAt >= @now - ${10 * 24 * hour} AND closedAt <= @now - ${7 * 24 * hour}) AS lookbackCandidates`,
    )
    .get({ now }) as { candidates: number; lookbackCandidates: number } | undefined) ?? {
    candidates: 0,
    lookbackCandidates: 0,
  };
  const results: Partial<
    Record<SweepName, SweepResult & { full: SweepResult; fullCandidates: number; indexBackfillMs: number | null }>
  > = {};
  for (const [sweep, fullCandidates] of [
    ["reminder", counts.candidates],
    ["lookback", counts.lookbackCandidates],
  ] as const) {
    // The generated issues come in as an upgrade finds them: the first sweep ever sets the index of each.
    const backfill = await measureSweep(sweep, { ...options, repeats: 0 });
    results[sweep] = {
      ...(await measureSweep(sweep, options)),
      fullCandidates,
      indexBackfillMs: backfill.full.firstMs,
    };
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sweep = process.argv[2] as SweepName;
  const raw = JSON.parse(process.env.BENCH_SWEEP ?? "{}") as SweepBenchOptions & { now: string };
  const db = await openDb(raw.databaseUrl);
  const result = await measure(sweep, db, { ...raw, now: new Date(raw.now) });
  await db.$disconnect();
  process.send?.({ type: "sweep:done", result }, () => process.exit(0));
}
