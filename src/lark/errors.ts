/**
 * Every failed call to Lark becomes one `LarkApiError`: Lark's code and message, the log id to quote to Lark
 * support, the HTTP status, the call that failed, whether trying again can help, and a fix hint for the codes
 * an operator can act on. The classification lives here so the client, the outbox and the tests agree on it.
 */

import { LARK_HINTS } from "../texts/lark.ts";

/** Names of the outbound calls, carried by every error so a log line says what failed. */
export type LarkCallName =
  | "send"
  | "reply"
  | "patch"
  | "uploadImage"
  | "uploadFile"
  | "download"
  | "getUser"
  | "getUsers"
  | "isInChat"
  | "listMembers"
  | "botInfo"
  | "oauthToken"
  | "userInfo";

/**
 * Why a call failed:
 * - `rate_limited`: Lark's per-app (99991400) or per-chat (230020) frequency limit; retry after the reset.
 * - `token`: the tenant token was missing or expired (99991661/99991663); refresh it, then retry once.
 * - `server`: HTTP 5xx or an internal error; retry with backoff.
 * - `network`: the request never reached Lark (connection refused, DNS failure); retry with backoff.
 * - `timeout`: the request left but no answer came (timed out, connection dropped) — Lark may still have done
 *   it, so the client retries only idempotent calls (a send with uuid, a patch, a read).
 * - `rejected`: Lark refused the request for a reason that will not go away by itself.
 * - `invalid_request`: refused locally before calling Lark (e.g. a card over Lark's size limit).
 * - `credentials`: the app id or secret is wrong; nothing works until the configuration is fixed.
 */
export type LarkErrorKind =
  | "rate_limited"
  | "token"
  | "server"
  | "network"
  | "timeout"
  | "rejected"
  | "invalid_request"
  | "credentials";

/** Well-known Lark error codes. */
export const LarkCode = {
  rateLimited: 99991400,
  tokenMissing: 99991661,
  tokenInvalid: 99991663,
  scopeMissing: 99991672,
  invalidParam: 230001,
  botNotInChat: 230002,
  botAbilityDisabled: 230006,
  messageRecalled: 230011,
  userOutOfScope: 230013,
  chatRateLimited: 230020,
  contentTooLong: 230025,
  contentBlocked: 230028,
  tooOldToUpdate: 230031,
  threadReplyUnsupported: 230071,
  cardInvalid: 230099,
  chatDissolved: 232009,
  resourceNotInMessage: 234003,
  appNotInChat: 234004,
  fileTooLarge: 234006,
  fileEmpty: 234010,
  imageUnrecognized: 234011,
  appIdInvalid: 10003,
  appSecretInvalid: 10014,
} as const;

const RETRYABLE_CODES = new Map<number, LarkErrorKind>([
  [LarkCode.rateLimited, "rate_limited"],
  [LarkCode.chatRateLimited, "rate_limited"],
  [LarkCode.tokenMissing, "token"],
  [LarkCode.tokenInvalid, "token"],
]);

const CREDENTIAL_CODES = new Set<number>([LarkCode.appIdInvalid, LarkCode.appSecretInvalid]);

/** Fix hints for the codes an operator can act on (texts/lark.ts). */
const HINTS: Record<number, string | ((larkMsg: string) => string)> = {
  [LarkCode.scopeMissing]: (larkMsg) => LARK_HINTS.scopeMissing(scopesIn(larkMsg)),
  [LarkCode.botNotInChat]: LARK_HINTS.botNotInChat,
  [LarkCode.botAbilityDisabled]: LARK_HINTS.botAbilityDisabled,
  [LarkCode.userOutOfScope]: LARK_HINTS.userOutOfScope,
  [LarkCode.chatDissolved]: LARK_HINTS.chatDissolved,
  [LarkCode.cardInvalid]: LARK_HINTS.cardInvalid,
  [LarkCode.invalidParam]: LARK_HINTS.invalidParam,
  [LarkCode.contentTooLong]: LARK_HINTS.contentTooLong,
  [LarkCode.contentBlocked]: LARK_HINTS.contentBlocked,
  [LarkCode.tooOldToUpdate]: LARK_HINTS.tooOldToUpdate,
  [LarkCode.messageRecalled]: LARK_HINTS.messageRecalled,
  [LarkCode.threadReplyUnsupported]: LARK_HINTS.threadReplyUnsupported,
  [LarkCode.resourceNotInMessage]: LARK_HINTS.resourceNotInMessage,
  [LarkCode.appNotInChat]: LARK_HINTS.appNotInChat,
  [LarkCode.fileTooLarge]: LARK_HINTS.fileTooLarge,
  [LarkCode.fileEmpty]: LARK_HINTS.fileEmpty,
  [LarkCode.imageUnrecognized]: LARK_HINTS.imageUnrecognized,
  [LarkCode.rateLimited]: LARK_HINTS.rateLimited,
  [LarkCode.chatRateLimited]: LARK_HINTS.chatRateLimited,
  [LarkCode.tokenInvalid]: LARK_HINTS.tokenInvalid,
  [LarkCode.appIdInvalid]: LARK_HINTS.appIdInvalid,
  [LarkCode.appSecretInvalid]: LARK_HINTS.appSecretInvalid,
};

/** The scope list Lark puts in square brackets in a 99991672 message, e.g. "[im:message, im:message:send_as_bot]". */
function scopesIn(larkMsg: string): string | undefined {
  const m = /\[([^\]]+)\]/.exec(larkMsg);
  return m?.[1]?.trim() || undefined;
}

/** The fix hint for a code, or undefined when there is nothing an operator can do about it. */
export function hintFor(code: number | null, larkMsg = ""): string | undefined {
  if (code === null) return undefined;
  const hint = HINTS[code];
  return typeof hint === "function" ? hint(larkMsg) : hint;
}

/** Everything known about a failed call; see `LarkApiError`. */
export interface LarkApiErrorInit {
  call: LarkCallName;
  kind: LarkErrorKind;
  /** Lark's error code; null when Lark never answered with one (network, timeout, local refusal). */
  code: number | null;
  larkMsg: string;
  logId?: string | undefined;
  httpStatus?: number | undefined;
  /** For rate limits: how long Lark asked to wait (from `x-ogw-ratelimit-reset`), in milliseconds. */
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

/** A failed call to Lark, classified. Never carries tokens or secrets. */
export class LarkApiError extends Error {
  override readonly name = "LarkApiError";
  readonly call: LarkCallName;
  readonly kind: LarkErrorKind;
  readonly code: number | null;
  readonly larkMsg: string;
  readonly logId: string | undefined;
  readonly httpStatus: number | undefined;
  readonly retryAfterMs: number | undefined;
  /** True when trying the same call again later can succeed. */
  readonly retryable: boolean;
  /** What to do about it (Chinese / English), for the well-known codes. */
  readonly hint: string | undefined;

  constructor(init: LarkApiErrorInit) {
    const label = init.code === null ? init.kind : String(init.code);
    super(`Lark ${init.call} failed (${label}): ${init.larkMsg}`, { cause: init.cause });
    this.call = init.call;
    this.kind = init.kind;
    this.code = init.code;
    this.larkMsg = init.larkMsg;
    this.logId = init.logId;
    this.httpStatus = init.httpStatus;
    this.retryAfterMs = init.retryAfterMs;
    this.retryable = isRetryableKind(init.kind);
    this.hint = hintFor(init.code, init.larkMsg);
  }

  /** A short single-line reason for a database column or a log line: code, message, hint. */
  describe(): string {
    const parts = [this.code === null ? this.kind : String(this.code), this.larkMsg];
    if (this.hint) parts.push(this.hint);
    return parts.join(" — ");
  }

  /** Fields for a structured log line (no cause, which may hold request details). */
  toLog(): Record<string, unknown> {
    return {
      call: this.call,
      kind: this.kind,
      code: this.code,
      msg: this.larkMsg,
      logId: this.logId,
      httpStatus: this.httpStatus,
      retryAfterMs: this.retryAfterMs,
      hint: this.hint,
    };
  }
}

/**
 * Whether Lark refused a message because it @-mentions someone it does not know: a card's "invalid user resource
 * (at/person)" (230099, sub-code 100290), or an invalid at in a text or post (230001).
 */
export function isMentionRefusal(error: LarkApiError): boolean {
  if (error.code === LarkCode.cardInvalid)
    return /ErrCode: 100290\b|invalid user resource \(at\/person\)/.test(error.larkMsg);
  return error.code === LarkCode.invalidParam && /invalid at user/i.test(error.larkMsg);
}

/** Whether a kind of failure may go away by itself. Timeouts count: callers pass a uuid where it matters. */
export function isRetryableKind(kind: LarkErrorKind): boolean {
  return kind === "rate_limited" || kind === "token" || kind === "server" || kind === "network" || kind === "timeout";
}

/** The kind of failure for a Lark error code and HTTP status. */
export function classifyCode(code: number, httpStatus: number | undefined): LarkErrorKind {
  const known = RETRYABLE_CODES.get(code);
  if (known) return known;
  if (CREDENTIAL_CODES.has(code)) return "credentials";
  if (httpStatus === 429) return "rate_limited";
  if (httpStatus !== undefined && httpStatus >= 500) return "server";
  return "rejected";
}

/** Error codes meaning the request cannot have reached Lark; anything else without an answer is ambiguous. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "ETIMEDOUT"]);

interface HttpishError {
  message?: unknown;
  code?: unknown;
  response?: { status?: unknown; data?: unknown; headers?: unknown };
}

/**
 * Turns whatever the SDK threw (an axios error with Lark's envelope in `response.data`, a network error, or the
 * SDK's own "failed to get tenant_access_token" error) into a `LarkApiError`.
 */
export function fromThrown(call: LarkCallName, thrown: unknown): LarkApiError {
  if (thrown instanceof LarkApiError) return thrown;
  const e = (typeof thrown === "object" && thrown !== null ? thrown : {}) as HttpishError;
  const message = typeof e.message === "string" ? e.message : String(thrown);
  const response = e.response;
  if (response && typeof response.status === "number") {
    const status = response.status;
    const envelope = parseEnvelope(response.data);
    const headers = headerReader(response.headers);
    if (envelope && typeof envelope.code === "number" && envelope.code !== 0) {
      return fromEnvelope(call, envelope, status, headers);
    }
    const kind: LarkErrorKind = status === 429 ? "rate_limited" : status >= 500 ? "server" : "rejected";
    return new LarkApiError({
      call,
      kind,
      code: null,
      larkMsg: `HTTP ${status}`,
      httpStatus: status,
      logId: headers("x-tt-logid"),
      retryAfterMs: kind === "rate_limited" ? resetMs(headers) : undefined,
      cause: safeCause(thrown),
    });
  }
  const tokenFailure = /failed to get (?:tenant|app)_access_token, code: (-?\d+), msg: (.*)$/.exec(message);
  if (tokenFailure) {
    const code = Number(tokenFailure[1]);
    return new LarkApiError({
      call,
      kind: CREDENTIAL_CODES.has(code) ? "credentials" : "server",
      code,
      larkMsg: `tenant token: ${tokenFailure[2] ?? ""}`,
      cause: safeCause(thrown),
    });
  }
  const errCode = typeof e.code === "string" ? e.code : undefined;
  const notSent = errCode !== undefined && NOT_SENT_CODES.has(errCode);
  return new LarkApiError({
    call,
    kind: notSent ? "network" : "timeout",
    code: null,
    larkMsg: errCode ? `${errCode}: ${message}` : message,
    cause: safeCause(thrown),
  });
}

/**
 * What may be kept of a thrown error: its name, message and code. Axios errors carry the request config, whose
 * headers hold the tenant token (and, for the token call, the body holds the app secret); none of that may travel
 * on with the error into logs or crash reports.
 */
function safeCause(thrown: unknown): Error {
  const e = (typeof thrown === "object" && thrown !== null ? thrown : {}) as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
  };
  const safe = new Error(typeof e.message === "string" ? e.message : String(thrown));
  if (typeof e.name === "string") safe.name = e.name;
  if (typeof e.code === "string") Object.assign(safe, { code: e.code });
  return safe;
}

/** Lark's error envelope, as far as Riqing reads it. */
export interface LarkEnvelope {
  code?: unknown;
  msg?: unknown;
  error?: { log_id?: unknown } | undefined;
  [key: string]: unknown;
}

/** Builds the error for an envelope whose code is not 0 (a 2xx the SDK resolved, or a 4xx/5xx it threw). */
export function fromEnvelope(
  call: LarkCallName,
  envelope: LarkEnvelope,
  httpStatus: number | undefined,
  headers: (name: string) => string | undefined = () => undefined,
): LarkApiError {
  const code = typeof envelope.code === "number" ? envelope.code : -1;
  const kind = classifyCode(code, httpStatus);
  const logId = typeof envelope.error?.log_id === "string" ? envelope.error.log_id : headers("x-tt-logid");
  return new LarkApiError({
    call,
    kind,
    code,
    larkMsg: typeof envelope.msg === "string" ? envelope.msg : "",
    logId,
    httpStatus,
    retryAfterMs: kind === "rate_limited" ? resetMs(headers) : undefined,
  });
}

/** Milliseconds until the rate limit resets, from `x-ogw-ratelimit-reset` (seconds). */
function resetMs(headers: (name: string) => string | undefined): number | undefined {
  const raw = headers("x-ogw-ratelimit-reset");
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
}

/** A case-insensitive reader over axios' header object (a plain object or an AxiosHeaders instance). */
export function headerReader(raw: unknown): (name: string) => string | undefined {
  if (typeof raw !== "object" || raw === null) return () => undefined;
  const entries = new Map<string, string>();
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    entries.set(k.toLowerCase(), Array.isArray(v) ? String(v[0]) : String(v));
  }
  return (name) => entries.get(name.toLowerCase());
}

/** Lark's JSON envelope from a response body that may be an object, a JSON string or a Buffer (binary calls). */
export function parseEnvelope(data: unknown): LarkEnvelope | undefined {
  if (data === null || data === undefined) return undefined;
  if (Buffer.isBuffer(data) || data instanceof ArrayBuffer) {
    return parseEnvelope(Buffer.from(data as Buffer).toString("utf8"));
  }
  if (typeof data === "string") {
    try {
      return parseEnvelope(JSON.parse(data));
    } catch {
      return undefined;
    }
  }
  return typeof data === "object" ? (data as LarkEnvelope) : undefined;
}
