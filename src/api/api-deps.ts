import type { Db } from "../db/client.ts";
import type { LifecyclePolicy } from "../domain/lifecycle.ts";
import type { Logger } from "../log.ts";

/** What the Open311 API needs from the running bot. */
export interface ApiDeps {
  db: Db;
  log: Logger;
  now(): Date;
  timeZone: string;
  admins: readonly string[];
  policy: LifecyclePolicy;
  /** Signs photo links; without it requests carry no media_url. */
  secret: string | undefined;
  /** The bot's public address (RIQING_PUBLIC_URL); the request's own origin when unset. */
  publicUrl: (() => string) | undefined;
}
