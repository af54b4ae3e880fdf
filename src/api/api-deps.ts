import type { FeatureDeps } from "../commands/deps.ts";

/** What the Open311 API needs from the running bot: what filing needs, and how to make photo links. */
export interface ApiDeps
  extends Pick<FeatureDeps, "db" | "log" | "now" | "timeZone" | "officeHours" | "admins" | "policy"> {
  /** Signs photo links; without it requests carry no media_url. */
  secret: string | undefined;
  /** The bot's public address (RIQING_PUBLIC_URL); the request's own origin when unset. */
  publicUrl: (() => string) | undefined;
  /** Tells the bot's outbox that a request's transaction queued messages (the new issue's card). */
  queued(): void;
}
