import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { newId } from "./new-id.ts";

/** An HTTP request as Lark would POST it to a webhook: headers and the exact body bytes (compact JSON). */
export interface WebhookRequest {
  headers: Record<string, string>;
  body: string;
}

/** Ways to spoil a request so receiver tests can check they refuse it. */
export type WebhookTamper = "signature" | "stale" | "token";

export interface WebhookRequestOptions {
  /** Encrypt Key; without it the body is plain and unsigned, as Lark does. */
  encryptKey?: string;
  /** Wrap the payload as `{"encrypt":…}`. Requires encryptKey. */
  encrypt: boolean;
  /** Leave out the signature headers even with an encryptKey (Lark does so for url_verification). */
  unsigned?: boolean;
  /** Unix seconds for X-Lark-Request-Timestamp. */
  timestampSeconds: number;
  tamper?: WebhookTamper;
}

/** How far in the past a "stale" request is dated: beyond Lark's last retry (6 h) and any receiver's window. */
export const STALE_SECONDS = 25 * 3600;

/**
 * Encrypts a JSON text the way Lark does: AES-256-CBC with key = SHA-256(encryptKey), PKCS#7 padding, a random
 * 16-byte IV prepended, the whole base64-encoded.
 */
export function encryptForLark(plaintext: string, encryptKey: string): string {
  const key = createHash("sha256").update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  return Buffer.concat([iv, cipher.update(plaintext, "utf8"), cipher.final()]).toString("base64");
}

/** Lark's webhook signature: hex SHA-256 of timestamp + nonce + encryptKey + body. */
export function signForLark(timestamp: string, nonce: string, encryptKey: string, body: string): string {
  return createHash("sha256")
    .update(timestamp + nonce + encryptKey + body)
    .digest("hex");
}

/**
 * Builds the request Lark would send for `payload` (an event envelope or a url_verification challenge):
 * compact JSON, optionally encrypted, signed whenever an encryptKey is known, optionally tampered with.
 * A "token" tamper expects a v2 envelope or a challenge and replaces its verification token.
 */
export function buildWebhookRequest(payload: object, options: WebhookRequestOptions): WebhookRequest {
  const { encryptKey, tamper } = options;
  if (options.encrypt && !encryptKey) throw new Error("encrypting a webhook body needs an encryptKey");
  if (tamper === "signature" && !encryptKey)
    throw new Error("Lark signs webhook bodies only when an encryptKey is set");
  const content = tamper === "token" ? withWrongToken(payload) : payload;
  const json = JSON.stringify(content);
  const body = options.encrypt && encryptKey ? JSON.stringify({ encrypt: encryptForLark(json, encryptKey) }) : json;
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
  if (encryptKey && !options.unsigned) {
    const timestamp = String(options.timestampSeconds - (tamper === "stale" ? STALE_SECONDS : 0));
    const nonce = newId("nonce");
    const signature = signForLark(timestamp, nonce, encryptKey, body);
    headers["x-lark-request-timestamp"] = timestamp;
    headers["x-lark-request-nonce"] = nonce;
    headers["x-lark-signature"] = tamper === "signature" ? flipFirstHexDigit(signature) : signature;
  }
  return { headers, body };
}

function withWrongToken(payload: object): object {
  const wrong = "wrong-verification-token";
  if ("header" in payload && typeof payload.header === "object" && payload.header !== null) {
    return { ...payload, header: { ...payload.header, token: wrong } };
  }
  return { ...payload, token: wrong };
}

function flipFirstHexDigit(hex: string): string {
  return (hex[0] === "0" ? "1" : "0") + hex.slice(1);
}
