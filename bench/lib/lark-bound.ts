/**
 * What Lark's frequency limits allow at best, to compare a measured delivery with. Lark counts calls per key (an
 * API of the app, a chat) in sliding windows; a call is admitted when every window of every key it counts against
 * has room. For a set of calls, each available from a release time on (a reply cannot go before its issue is
 * filed), the earliest finish is bounded below by the earliest finish of each key on its own, and for one key the
 * greedy schedule (each call at the first instant its windows allow, in release order) is optimal. The bound is
 * the latest of those per-key finishes — a lower bound of the true optimum, and tight when one key dominates.
 */

/** At most `limit` calls in any `windowMs` milliseconds. */
export interface Window {
  limit: number;
  windowMs: number;
}

/** Limits by key prefix, like LARK_RATE_RULES: "api" for each API of the app, "chat" for each chat. */
export type LimitRules = Readonly<Record<string, readonly Window[]>>;

/** Lark's documented limits (LARK.md section 6), exactly, without the pacer's safety slack. */
export const LARK_LIMITS: LimitRules = {
  api: [
    { limit: 50, windowMs: 1_000 },
    { limit: 1_000, windowMs: 60_000 },
  ],
  chat: [{ limit: 5, windowMs: 1_000 }],
};

/** One call: the keys it counts against ("api:reply", "chat:oc_…") and when it may go at the earliest (ms). */
export interface BoundCall {
  keys: readonly string[];
  release: number;
}

/** The earliest instant at which the last call can be made under `rules` (ms, same clock as the releases). */
export function earliestFinish(calls: readonly BoundCall[], rules: LimitRules): number {
  const byKey = new Map<string, number[]>();
  for (const call of calls) {
    for (const key of call.keys) {
      const list = byKey.get(key) ?? [];
      list.push(call.release);
      byKey.set(key, list);
    }
  }
  let finish = calls.reduce((max, c) => Math.max(max, c.release), Number.NEGATIVE_INFINITY);
  for (const [key, releases] of byKey) {
    const windows = rules[key.slice(0, key.indexOf(":") < 0 ? key.length : key.indexOf(":"))] ?? [];
    if (windows.length === 0) continue;
    releases.sort((a, b) => a - b);
    const times: number[] = [];
    for (const [i, release] of releases.entries()) {
      let t = release;
      for (const { limit, windowMs } of windows) {
        const blocking = times[i - limit];
        if (blocking !== undefined) t = Math.max(t, blocking + windowMs);
      }
      times.push(t);
    }
    finish = Math.max(finish, times[times.length - 1] ?? finish);
  }
  return finish;
}
