import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/env.ts";
import { createLogger, silentLogger } from "../../src/log.ts";
import { type Sandbox, startSandbox } from "../../src/sandbox/start-sandbox.ts";

/** 09:00 on a Monday in Shanghai: a working morning, well before the 18:00 digest. */
export const MONDAY_9AM = new Date("2026-11-23T01:00:00Z");

/** A sandbox as `npm start` runs it (no Lark credentials), on a free port and in a temporary DATA_DIR. */
export interface TestSandbox {
  sandbox: Sandbox;
  /** Origin, e.g. http://127.0.0.1:41234 */
  origin: string;
  /** Demo person open_ids by name. */
  people: Map<string, string>;
  /** Demo group chat ids by name. */
  chats: Map<string, string>;
  close(): Promise<void>;
}

/** Starts the sandbox with its clock at `clockStart` (default Monday 09:00 in Shanghai). */
export async function startTestSandbox(clockStart = MONDAY_9AM): Promise<TestSandbox> {
  const dir = mkdtempSync(join(tmpdir(), "riqing-sandbox-"));
  const config = loadConfig({ DATA_DIR: dir, PORT: "0", LOG_LEVEL: "silent" });
  const log = process.env.RIQING_TEST_LOG ? createLogger(process.env.RIQING_TEST_LOG) : silentLogger;
  const sandbox = await startSandbox(config, log, { clockStart, quiet: true });
  const session = sandbox.session();
  if (!session) throw new Error("sandbox has no session");
  return {
    sandbox,
    origin: new URL(sandbox.url).origin,
    people: new Map(session.tenant.people.map((p) => [p.name, p.openId])),
    chats: new Map(session.tenant.chats.map((c) => [c.name, c.chatId])),
    async close() {
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The value for `name` in a map filled from the demo org; throws for a typo. */
export function named(map: Map<string, string>, name: string): string {
  const value = map.get(name);
  if (!value) throw new Error(`no demo entry named ${name}`);
  return value;
}
