import type { LifecyclePolicy } from "../domain/lifecycle.ts";

/** What every write needs besides its own input: the clock, the time zone, the admins and the policy switches. */
export interface CommandContext {
  now: Date;
  timeZone: string;
  admins: readonly string[];
  policy: LifecyclePolicy;
}

/** A photo already stored under DATA_DIR (content-addressed). */
export interface PhotoFile {
  sha256: string;
  path: string;
  size: number;
  mime: string;
  sourceMessageId?: string;
}
