import type { LarkCallName } from "../errors.ts";

/** One outbound call as the transport layers see it: what it is, how it is paced and retried, and one try of it. */
export interface LarkCall<T> {
  name: LarkCallName;
  /** Pacing keys: the API's, and the chat's, user's or message's where Lark limits those too. */
  keys: readonly string[];
  /** Safe to repeat after a timeout (a read, an upload, a patch, a send with a uuid). */
  idempotent: boolean;
  /** Tries for transient failures (rate limits, 5xx, network, timeouts of idempotent calls). */
  attempts: number;
  /** One try: sends the request and returns its result, or throws. */
  run(): Promise<T>;
}

/** Carries a call to Lark and back. */
export type Transport = <T>(call: LarkCall<T>) => Promise<T>;

/** Wraps a transport with one concern (pacing, retries, token refresh, error mapping, logging). */
export type Layer = (next: Transport) => Transport;

/** The transport that runs a call's one try as it is. */
export const direct: Transport = (call) => call.run();

/** Stacks `layers` on `base`, the first outermost: compose(direct, a, b) runs a(b(direct)). */
export function compose(base: Transport, ...layers: readonly Layer[]): Transport {
  return layers.reduceRight<Transport>((next, layer) => layer(next), base);
}
