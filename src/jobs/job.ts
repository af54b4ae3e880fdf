import type { CommandContext } from "../commands/context.ts";
import type { JobDeps } from "../commands/deps.ts";

/** What a sweep reports: one line per message it sent, or would send in a dry run. */
export interface SweepNotice {
  /** The claim key of the work (reminder stage, look-back, digest). */
  key: string;
  chatId: string;
  /** A one-line description for logs and the CLI, in Chinese. */
  summary: string;
}

/** Options every sweep takes. */
export interface SweepOptions {
  /** Work out what is due and report it, but claim and send nothing. */
  dryRun?: boolean;
}

/** A sweep: does whatever is due at `now` and has not been done, and reports what it sent. */
export type Sweep = (deps: JobDeps, now: Date, options?: SweepOptions) => Promise<SweepNotice[]>;

/**
 * A scheduled job (documenso-style: one object per job, all of them in registry.ts): its name for logs and
 * metrics, when the scheduler runs it, the sweep, and — from the same rules, reading only — the next instant after
 * `after` (and not after `until`, when given) at which the sweep would send something; null when nothing lies ahead.
 */
export interface Job {
  name: string;
  /** A cron expression in the bot's time zone. */
  schedule: string;
  run: Sweep;
  nextDueAt(deps: Pick<JobDeps, "db" | "timeZone">, after: Date, until: Date | null): Promise<Date | null>;
}

/** The command context of a job running at `now`. */
export function jobContext(deps: JobDeps, now: Date): CommandContext {
  return { now, timeZone: deps.timeZone, officeHours: deps.officeHours, admins: deps.admins, policy: deps.policy };
}
