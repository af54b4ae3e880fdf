import type { Readable } from "node:stream";
import { fromThrown, LarkApiError } from "../errors.ts";
import type { Layer } from "./call.ts";
import { ResourceTooLargeError, readAll } from "./read-all.ts";

/**
 * Turns whatever a try throws (an axios error with Lark's envelope, a network failure, a timeout) into one
 * `LarkApiError`, so every layer above reasons about kinds and codes. A download cut off at its size limit passes as
 * it is: the caller asked for that limit.
 */
export const mapErrors: Layer = (next) => async (call) => {
  try {
    return await next(call);
  } catch (thrown) {
    if (thrown instanceof ResourceTooLargeError || thrown instanceof LarkApiError) throw thrown;
    throw fromThrown(call.name, await withReadableBody(thrown));
  }
};

/** For streamed calls an error body arrives as a stream; read it so the envelope can be classified. */
async function withReadableBody(thrown: unknown): Promise<unknown> {
  const response = (thrown as { response?: { data?: unknown } } | null)?.response;
  const body = response?.data as Readable | undefined;
  if (!response || typeof body?.pipe !== "function") return thrown;
  try {
    response.data = await readAll(body, 64 * 1024);
  } catch {
    response.data = undefined;
  }
  return thrown;
}
