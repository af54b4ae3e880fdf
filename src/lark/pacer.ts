/**
 * Client-side pacing so Riqing stays inside Lark's documented frequency limits instead of learning them from 429s.
 *
 * Each key ("api:send", "chat:oc_x", "message:om_x", "user:ou_x") has sliding-window limits chosen by the part of
 * the key before the first colon. `take(keys)` waits until every key allows one more call, then records it in all of
 * them at once. Lark counts a call when it arrives, which can be well after it left (the first call of a process
 * waits for a token, a slow network delays a request): `finish()` on the returned ticket moves the record to the
 * moment the answer came, which is never earlier than the arrival. After Lark answers with a rate limit,
 * `pause(key, until)` holds that key back until the reset.
 *
 * This pacer keeps its windows in memory, for one process (SQLite). Instances sharing a PostgreSQL database pace
 * together through the database instead (`SharedPacer`), since Lark's limits are per app.
 */

/** Time source and sleep, injectable so tests run on a virtual clock. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The wall clock and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const wake = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, ms));
      signal?.addEventListener("abort", wake, { once: true });
    }),
};

/** At most `limit` calls in any `windowMs` milliseconds. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** Limits by key prefix (the part of a key before the first colon). Keys with an unknown prefix are not limited. */
export type PacerRules = Readonly<Record<string, readonly RateLimit[]>>;

/**
 * Lark's limits (LARK.md section 6): 50/s and 1000/min per API per app; 5/s per chat, per user and per message
 * update. The one-second windows get 50 ms of slack because Lark counts arrivals, and network jitter can bunch
 * requests that left here evenly spaced.
 */
export const LARK_RATE_RULES: PacerRules = {
  api: [
    { limit: 50, windowMs: 1_050 },
    { limit: 1_000, windowMs: 60_000 },
  ],
  chat: [{ limit: 5, windowMs: 1_050 }],
  user: [{ limit: 5, windowMs: 1_050 }],
  message: [{ limit: 5, windowMs: 1_050 }],
};

/** Builders for pacing keys, so every caller spells them the same way. */
export const paceKey = {
  api: (name: string) => `api:${name}`,
  chat: (chatId: string) => `chat:${chatId}`,
  user: (openId: string) => `user:${openId}`,
  message: (messageId: string) => `message:${messageId}`,
} as const;

/** Options for `Pacer`. */
export interface PacerOptions {
  rules?: PacerRules;
  clock?: Clock;
}

interface KeyState {
  /** Times of the calls still inside the longest window, oldest first. */
  times: number[];
  pausedUntil: number;
}

/** A call admitted by `take`; `finish()` when its answer arrives. */
export interface PaceTicket {
  /** Re-records the call at the current time (once; later calls do nothing). */
  finish(): void;
}

/** What the Lark client needs of a pacer: in memory (`Pacer`) or shared through the database (`SharedPacer`). */
export interface Pacing {
  /** Waits until every key allows one more call, then counts the call against all of them. */
  take(keys: readonly string[]): Promise<PaceTicket>;
  /** Holds a key back until `untilMs` (clock time), e.g. after a 429 whose reset header said so. */
  pause(key: string, untilMs: number): void;
}

/** The limits of a key: those of the part before its first colon. */
export function limitsFor(rules: PacerRules, key: string): readonly RateLimit[] {
  const colon = key.indexOf(":");
  return rules[colon < 0 ? key : key.slice(0, colon)] ?? [];
}

/** Sliding-window pacer over many keys; see the module comment. */
export class Pacer implements Pacing {
  private readonly rules: PacerRules;
  private readonly clock: Clock;
  private readonly keys = new Map<string, KeyState>();
  private takesSinceSweep = 0;

  constructor(options: PacerOptions = {}) {
    this.rules = options.rules ?? LARK_RATE_RULES;
    this.clock = options.clock ?? systemClock;
  }

  /** Waits until every key allows one more call, then counts the call against all of them. */
  async take(keys: readonly string[]): Promise<PaceTicket> {
    for (;;) {
      // The very instant tryTake records, so the ticket finds the record again even when the clock moved meanwhile.
      const takenAt = this.clock.now();
      const wait = this.tryTake(keys, takenAt);
      if (wait === 0) return this.ticket(keys, takenAt);
      await this.clock.sleep(wait);
    }
  }

  /**
   * Counts one call against every key and returns 0 when all allow it at `now`; otherwise counts nothing and returns
   * how many milliseconds to wait before asking again.
   */
  tryTake(keys: readonly string[], now = this.clock.now()): number {
    let wait = 0;
    for (const key of keys) wait = Math.max(wait, this.waitFor(key, now));
    if (wait > 0) return wait;
    for (const key of keys) this.state(key).times.push(now);
    if (++this.takesSinceSweep >= 1_000) this.sweep(now);
    return 0;
  }

  private ticket(keys: readonly string[], takenAt: number): PaceTicket {
    let open = true;
    return {
      finish: () => {
        if (!open) return;
        open = false;
        const now = this.clock.now();
        if (now <= takenAt) return;
        for (const key of keys) {
          const times = this.keys.get(key)?.times;
          if (!times) continue;
          const at = lastIndexOf(times, takenAt);
          if (at < 0) continue;
          times.splice(at, 1);
          times.splice(insertionPoint(times, now), 0, now);
        }
      },
    };
  }

  /** Holds a key back until `untilMs` (clock time), e.g. after a 429 whose reset header said so. */
  pause(key: string, untilMs: number): void {
    const state = this.state(key);
    state.pausedUntil = Math.max(state.pausedUntil, untilMs);
  }

  /** Milliseconds until `key` allows another call (0 when it does now). */
  waitFor(key: string, now = this.clock.now()): number {
    const state = this.keys.get(key);
    if (!state) return 0;
    const limits = this.limitsFor(key);
    this.prune(state, limits, now);
    let wait = Math.max(0, state.pausedUntil - now);
    for (const { limit, windowMs } of limits) {
      const inWindow = countSince(state.times, now - windowMs);
      if (inWindow < limit) continue;
      // The limit-th most recent call has to leave the window before one more fits.
      const blocking = state.times[state.times.length - limit];
      if (blocking !== undefined) wait = Math.max(wait, blocking + windowMs - now);
    }
    return wait > 0 ? Math.max(1, Math.ceil(wait)) : 0;
  }

  private limitsFor(key: string): readonly RateLimit[] {
    return limitsFor(this.rules, key);
  }

  private state(key: string): KeyState {
    let state = this.keys.get(key);
    if (!state) {
      state = { times: [], pausedUntil: 0 };
      this.keys.set(key, state);
    }
    return state;
  }

  private prune(state: KeyState, limits: readonly RateLimit[], now: number): void {
    const longest = limits.reduce((max, l) => Math.max(max, l.windowMs), 0);
    const cutoff = now - longest;
    let drop = 0;
    while (drop < state.times.length && (state.times[drop] ?? 0) <= cutoff) drop++;
    if (drop > 0) state.times.splice(0, drop);
  }

  /** Forgets keys with nothing left in their windows, so per-chat and per-message keys do not pile up. */
  private sweep(now: number): void {
    this.takesSinceSweep = 0;
    for (const [key, state] of this.keys) {
      this.prune(state, this.limitsFor(key), now);
      if (state.times.length === 0 && state.pausedUntil <= now) this.keys.delete(key);
    }
  }
}

/** How many of the ascending `times` are after `since`. */
function countSince(times: readonly number[], since: number): number {
  return times.length - insertionPoint(times, since);
}

/** Index of the first of the ascending `times` after `value`. */
function insertionPoint(times: readonly number[], value: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] ?? 0) > value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Index of the last occurrence of `value` in the ascending `times`, or -1. */
function lastIndexOf(times: readonly number[], value: number): number {
  const at = insertionPoint(times, value) - 1;
  return at >= 0 && times[at] === value ? at : -1;
}
