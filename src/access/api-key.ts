import { createHash, randomBytes } from "node:crypto";

/** Keys look like `rq_` and 43 characters of base64url (32 random bytes). */
const KEY_PATTERN = /^rq_[A-Za-z0-9_-]{43}$/;

/** A new API key, to show once and never store. */
export function newApiKey(): string {
  return `rq_${randomBytes(32).toString("base64url")}`;
}

/**
 * What is stored of a key: its SHA-256 in hex. A key has 256 random bits, so a plain hash cannot be reversed by
 * guessing, and looking a key up by its hash is one indexed query.
 */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** Whether a string has the shape of a key (so a mistyped one is refused without a query). */
export function looksLikeApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}
