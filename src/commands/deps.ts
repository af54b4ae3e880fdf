import type { OfficeHours } from "../config/office-hours.ts";
import type { Db } from "../db/client.ts";
import type { LifecyclePolicy } from "../domain/lifecycle.ts";
import type { Logger } from "../log.ts";
import type { BackgroundTasks } from "./background.ts";
import type { BoardLinkSettings } from "./board-link.ts";
import type { CommandContext, PhotoFile } from "./context.ts";

/** A photo of a message, stored, or why it could not be. */
export type FetchedPhoto = { ok: true; photo: PhotoFile } | { ok: false; reason: string };

/** What the chat features need from the world; createRiqing wires the real ones, tests the same through the emulator. */
export interface FeatureDeps {
  db: Db;
  /** Where `db` is, for work that opens a connection of its own on another thread (ledger exports). */
  databaseUrl: string;
  log: Logger;
  now(): Date;
  timeZone: string;
  /** Office hours of a working day (RIQING_OFFICE_HOURS), for time limits in 工作时. */
  officeHours: OfficeHours;
  admins: readonly string[];
  policy: LifecyclePolicy;
  dataDir: string;
  /** The bot's own open_id (mentions of it are commands and report triggers). */
  botOpenId: string;
  /** Downloads and stores a message's images. */
  fetchPhotos(messageId: string, imageKeys: string[]): Promise<FetchedPhoto[]>;
  /** Uploads stored photos for card use (once per content); their Lark image keys, in order. */
  publishPhotos(photos: PhotoFile[]): Promise<string[]>;
  /** Uploads a file for a file message; returns Lark's file_key. */
  uploadFile(path: string, fileName: string): Promise<string>;
  /** The display name of a Lark user. */
  userName(openId: string): Promise<string>;
  /**
   * Tells the outbox that messages were queued (their transaction committed), so they go out now rather than at its
   * next poll: after every sweep (the scheduler), and as it goes in a sweep that queues for seconds (the 18:00
   * digests). Absent where no outbox sender runs beside (the command line).
   */
  queued?(): void;
  /** This instance's work beside the chats (ledger exports). */
  background: BackgroundTasks;
  /** How 挂图作战 board links are made; absent when the board has no secret or no public address. */
  board?: BoardLinkSettings;
}

/**
 * What the scheduled jobs need from the world: a subset of the chat features' dependencies, so the bot passes its
 * FeatureDeps as they are and the CLI builds the few it needs. `publishPhotos` uploads the digest chart,
 * `uploadFile` the 工作简报's document.
 */
export type JobDeps = Pick<
  FeatureDeps,
  | "db"
  | "log"
  | "timeZone"
  | "officeHours"
  | "dataDir"
  | "admins"
  | "policy"
  | "publishPhotos"
  | "uploadFile"
  | "queued"
>;

/** The command context at this instant. */
export function commandContext(deps: FeatureDeps): CommandContext {
  return {
    now: deps.now(),
    timeZone: deps.timeZone,
    officeHours: deps.officeHours,
    admins: deps.admins,
    policy: deps.policy,
  };
}
