/**
 * The bot's clock: real time, shifted by an offset that the sandbox and tests move. The offset lives in shared memory
 * so that the receiver thread (lark/receivers/receiver-thread.ts) reads the same time as the rest of the bot.
 */
export class BotClock {
  /** Milliseconds the bot's clock is ahead of the real one (one Float64 of shared memory). */
  readonly shift = new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT));

  /** Starts at `start` (epoch ms), or at the real time. */
  constructor(start?: number) {
    if (start !== undefined) this.shift[0] = start - Date.now();
  }

  /** The bot's epoch milliseconds. */
  epoch = (): number => Date.now() + (this.shift[0] ?? 0);

  now = (): Date => new Date(this.epoch());

  /** Moves the clock by `ms`. */
  advance(ms: number): void {
    this.shift[0] = (this.shift[0] ?? 0) + ms;
  }
}
