import type { JobDeps } from "../commands/deps.ts";
import type { Job } from "./job.ts";
import { JOBS } from "./registry.ts";

/**
 * The next instant after `after` at which a job would send something, as things stand: a reminder rung (a snooze
 * running out and the end of the quiet hours included), an escalation slot with issues due for it, a look-back, or a
 * chat's digest time on a day whose digest was not sent yet. What is due at `after` already is the sweep at
 * `after`'s to send and is not looked at. Null when nothing lies ahead. Reads only and claims nothing; each job
 * answers from its own rules, so this agrees with what the sweeps do. The sandbox steps its clock through these
 * instants, so a jump sends everything it passes, each at its own time.
 */
export async function nextDueAt(
  deps: Pick<JobDeps, "db" | "timeZone">,
  after: Date,
  jobs: readonly Job[] = JOBS,
): Promise<Date | null> {
  let best: Date | null = null;
  // Each job looks no further than what was found already, so none reads more than it must.
  for (const job of jobs) best = (await job.nextDueAt(deps, after, best)) ?? best;
  return best;
}
