import type { OfficeHours } from "../config/office-hours.ts";
import type { LifecyclePolicy } from "../domain/lifecycle.ts";

/**
 * What every write needs besides its own input: the clock, the time zone and office hours (deadlines count in them),
 * the admins and the policy switches.
 */
export interface CommandContext {
  now: Date;
  timeZone: string;
  officeHours: OfficeHours;
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
  /** Its Lark image key, when it was uploaded while this report was taken in (then nobody needs to look it up). */
  imageKey?: string;
  /** Its file was written when it was downloaded: no photo with this content was kept before. */
  firstSeen?: boolean;
}
