/**
 * The bot's clock on the end-to-end harness (test/support/bot.ts): move the harness clock to a Shanghai wall-clock
 * time, then run the bot's own scheduled sweeps once (the harness starts the bot without its timers).
 */

import type { BotHarness } from "../support/bot.ts";
import { sh } from "./support.ts";

/** Moves the harness clock and runs the bot's sweeps. */
export interface ClockDriver {
  /** Moves the clock forward to a Shanghai time "YYYY-MM-DD HH:mm" (never back). */
  advanceTo(local: string): void;
  /** Runs one tick at the current time and waits until everything it sent was delivered. */
  tick(): Promise<void>;
}

/** Drives the bot's clock (it follows restarts: each tick uses the bot running at that moment). */
export function clockDriver(h: BotHarness): ClockDriver {
  return {
    advanceTo(local) {
      const by = sh(local).getTime() - h.clock.epoch();
      if (by < 0) throw new Error(`the clock is already past ${local}`);
      h.clock.advance(by);
    },
    async tick() {
      await h.bot.tick();
      await h.settle();
    },
  };
}
