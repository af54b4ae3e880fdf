import { createDecipheriv, createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { BodyError, readBody } from "../../access/read-body.ts";
import type { Log } from "../../log.ts";
import { asFlatEvent, HANDLED_EVENT_TYPES } from "../flat-event.ts";
import type { ReceiverSink } from "./sink.ts";

/** Largest body Riqing reads; Lark's own events are far smaller. */
export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * The oldest event (by its signature timestamp and its create_time) Riqing accepts: Lark re-pushes a failed event
 * after 15 s, 5 min, 1 h and 6 h with the first push's signature, so a bot back from an outage must accept hours-old
 * events; older ones are replays. The inbox keeps every event id it stored (never pruned), so a retry or replay
 * inside the window is processed once — de-duplication outlives the window by far more than the 48 h it needs.
 */
export const MAX_EVENT_AGE_SECONDS = 24 * 3600;
/** How far ahead of the bot's clock a timestamp may be (clocks drift). */
export const MAX_FUTURE_SKEW_SECONDS = 5 * 60;

export interface WebhookOptions {
  /** When set, every event must be signed with it (and encrypted bodies are decrypted with it). */
  encryptKey?: string;
  /** Every event and challenge must carry it: a request without it did not come from Lark. */
  verificationToken: string;
  sink: ReceiverSink;
  log: Log;
  /** Counts rejected requests by reason (metrics). */
  onRejected?: (reason: string) => void;
  now?: () => number;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The answer to a webhook request: its status and JSON body. */
export interface WebhookAnswer {
  status: number;
  body: unknown;
}

/**
 * The handler of `POST /lark/events` (on the receiver thread, lark/receivers/receiver-thread.ts): verifies (signature,
 * timestamp window, verification token), decrypts, answers the url_verification challenge, and hands events to the
 * sink, which stores them before this answers 200. Card callbacks get the sink's inline answer in the response body.
 */
export function createWebhookHandler(options: WebhookOptions): (request: IncomingMessage) => Promise<WebhookAnswer> {
  // Lark encrypts with AES-256-CBC under the SHA-256 of the Encrypt Key (not the SDK's AESCipher, which the receiver
  // thread does not load: see receiver-thread.ts).
  const key = options.encryptKey ? createHash("sha256").update(options.encryptKey).digest() : undefined;
  const now = options.now ?? Date.now;

  async function handle(request: IncomingMessage): Promise<unknown> {
    const raw = await readText(request);
    const outer = parseJson(raw);
    const encrypted = typeof outer.encrypt === "string";
    let body: Record<string, unknown> = outer;
    if (encrypted) {
      if (!key) throw new HttpProblem(400, "encrypted body but LARK_ENCRYPT_KEY is not set");
      body = parseJson(decrypt(key, outer.encrypt as string));
    }

    if (body.type === "url_verification") {
      checkToken(body.token);
      return { challenge: body.challenge };
    }

    if (options.encryptKey) checkSignature(request, raw, options.encryptKey);
    const header = (body.header ?? {}) as Record<string, unknown>;
    checkToken(body.schema === "2.0" ? header.token : body.token);

    const flat = flatten(body);
    const event = asFlatEvent(flat);
    if (!event) throw new HttpProblem(400, "not a Lark v2 event");
    checkAge(createdAtMs(event.create_time));
    if (!(HANDLED_EVENT_TYPES as readonly string[]).includes(event.event_type)) {
      options.log.info({ eventType: event.event_type, eventId: event.event_id }, "ignoring unhandled event type");
      return {};
    }
    return (await options.sink(event)) ?? {};
  }

  function checkToken(token: unknown): void {
    if (typeof token !== "string" || !sameSecret(token, options.verificationToken)) {
      throw new HttpProblem(401, "verification token mismatch");
    }
  }

  /** Refuses what was signed or created more than a day ago, or is dated in the future. */
  function checkAge(atMs: number | undefined): void {
    if (atMs === undefined) return;
    const ageSeconds = (now() - atMs) / 1000;
    if (!Number.isFinite(ageSeconds) || ageSeconds > MAX_EVENT_AGE_SECONDS || ageSeconds < -MAX_FUTURE_SKEW_SECONDS) {
      throw new HttpProblem(401, "stale timestamp");
    }
  }

  function checkSignature(request: IncomingMessage, raw: string, encryptKey: string): void {
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
    };
    const timestamp = header("x-lark-request-timestamp");
    const nonce = header("x-lark-request-nonce");
    const signature = header("x-lark-signature");
    if (!timestamp || !nonce || !signature) throw new HttpProblem(401, "missing signature headers");
    checkAge(Number(timestamp) * 1000);
    const expected = createHash("sha256")
      .update(timestamp + nonce + encryptKey + raw)
      .digest();
    const given = Buffer.from(signature, "hex");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HttpProblem(401, "bad signature");
    }
  }

  return async (request) => {
    try {
      return { status: 200, body: await handle(request) };
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      options.log.warn({ reason: error.reason, status: error.status }, "webhook request rejected");
      options.onRejected?.(error.reason);
      return { status: error.status, body: { error: error.reason } };
    }
  };
}

/** Compares a secret in constant time (digests, so lengths do not show either). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** An event's create_time in epoch ms: Lark writes milliseconds, or microseconds (16 digits) for card callbacks. */
function createdAtMs(createTime: string | undefined): number | undefined {
  if (createTime === undefined || !/^\d+$/.test(createTime)) return undefined;
  return createTime.length >= 16 ? Number(createTime) / 1000 : Number(createTime);
}

/** Lark's v2 envelope flattened as the SDK's EventDispatcher does: header and event fields side by side. */
function flatten(body: Record<string, unknown>): Record<string, unknown> {
  if (body.schema === "2.0") {
    const { header, event, ...rest } = body as { header?: object; event?: object };
    return { ...rest, ...header, ...event };
  }
  return body;
}

async function readText(request: IncomingMessage): Promise<string> {
  try {
    return (await readBody(request, MAX_BODY_BYTES)).toString("utf8");
  } catch (error) {
    throw error instanceof BodyError ? new HttpProblem(error.status, "body too large") : error;
  }
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the 400 below
  }
  throw new HttpProblem(400, "malformed JSON");
}

/** An encrypted body's plain text: base64 of a 16-byte IV and the ciphertext, PKCS#7 padded. */
function decrypt(key: Buffer, data: string): string {
  try {
    const bytes = Buffer.from(data, "base64");
    const decipher = createDecipheriv("aes-256-cbc", key, bytes.subarray(0, 16));
    return Buffer.concat([decipher.update(bytes.subarray(16)), decipher.final()]).toString("utf8");
  } catch {
    throw new HttpProblem(401, "cannot decrypt");
  }
}
