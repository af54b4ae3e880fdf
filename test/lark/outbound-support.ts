import type { Clock } from "../../src/lark/pacer.ts";

/**
 * A clock that moves only when the test says so. Sleepers wake in deadline order as `advance` passes their time.
 */
export class ManualClock implements Clock {
  private sleepers: { at: number; wake: () => void }[] = [];

  constructor(private t = 0) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper = { at: this.t + Math.max(0, ms), wake: resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener("abort", () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve();
      });
    });
  }

  /** Number of callers currently sleeping. */
  get sleeping(): number {
    return this.sleepers.length;
  }

  /** How long until the first sleeper wakes (undefined when nobody sleeps). */
  get nextWakeIn(): number | undefined {
    const at = Math.min(...this.sleepers.map((s) => s.at));
    return Number.isFinite(at) ? at - this.t : undefined;
  }

  /** Moves time forward by `ms`, waking sleepers in order and letting their continuations run. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      await flush();
      this.sleepers.sort((a, b) => a.at - b.at);
      const next = this.sleepers[0];
      if (!next || next.at > target) break;
      this.sleepers.shift();
      this.t = Math.max(this.t, next.at);
      next.wake();
    }
    this.t = target;
    await flush();
  }
}

/**
 * A clock for tests against the emulator: it runs with the wall clock, and sleeping jumps it forward at once (after
 * letting I/O run), so pacing a burst over many seconds takes milliseconds of real time. It never goes backwards.
 */
export class VirtualClock implements Clock {
  /** Starts a minute ahead of the wall clock, so rows written with the database's `now()` are already due. */
  private offset = 60_000;

  now(): number {
    return Date.now() + this.offset;
  }

  sleep(ms: number): Promise<void> {
    const target = this.now() + Math.max(0, ms);
    return new Promise((resolve) =>
      setImmediate(() => {
        this.offset += Math.max(0, target - this.now());
        resolve();
      }),
    );
  }

  /** Jumps forward, e.g. past a token's lifetime. */
  advance(ms: number): void {
    this.offset += ms;
  }
}

/** Lets pending promise continuations and immediates run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Polls `check` until it returns true or the deadline passes (then throws with `what`). */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A tiny PNG (magic bytes and noise): enough for Lark's and Riqing's type sniffing. */
export const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from("riqing test image, not decodable"),
]);

/** The app every outbound test registers with the emulator. */
export const TEST_APP = { appId: "cli_0123456789abcdef", appSecret: "emulated-app-secret-7f3a" } as const;

/** The image keys of a user's message in the emulator (an image message or a post). */
export function imageKeysOf(message: { msgType: string; content: unknown } | undefined): string[] {
  if (!message) throw new Error("no such message");
  const content = message.content as { image_key?: string; content?: { tag: string; image_key?: string }[][] };
  if (message.msgType === "image" && content.image_key) return [content.image_key];
  return (content.content ?? [])
    .flat()
    .flatMap((node) => (node.tag === "img" && node.image_key ? [node.image_key] : []));
}
