import cron, { type ScheduledTask } from "node-cron";
import type { JobDeps } from "../commands/deps.ts";
import type { Logger } from "../log.ts";
import type { Job } from "./job.ts";
import { JOBS } from "./registry.ts";

/** What a Scheduler needs. */
export interface SchedulerOptions {
  deps: JobDeps;
  /** The bot's clock; the sandbox passes its virtual clock. Default: real time. */
  clock?: () => Date;
  /** Default: deps.log. */
  log?: Logger;
  /** The jobs, in the order a tick runs them. Default: JOBS. */
  jobs?: readonly Job[];
}

/**
 * Runs the jobs (digest, reminders, look-backs) on their schedules with node-cron. Every sweep is an idempotent function
 * of the clock, claimed once per unit of work in the database, so ticks may be late, missed, repeated or run by
 * several processes at once: whatever is due is done exactly once. Runs of one scheduler never overlap. Work that
 * failed is tried again by the next run (the reminder and look-back sweeps find what is due by their index, see
 * sweep-index.ts).
 */
export class Scheduler {
  private readonly deps: JobDeps;
  private readonly clock: () => Date;
  private readonly log: Logger;
  private readonly jobs: readonly Job[];
  private tasks: ScheduledTask[] = [];
  private last: Promise<void> = Promise.resolve();

  constructor(options: SchedulerOptions) {
    this.deps = options.deps;
    this.clock = options.clock ?? (() => new Date());
    this.log = (options.log ?? options.deps.log).child({ component: "scheduler" });
    this.jobs = options.jobs ?? JOBS;
  }

  /**
   * Ticks now — so a digest missed while the process was down goes out at once, marked 补发 — and then runs each job
   * on its schedule.
   */
  start(): void {
    if (this.tasks.length > 0) return;
    this.tasks = this.jobs.map((job) =>
      cron.schedule(job.schedule, () => this.run([job]), { name: `riqing-${job.name}`, timezone: this.deps.timeZone }),
    );
    void this.tick();
  }

  /**
   * Runs every job once at the clock's current time, after any run still going; resolves when done. Never rejects: a
   * failing job is logged and tried again on its next run. The sandbox calls this after moving its clock.
   */
  tick(): Promise<void> {
    return this.run(this.jobs);
  }

  /** Resolves when every run started so far is done. */
  idle(): Promise<void> {
    return this.last;
  }

  /** Stops the schedules and waits for a run that is going. */
  async stop(): Promise<void> {
    const tasks = this.tasks;
    this.tasks = [];
    await Promise.all(tasks.map((task) => task.destroy()));
    await this.last;
  }

  private run(jobs: readonly Job[]): Promise<void> {
    const run = this.last.then(() => this.runJobs(jobs));
    this.last = run;
    return run;
  }

  private async runJobs(jobs: readonly Job[]): Promise<void> {
    const now = this.clock();
    for (const { name, run: sweep } of jobs) {
      try {
        const notices = await sweep(this.deps, now);
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
      // What the sweep queued goes out at once.
      this.deps.queued?.();
    }
  }
}
