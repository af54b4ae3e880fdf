/** A window: at most `limit` admissions in any `windowMs` span. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

/** Why an admission was refused: the window's limit and the whole seconds until a slot frees up. */
export interface RateRefusal {
  limit: number;
  resetSeconds: number;
}

/**
 * Sliding-window rate limiter on an injectable clock. Sliding windows are stricter than Lark's gateway can be,
 * so a client pacing itself correctly here is safe there. Refused calls take no slot, so a client that backs
 * off is admitted again once the window has moved on.
 */
export class RateLimiter {
  private readonly admissions = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  /** Admits one call under `key` if every window has room (and records it); otherwise returns the refusal. */
  admit(key: string, windows: readonly RateWindow[]): RateRefusal | undefined {
    const now = this.now();
    const longest = Math.max(...windows.map((w) => w.windowMs));
    const history = (this.admissions.get(key) ?? []).filter((t) => t > now - longest);
    for (const window of windows) {
      const inWindow = history.filter((t) => t > now - window.windowMs);
      if (inWindow.length >= window.limit) {
        const oldestThatMustExpire = inWindow[inWindow.length - window.limit] ?? now;
        const resetMs = oldestThatMustExpire + window.windowMs - now;
        this.admissions.set(key, history);
        return { limit: window.limit, resetSeconds: Math.max(1, Math.ceil(resetMs / 1000)) };
      }
    }
    history.push(now);
    this.admissions.set(key, history);
    return undefined;
  }
}
