import type { BoardLinkSettings } from "../commands/board-link.ts";
import type { OfficeHours } from "../config/office-hours.ts";
import type { Db } from "../db/client.ts";
import type { Logger } from "../log.ts";

/** Feishu web login for the board: the app's authorize page and the two calls after it (lark/client.ts). */
export interface BoardLogin {
  /** The URL of Feishu's authorize page for this app, coming back to `redirectUri` with `state`. */
  authorizeUrl(redirectUri: string, state: string): string;
  /** The open_id of the user who authorized, from the code Feishu sent back. */
  userOf(code: string, redirectUri: string): Promise<string>;
}

/** What the 挂图作战 board needs from the running bot. */
export interface BoardDeps {
  db: Db;
  log: Logger;
  now(): Date;
  timeZone: string;
  /** RIQING_OFFICE_HOURS: what 工作时 durations count (behaviour §8.7); the default office hours when not given. */
  officeHours?: OfficeHours;
  admins: readonly string[];
  dataDir: string;
  /** Signs and checks links; absent when the board is not set up (every request is refused then). */
  links: BoardLinkSettings | undefined;
  /** Present when RIQING_BOARD_LOGIN=feishu. */
  login: BoardLogin | undefined;
}
