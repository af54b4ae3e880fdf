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
  /**
   * The previous sweep's instant (less a margin): only work that came due or changed after it is looked at. Absent,
   * everything still due is (the scheduler does that at start and every hour).
   */
  since?: Date;
}

/** The command context of a job running at `now`. */
export function jobContext(deps: JobDeps, now: Date): CommandContext {
  return { now, timeZone: deps.timeZone, admins: deps.admins, policy: deps.policy };
}
