import type { Logger } from "../log.ts";

/** Adapts pino to the SDK's logger interface so SDK messages land in the same structured log. */
export function sdkLogger(log: Logger) {
  const child = log.child({ component: "lark-sdk" });
  const line = (args: unknown[]) => args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ");
  return {
    error: (...args: unknown[]) => child.error(line(args)),
    warn: (...args: unknown[]) => child.warn(line(args)),
    info: (...args: unknown[]) => child.info(line(args)),
    debug: (...args: unknown[]) => child.debug(line(args)),
    trace: (...args: unknown[]) => child.trace(line(args)),
  };
}
