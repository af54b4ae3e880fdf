/**
 * The reminder and look-back sweeps at city scale, as dry runs (they work out what is due and report it, and
 * claim and send nothing, so every run sees the same database): the time of each, what it found, and a per-query
 * breakdown of one more run through an instrumented client. Each in both of the scheduler's modes: the minute's
 * sweep (since the previous one, six minutes back with the scheduler's margin), and the full sweep it runs at start
 * and every hour, which here finds every rung the generator left due and unclaimed.
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

/** The scheduler's two modes: since the previous minute's sweep, or everything still due. */
type SweepMode = "minute" | "full";

/** How far back a minute's sweep looks: the minute since the previous one and the scheduler's five-minute margin. */
const MINUTE_SWEEP_SINCE_MS = 6 * 60_000;

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
  /** Runs after the first, for a steadier figure; skipped when the first run took longer than `repeatBelowMs`. */
  repeats: number;
  repeatBelowMs: number;
  /** Kill a sweep's process after this long. */
  timeoutMs: number;
}

/** One sweep's figures. */
export interface SweepResult {
  firstMs: number | null;
  medianMs: number | null;
  runs: number;
  notices: number;
  breakdown: QueryCost[];
  /** Set when the sweep did not finish in time. */
  timedOutAfterSeconds?: number;
}

async function measure(
  sweep: SweepName,
  mode: SweepMode,
  db: Db,
  options: Omit<SweepBenchOptions, "databaseUrl" | "timeoutMs">,
) {
  const since = mode === "minute" ? new Date(options.now.getTime() - MINUTE_SWEEP_SINCE_MS) : undefined;
  const deps = (client: Db): JobDeps => ({
    db: client,
    log: silentLogger,
    timeZone: options.timeZone,
    officeHours: DEFAULT_OFFICE_HOURS,
    dataDir: options.dataDir,
    admins: [],
    policy: {},
    publishPhotos: async () => undefined,
    uploadFile: async () => "file_bench",
  });
  const times: number[] = [];
  let notices: SweepNotice[] = [];
  for (let run = 0; run <= options.repeats; run++) {
    const started = performance.now();
    notices = await SWEEPS[sweep](deps(db), options.now, { dryRun: true, since });
    times.push(performance.now() - started);
    if (run === 0 && (times[0] ?? 0) > options.repeatBelowMs) break;
  }
  const probe = instrument(db);
  await SWEEPS[sweep](deps(probe.db), options.now, { dryRun: true, since });
  const sorted = [...times].sort((a, b) => a - b);
  return {
    firstMs: round(times[0] ?? Number.NaN, 1),
    medianMs: round(sorted[Math.floor(sorted.length / 2)] ?? Number.NaN, 1),
    runs: times.length,
    notices: notices.length,
    breakdown: probe.costs().slice(0, 8),
  };
}

/** Measures one sweep in a child process (see the module comment). */
export async function measureSweep(
  sweep: SweepName,
  mode: SweepMode,
  options: SweepBenchOptions,
): Promise<SweepResult> {
  const child = startChild(fileURLToPath(import.meta.url), [sweep, mode], {
    env: { BENCH_SWEEP: JSON.stringify({ ...options, now: options.now.toISOString() }) },
  });
  try {
    return await nextMessage(
      child,
      (m) => (isTyped(m) && m.type === "sweep:done" ? (m as unknown as { result: SweepResult }).result : undefined),
      options.timeoutMs,
    );
  } catch {
    return {
      firstMs: null,
      medianMs: null,
      runs: 0,
      notices: 0,
      breakdown: [],
      timedOutAfterSeconds: options.timeoutMs / 1000,
    };
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
  const results: Partial<Record<SweepName, SweepResult & { full: SweepResult; fullCandidates: number }>> = {};
  for (const [sweep, fullCandidates] of [
    ["reminder", counts.candidates],
    ["lookback", counts.lookbackCandidates],
  ] as const) {
    const minute = await measureSweep(sweep, "minute", options);
    results[sweep] = { ...minute, full: await measureSweep(sweep, "full", options), fullCandidates };
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sweep = process.argv[2] as SweepName;
  const mode = process.argv[3] as SweepMode;
  const raw = JSON.parse(process.env.BENCH_SWEEP ?? "{}") as SweepBenchOptions & { now: string };
  const db = await openDb(raw.databaseUrl);
  const result = await measure(sweep, mode, db, { ...raw, now: new Date(raw.now) });
  await db.$disconnect();
  process.send?.({ type: "sweep:done", result }, () => process.exit(0));
}
