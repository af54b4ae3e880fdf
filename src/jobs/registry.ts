import { briefingJob } from "./briefing-sweep.ts";
import { digestJob } from "./digest-sweep.ts";
import type { Job } from "./job.ts";
import { lookbackJob } from "./lookback-sweep.ts";
import { reminderJob } from "./reminder-sweep.ts";

/** Every scheduled job, in the order a tick runs them: the digest first, so 18:00's digest is not held back. */
export const JOBS: readonly Job[] = [digestJob, reminderJob, lookbackJob, briefingJob];
