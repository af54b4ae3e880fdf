import { LarkApiError } from "./errors.ts";

/** Prisma's codes for a database that is busy, unreachable or timed out (SQLITE_BUSY arrives as P1008). */
const PRISMA_TRANSIENT = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028", "P2034"]);

/** SQLite result codes (by prefix) that a later try can get past: locks, I/O trouble, a full disk. */
const SQLITE_TRANSIENT = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|PROTOCOL)/;

/** The same as SQLite's primary result codes (an extended code's low byte), as the libSQL adapter reports them. */
const SQLITE_TRANSIENT_CODES = new Set([5, 6, 10, 13, 15]);

/** Node's codes for network and file-system trouble that passes. */
const SYSTEM_TRANSIENT = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ENOSPC",
  "EIO",
  "EMFILE",
  "ENFILE",
  "EBUSY",
  "EAGAIN",
]);

/**
 * Whether trying the same work again later can succeed: Lark's retryable failures, a busy or unreachable database,
 * network and disk trouble — looking through `cause` chains. Anything else (a bug, bad data) is not.
 */
export function isTransientError(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    if (e instanceof LarkApiError) return e.retryable;
    const { code, meta, cause } = e as { code?: unknown; meta?: unknown; cause?: unknown };
    if (typeof code === "string" && (PRISMA_TRANSIENT.has(code) || SYSTEM_TRANSIENT.has(code))) return true;
    if (typeof code === "string" && SQLITE_TRANSIENT.test(code)) return true;
    const adapter = (
      meta as { driverAdapterError?: { cause?: { kind?: unknown; extendedCode?: unknown } } } | undefined
    )?.driverAdapterError?.cause;
    if (adapter?.kind === "sqlite" && typeof adapter.extendedCode === "number") {
      if (SQLITE_TRANSIENT_CODES.has(adapter.extendedCode & 0xff)) return true;
    }
    e = cause;
  }
  return false;
}
