import { LarkApiError, LarkCode } from "../errors.ts";
import type { Clock, Pacing } from "../pacer.ts";
import type { Layer } from "./call.ts";

/**
 * Each try waits for its pacing keys (Lark's per-app, per-chat, per-user and per-message limits), and a rate-limit
 * answer pauses the key it concerns until Lark's reset: 230020 is the chat's (user's, message's) limit, every other
 * one the API's per-app limit.
 */
export function pace(pacer: Pacing, clock: Clock): Layer {
  return (next) => async (call) => {
    const ticket = await pacer.take(call.keys);
    try {
      return await next(call);
    } catch (error) {
      if (error instanceof LarkApiError && error.kind === "rate_limited") {
        const until = clock.now() + (error.retryAfterMs ?? 1_000);
        const narrow = call.keys.find(
          (k) => k.startsWith("chat:") || k.startsWith("user:") || k.startsWith("message:"),
        );
        const key = error.code === LarkCode.chatRateLimited && narrow ? narrow : call.keys[0];
        if (key) pacer.pause(key, until);
      }
      throw error;
    } finally {
      ticket.finish();
    }
  };
}
