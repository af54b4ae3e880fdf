/** Shared fixtures for the emulator tests: SDK clients wired to an emulator, a manual clock, sample bytes. */
import * as lark from "@larksuiteoapi/node-sdk";
import type { LarkEmulator } from "../../src/emulator/index.ts";

export const APP_ID = "cli_0123456789abcdef";
export const APP_SECRET = "emulator-secret";
export const ENCRYPT_KEY = "encrypt-key-for-tests";
export const VERIFICATION_TOKEN = "verification-token-for-tests";

/** A clock tests move by hand; starts at a fixed instant. */
export class ManualClock {
  private time = Date.parse("2025-06-02T09:00:00+08:00");
  readonly now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

/** The SDK logs through console by default; tests keep it quiet. */
export const silentLogger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  trace: () => undefined,
};

/**
 * A real SDK client talking to the emulator. By default the SDK caches tokens in one module-wide cache keyed by
 * app id, shared by every Client in the process; each test client gets its own so tokens from one emulator
 * never leak into another.
 */
export function sdkClient(emu: LarkEmulator): lark.Client {
  return new lark.Client({
    appId: APP_ID,
    appSecret: APP_SECRET,
    domain: emu.baseUrl,
    cache: new lark.DefaultCache(),
    logger: silentLogger,
  });
}

/** The Lark answer inside an SDK (axios) error, or the error itself when it has none. */
export async function larkFailure(
  promise: Promise<unknown>,
): Promise<{ status?: number; code?: number; msg?: string; headers?: Record<string, string> }> {
  try {
    await promise;
  } catch (error) {
    const response = (error as { response?: { status: number; data: unknown; headers: Record<string, string> } })
      .response;
    if (!response) return {};
    const data = response.data as { code?: number; msg?: string };
    return { status: response.status, code: data.code, msg: data.msg, headers: response.headers };
  }
  throw new Error("expected the call to fail");
}

/** Polls until `probe` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

/** A shared (updatable) card 1.0 with one button. */
export function sharedCard(title: string): Record<string, unknown> {
  return {
    config: { wide_screen_mode: true, update_multi: true },
    header: { title: { tag: "plain_text", content: title }, template: "blue" },
    elements: [
      { tag: "markdown", content: `**${title}**` },
      {
        tag: "action",
        actions: [{ tag: "button", text: { tag: "plain_text", content: "OK" }, type: "primary", value: { cmd: "ok" } }],
      },
    ],
  };
}
