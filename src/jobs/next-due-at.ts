import type { JobDeps } from "../commands/deps.ts";
import { nextDigestAt } from "./digest-sweep.ts";
import { nextLookbackAt } from "./lookback-sweep.ts";
import { nextReminderAt } from "./reminder-sweep.ts";

/**
 * The next instant after `after` at which a sweep would send something, as things stand: a reminder rung (a snooze
 * running out and the end of the quiet hours included), an escalation slot with issues due for it, a look-back, or a
 * chat's digest time on a day whose digest was not sent yet. What is due at `after` already is the sweep at
 * `after`'s to send and is not looked at. Null when nothing lies ahead. Reads only and claims nothing; each sweep
 * answers from its own rules, so this agrees with what the sweeps do. The sandbox steps its clock through these
 * instants, so a jump sends everything it passes, each at its own time.
 */
export async function nextDueAt(deps: Pick<JobDeps, "db" | "timeZone">, after: Date): Promise<Date | null> {
  const digest = await nextDigestAt(deps, after);
  // Each look further ahead is bounded by what was found already, so no sweep reads more than it must.
  const lookback = await nextLookbackAt(deps, after, digest);
  const reminder = await nextReminderAt(deps, after, lookback ?? digest);
  return reminder ?? lookback ?? digest;
}
