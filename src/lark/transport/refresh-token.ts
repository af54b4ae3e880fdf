import type { Logger } from "../../log.ts";
import { LarkApiError } from "../errors.ts";
import type { Layer } from "./call.ts";
import { type SentWith, sentWith, type TokenCache } from "./sdk-http.ts";

/**
 * When Lark says the tenant token is missing or expired, forgets the token that try carried (not a newer one another
 * call fetched meanwhile) and tries once more at no cost: the SDK fetches a fresh token for it.
 */
export function refreshToken(tokens: TokenCache, log: Logger): Layer {
  return (next) => async (call) => {
    const sent: SentWith = {};
    try {
      return await sentWith.run(sent, () => next(call));
    } catch (error) {
      if (!(error instanceof LarkApiError) || error.kind !== "token") throw error;
      tokens.invalidate(sent.token);
      log.info({ call: call.name, code: error.code }, "tenant token rejected; refreshing it and retrying");
      return next(call);
    }
  };
}
