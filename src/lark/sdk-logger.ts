import type { Logger } from "../log.ts";

/** Adapts pino to the SDK's logger interface so SDK messages land in the same structured log. */
export function sdkLogger(log: Logger) {
  const child = log.child({ component: "lark-sdk" });
  const line = (args: unknown[]) => args.map(describe).join(" ");
  return {
    error: (...args: unknown[]) => child.error(line(args)),
    warn: (...args: unknown[]) => child.warn(line(args)),
    info: (...args: unknown[]) => child.info(line(args)),
    debug: (...args: unknown[]) => child.debug(line(args)),
    trace: (...args: unknown[]) => child.trace(line(args)),
  };
}

/**
 * A log-safe summary of what the SDK passes: strings as they are, errors and objects by their message and code only —
 * axios errors carry request headers (the access token) and token calls carry the app secret.
 */
function describe(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const v = value as { message?: unknown; code?: unknown; msg?: unknown };
    const parts = [v.code, v.msg, v.message].filter((x) => typeof x === "string" || typeof x === "number");
    return parts.length ? parts.join(" ") : "[object]";
  }
  return String(value);
}
