/**
 * The bot's clock on the end-to-end harness (test/support/bot.ts): move the harness clock to a Shanghai wall-clock
 * time, then run the bot's own scheduled sweeps once (the harness starts the bot without its timers).
 */

import { afterEach, beforeEach } from "vitest";
import { type BotHarness, startBot } from "../support/bot.ts";
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

/**
 * Starts the demo bot (webhook mode) and its clock driver before each test of the calling suite, and closes it after
 * each, failing on any call to the emulator nobody expected. Read `h` and `clock` inside the tests.
 */
export function demoBotPerTest(): { readonly h: BotHarness; readonly clock: ClockDriver } {
  let bot: BotHarness | undefined;
  let driver: ClockDriver | undefined;
  beforeEach(async () => {
    bot = await startBot({ mode: "webhook" });
    driver = clockDriver(bot);
  });
  afterEach(async () => {
    bot?.emu.assertClean();
    await bot?.close();
  });
  return {
    get h() {
      if (!bot) throw new Error("the demo bot runs inside a test only");
      return bot;
    },
    get clock() {
      if (!driver) throw new Error("the demo bot runs inside a test only");
      return driver;
    },
  };
}
