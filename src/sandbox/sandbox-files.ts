import { rmSync } from "node:fs";
import { relative, resolve } from "node:path";
import type { Config } from "../config/env.ts";
import { sqlitePath } from "../db/sqlite-file.ts";
import { SANDBOX_TEXTS } from "../texts/sandbox.ts";

/** Where the sandbox keeps its state: one folder holding its database, saved chats, photos and exports. */
export interface SandboxFiles {
  /** `<DATA_DIR>/sandbox`, absolute. */
  dir: string;
  databaseUrl: string;
}

/**
 * The sandbox's folder and database. Resetting deletes the whole folder, so the database must live inside it (the
 * default, `<DATA_DIR>/sandbox/riqing.db`); a DATABASE_URL pointing elsewhere is refused rather than wiped.
 */
export function sandboxFiles(config: Config): SandboxFiles {
  const dir = resolve(config.dataDir, "sandbox");
  const database = resolve(sqlitePath(config.databaseUrl));
  const inside = relative(dir, database);
  if (inside === "" || inside.startsWith("..") || resolve(dir, inside) !== database) {
    throw new Error(SANDBOX_TEXTS.databaseOutside(config.databaseUrl, dir));
  }
  return { dir, databaseUrl: `file:${database}` };
}

/** Deletes everything the sandbox stored (database, saved chats, photos, exports), before the demo is seeded again. */
export function wipeSandbox(files: SandboxFiles): void {
  rmSync(files.dir, { recursive: true, force: true });
}
