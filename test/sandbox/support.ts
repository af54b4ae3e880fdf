import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/env.ts";
import { createLogger, silentLogger } from "../../src/log.ts";
import { type Sandbox, type SandboxOptions, startSandbox } from "../../src/sandbox/start-sandbox.ts";

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
  /** Stops the sandbox and deletes its DATA_DIR (unless the caller gave it). */
  close(): Promise<void>;
}

/** Where and how to start a test sandbox. */
export interface TestSandboxOptions extends Omit<SandboxOptions, "quiet"> {
  /** DATA_DIR to use and keep, e.g. to start again on the same data; default a fresh temporary folder. */
  dataDir?: string;
  /** Port to listen on, e.g. to start again where a page is still connected; default a free one. */
  port?: number;
}

/** A fresh temporary DATA_DIR. */
export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), "riqing-sandbox-"));
}

/** Starts the sandbox, by default with its clock at Monday 09:00 in Shanghai in a temporary DATA_DIR. */
export async function startTestSandbox(options: TestSandboxOptions = { clockStart: MONDAY_9AM }): Promise<TestSandbox> {
  const { dataDir, port, ...sandboxOptions } = options;
  const dir = dataDir ?? tempDataDir();
  const config = loadConfig({ DATA_DIR: dir, PORT: String(port ?? 0), LOG_LEVEL: "silent" });
  const log = process.env.RIQING_TEST_LOG ? createLogger(process.env.RIQING_TEST_LOG) : silentLogger;
  const sandbox = await startSandbox(config, log, { ...sandboxOptions, quiet: true });
  const session = sandbox.session();
  if (!session) throw new Error("sandbox has no session");
  return {
    sandbox,
    origin: new URL(sandbox.url).origin,
    people: new Map(session.tenant.people.map((p) => [p.name, p.openId])),
    chats: new Map(session.tenant.chats.map((c) => [c.name, c.chatId])),
    async close() {
      await sandbox.stop();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * POSTs to the sandbox API as its own page does: JSON, from the page's origin (the browser sends Origin with every
 * POST; the sandbox refuses a change that does not prove it is same-origin). A string body goes as it is.
 */
export function postToSandbox(origin: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${origin}/sandbox/api/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: origin },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** The value for `name` in a map filled from the demo org; throws for a typo. */
export function named(map: Map<string, string>, name: string): string {
  const value = map.get(name);
  if (!value) throw new Error(`no demo entry named ${name}`);
  return value;
}
