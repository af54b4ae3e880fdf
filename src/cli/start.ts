import { createRiqing } from "../app/create-riqing.ts";
import { type Config, secretsOf } from "../config/env.ts";
import { createLogger } from "../log.ts";

/**
 * `riqing start`: the production bot, or the sandbox when no Lark credentials are configured; `reset` (sandbox only)
 * starts the sandbox from the demo state instead of resuming it. SIGINT and SIGTERM stop it gracefully.
 */
export async function start(config: Config, options: { reset?: boolean } = {}): Promise<void> {
  const log = createLogger(config.logLevel, undefined, secretsOf(config));
  const running =
    config.mode === "sandbox"
      ? await (await import("../sandbox/start-sandbox.ts")).startSandbox(config, log, options)
      : await startBot(config, log);
  const shutdown = (signal: string) => {
    log.info({ signal }, "shutting down");
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

async function startBot(config: Config, log: ReturnType<typeof createLogger>) {
  const riqing = await createRiqing(config, { log });
  await riqing.start();
  return riqing;
}
