import type { Logger } from "../../log.ts";
import { LarkApiError } from "../errors.ts";
import type { Layer } from "./call.ts";

/**
 * One log line for a call that failed for good, normalized (code, message, log id, hint; never a token): a warning
 * when the failure is transient (the outbox or the caller will try later), an error otherwise.
 */
export function logFailures(log: Logger): Layer {
  return (next) => async (call) => {
    try {
      return await next(call);
    } catch (error) {
      if (error instanceof LarkApiError) {
        log[error.retryable ? "warn" : "error"]({ ...error.toLog(), willRetry: false }, "Lark call failed");
      }
      throw error;
    }
  };
}
