import type { Logger } from "../../log.ts";
import { backoffMs } from "../backoff.ts";
import { LarkApiError } from "../errors.ts";
import type { Clock } from "../pacer.ts";
import type { Layer } from "./call.ts";

/**
 * Tries a call again while its failure is transient and tries are left: rate limits at once (the pacer below holds
 * the call until Lark's reset), other transient failures after an exponential backoff with jitter. A timeout is
 * tried again only for an idempotent call: a send without uuid may have been delivered.
 */
export function retry(clock: Clock, log: Logger): Layer {
  return (next) => async (call) => {
    const attempts = Math.max(1, call.attempts);
    for (let attempt = 1; ; attempt++) {
      try {
        return await next(call);
      } catch (error) {
        if (!(error instanceof LarkApiError)) throw error;
        const again = error.retryable && attempt < attempts && (error.kind !== "timeout" || call.idempotent);
        if (!again) throw error;
        log.warn({ ...error.toLog(), attempt, willRetry: true }, "Lark call failed");
        await clock.sleep(error.kind === "rate_limited" ? 0 : backoffMs(attempt, 250, 8_000));
      }
    }
  };
}
