import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Short signed tokens: base64url(JSON claims) "." base64url(HMAC-SHA256). The HMAC covers a purpose word too, so a
 * token made for one use (a board link) is never accepted for another (a photo link, an OAuth state). Every token
 * carries its expiry `exp` in seconds since the epoch.
 */

/** What a token is for; part of what is signed. */
export type TokenPurpose = "board" | "photo" | "oauth-state";

/** Claims every token carries. */
export interface BaseClaims {
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** Why a token was refused: not ours (forged, cut, for another purpose) or past its expiry. */
export type TokenProblem = "invalid" | "expired";

function mac(secret: string, purpose: TokenPurpose, payload: string): Buffer {
  return createHmac("sha256", secret).update(`${purpose}.${payload}`).digest();
}

/** Signs `claims` for `purpose`. */
export function signClaims<C extends BaseClaims>(secret: string, purpose: TokenPurpose, claims: C): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  return `${payload}.${mac(secret, purpose, payload).toString("base64url")}`;
}

/**
 * The claims of a token signed for `purpose` with `secret`, checked against `now`; `parse` checks their shape (a
 * zod schema's `safeParse`, say). Never throws.
 */
export function readClaims<C extends BaseClaims>(
  secret: string,
  purpose: TokenPurpose,
  token: string,
  now: Date,
  parse: (value: unknown) => C | undefined,
): { ok: true; claims: C } | { ok: false; problem: TokenProblem } {
  const [payload, signature, ...rest] = token.split(".");
  if (!payload || !signature || rest.length > 0) return { ok: false, problem: "invalid" };
  const expected = mac(secret, purpose, payload);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, problem: "invalid" };
  let claims: C | undefined;
  try {
    claims = parse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
  } catch {
    claims = undefined;
  }
  if (!claims || !Number.isFinite(claims.exp)) return { ok: false, problem: "invalid" };
  if (claims.exp * 1000 <= now.getTime()) return { ok: false, problem: "expired" };
  return { ok: true, claims };
}
