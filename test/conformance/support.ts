/**
 * Conformance of the emulator to Feishu's documented API examples: each test sends the request of a page's example
 * (its ids swapped for the emulated tenant's) through the real SDK and holds the answer to the page's response
 * example — every field the emulator returns is a documented field of the documented JSON type, and the fields the
 * bot relies on are there.
 */
import * as lark from "@larksuiteoapi/node-sdk";
import { expect } from "vitest";
import { LarkEmulator } from "../../src/emulator/index.ts";

export const APP_ID = "cli_9f427eec54ae901b";
export const APP_SECRET = "conformance-secret";
export const USER = "ou_7d8a6e6df7621556ce0d21922b676706ccs";
export const CHAT = "oc_a0553eda9014c201e6969b478895c230";

/** An emulator (on `now`, default real time) with one user in one group with the bot, and an SDK client. */
export async function conformanceTenant(
  options: { now?: () => number } = {},
): Promise<{ emu: LarkEmulator; client: lark.Client }> {
  const emu = await LarkEmulator.start({ appId: APP_ID, appSecret: APP_SECRET, ...options });
  emu.addUser({ openId: USER, name: "张三", mobile: "13011111111" });
  emu.addChat({ chatId: CHAT, name: "测试群名称", members: [USER] });
  return { emu, client: sdkClientFor(emu) };
}

/** The SDK logs every refused call through console; the refusals here are on purpose. */
const QUIET = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };

/** A real SDK client for the emulator with its own token cache (a new one fetches a new token). */
export function sdkClientFor(emu: LarkEmulator): lark.Client {
  return new lark.Client({
    appId: APP_ID,
    appSecret: APP_SECRET,
    domain: emu.baseUrl,
    cache: new lark.DefaultCache(),
    logger: QUIET,
  });
}

function kind(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "array" : typeof value;
}

/**
 * Holds `actual` to a documented example: each of its fields exists in the example with the same JSON type (arrays
 * compared by their first item), recursively; and each `required` dotted path (`data.message_id`) is present.
 */
export function expectDocumentedShape(actual: unknown, documented: unknown, required: readonly string[] = []): void {
  const problems: string[] = [];
  const walk = (a: unknown, d: unknown, path: string): void => {
    if (kind(a) !== kind(d)) {
      problems.push(`${path || "(root)"}: ${kind(a)}, documented ${kind(d)}`);
      return;
    }
    if (Array.isArray(a) && Array.isArray(d)) {
      if (d.length > 0) for (const item of a) walk(item, d[0], `${path}[]`);
      return;
    }
    if (kind(a) !== "object") return;
    const doc = d as Record<string, unknown>;
    for (const [key, value] of Object.entries(a as Record<string, unknown>)) {
      const at = path ? `${path}.${key}` : key;
      if (!(key in doc)) problems.push(`${at}: not in the documented example`);
      else walk(value, doc[key], at);
    }
  };
  walk(actual, documented, "");
  for (const path of required) {
    const value = path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], actual);
    if (value === undefined) problems.push(`${path}: missing`);
  }
  expect(problems).toEqual([]);
}

/** The Lark answer inside an SDK (axios) error. */
export async function refusal(promise: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  try {
    await promise;
  } catch (error) {
    const response = (error as { response?: { status: number; data: unknown } }).response;
    if (response) return { status: response.status, body: response.data };
    throw error;
  }
  throw new Error("expected Lark to refuse the call");
}
