import type * as lark from "@larksuiteoapi/node-sdk";
import type { Logger } from "../log.ts";

type Level = "error" | "warn" | "info" | "debug" | "trace";

/** SDK levels kept as they are (the receivers: the SDK's connection errors are worth seeing). */
const AS_IS: Readonly<Record<Level, Level>> = {
  error: "error",
  warn: "warn",
  info: "info",
  debug: "debug",
  trace: "trace",
};

/** SDK levels turned down, for a caller that logs each failure itself. */
export const QUIET_SDK_LEVELS: Readonly<Record<Level, Level>> = {
  error: "debug",
  warn: "debug",
  info: "trace",
  debug: "trace",
  trace: "trace",
};

/**
 * Adapts pino to the SDK's logger interface so SDK messages land in the same structured log, at the pino level
 * `levels` maps each SDK level to, and log-safe (see `describe`).
 */
export function sdkLogger(log: Logger, levels = AS_IS): lark.Logger {
  const child = log.child({ component: "lark-sdk" });
  const write =
    (level: Level) =>
    (...args: unknown[]) => {
      const to = levels[level];
      if (child.isLevelEnabled(to)) child[to](args.map(describe).join(" "));
    };
  return {
    error: write("error"),
    warn: write("warn"),
    info: write("info"),
    debug: write("debug"),
    trace: write("trace"),
  };
}

/**
 * A log-safe summary of what the SDK passes: strings as they are (the logger censors secrets on every line), errors
 * and objects by their code, message and HTTP status only — axios errors carry request headers (the access token)
 * and token calls carry the app secret.
 */
function describe(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(describe).join(" ");
  if (value === null || typeof value !== "object") return String(value);
  const e = value as {
    code?: unknown;
    msg?: unknown;
    message?: unknown;
    response?: { status?: unknown; data?: unknown };
  };
  const data = (e.response?.data ?? {}) as { code?: unknown; msg?: unknown };
  const parts = [e.code ?? data.code, e.msg ?? data.msg, e.message, e.response?.status].filter(
    (x) => typeof x === "string" || typeof x === "number",
  );
  return parts.length ? parts.map(String).join(" ") : "[object]";
}
