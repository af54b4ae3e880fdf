/**
 * One bot instance in a process of its own, for the several-instances test: the real bot (createRiqing) on the long
 * connection, with its scheduler, against the parent's emulator and PostgreSQL database. Configured by the JSON in
 * RIQING_INSTANCE; tells the parent `{type: "ready"}` over IPC, and stops gracefully on `{type: "stop"}` (the test
 * kills one with SIGKILL instead).
 */

import { BotClock } from "../../src/app/bot-clock.ts";
import { createRiqing } from "../../src/app/create-riqing.ts";
import { loadConfig } from "../../src/config/env.ts";
import { createLogger, silentLogger } from "../../src/log.ts";

/** What the parent passes. */
export interface InstanceConfig {
  env: Record<string, string>;
  /** The shared test clock: `clockStart` at the real instant `realStart`, running at real speed. */
  clockStart: number;
  realStart: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.RIQING_INSTANCE ?? "{}") as InstanceConfig;
  const log = process.env.RIQING_TEST_LOG ? createLogger(process.env.RIQING_TEST_LOG) : silentLogger;
  const clock = new BotClock(config.clockStart + (Date.now() - config.realStart));
  const bot = await createRiqing(loadConfig(config.env), { log, clock });
  await bot.start();
  process.on("message", (message) => {
    if ((message as { type?: string }).type !== "stop") return;
    void bot.stop().then(() => process.exit(0));
  });
  process.send?.({ type: "ready" });
}

main().catch((error: unknown) => {
  console.error("instance failed:", error);
  process.exit(1);
});
