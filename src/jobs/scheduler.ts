import cron, { type ScheduledTask } from "node-cron";
import type { JobDeps } from "../commands/deps.ts";
import type { Logger } from "../log.ts";
import { runDigestSweep } from "./digest-sweep.ts";
import type { SweepNotice, SweepOptions } from "./job-deps.ts";
import { runLookbackSweep } from "./lookback-sweep.ts";
import { runReminderSweep } from "./reminder-sweep.ts";

/** A sweep: does whatever is due at `now` and has not been done, and reports what it sent. */
export type Sweep = (deps: JobDeps, now: Date, options?: SweepOptions) => Promise<SweepNotice[]>;

/** The scheduled jobs, by the name they log under, in the order a tick runs them. */
export const SWEEPS: Readonly<Record<string, Sweep>> = {
  "digest.daily": runDigestSweep,
  "reminder.ladder": runReminderSweep,
  "lookback.ask": runLookbackSweep,
};

/** What a Scheduler needs. */
export interface SchedulerOptions {
  deps: JobDeps;
  /** The bot's clock; the sandbox passes its virtual clock. Default: real time. */
  clock?: () => Date;
  /** Default: deps.log. */
  log?: Logger;
  /** When to tick, as a cron expression. Default: every minute. */
  cron?: string;
  /** The sweeps a tick runs. Default: SWEEPS. */
  sweeps?: Readonly<Record<string, Sweep>>;
}

/** A sweep looks back this far before its previous run, for work committed while that run was reading. */
const SINCE_MARGIN_MS = 5 * 60_000;
/** Every this often (and at start) a sweep looks at everything still due, not only what came due since. */
const FULL_SWEEP_EVERY_MS = 3_600_000;

/**
 * Runs the sweeps (digest, reminders, look-backs) once a minute with node-cron. Every sweep is an idempotent function
 * of the clock, claimed once per unit of work in the database, so ticks may be late, missed, repeated or run by
 * several processes at once: whatever is due is done exactly once. Ticks of one scheduler never overlap. Each sweep
 * looks only at what came due since its previous successful run (less a margin), and at everything still due at
 * start and every hour — which catches up work that failed, or was made due by a settings change.
 */
export class Scheduler {
  private readonly deps: JobDeps;
  private readonly clock: () => Date;
  private readonly log: Logger;
  private readonly expression: string;
  private readonly sweeps: Readonly<Record<string, Sweep>>;
  private task: ScheduledTask | undefined;
  private last: Promise<void> = Promise.resolve();
  /** Per sweep: its last successful run and its last full one. */
  private readonly runs = new Map<string, { at: Date; fullAt: Date }>();

  constructor(options: SchedulerOptions) {
    this.deps = options.deps;
    this.clock = options.clock ?? (() => new Date());
    this.log = (options.log ?? options.deps.log).child({ component: "scheduler" });
    this.expression = options.cron ?? "* * * * *";
    this.sweeps = options.sweeps ?? SWEEPS;
  }

  /**
   * Ticks now — so a digest missed while the process was down goes out at once, marked 补发 — and then on every cron
   * slot.
   */
  start(): void {
    if (this.task) return;
    this.task = cron.schedule(this.expression, () => this.tick(), { name: "riqing-scheduler" });
    void this.tick();
  }

  /**
   * Runs every sweep once at the clock's current time, after any tick still running; resolves when done. Never
   * rejects: a failing sweep is logged and tried again on the next tick. The sandbox calls this after moving its
   * clock.
   */
  tick(): Promise<void> {
    const run = this.last.then(() => this.runSweeps());
    this.last = run;
    return run;
  }

  /** Stops ticking and waits for a tick that is running. */
  async stop(): Promise<void> {
    const task = this.task;
    this.task = undefined;
    if (task) await task.destroy();
    await this.last;
  }

  private async runSweeps(): Promise<void> {
    const now = this.clock();
    for (const [name, sweep] of Object.entries(this.sweeps)) {
      try {
        const previous = this.runs.get(name);
        const full =
          !previous ||
          now.getTime() < previous.at.getTime() ||
          now.getTime() - previous.fullAt.getTime() >= FULL_SWEEP_EVERY_MS;
        const since = full ? undefined : new Date(previous.at.getTime() - SINCE_MARGIN_MS);
        const notices = await sweep(this.deps, now, { since });
        this.runs.set(name, { at: now, fullAt: full ? now : (previous?.fullAt ?? now) });
        if (notices.length > 0) {
          this.log.info(
            { job: name, at: now.toISOString(), sent: notices.map((n) => n.summary) },
            "scheduled work done",
          );
        }
      } catch (error) {
        this.log.error(
          { err: error, job: name, at: now.toISOString() },
          "scheduled job failed; trying again next tick",
        );
      }
    }
  }
}
