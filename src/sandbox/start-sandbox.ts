import { createServer } from "node:net";
import type { Context } from "koa";
import type { Config } from "../config/env.ts";
import type { EmulatedMessage } from "../emulator/index.ts";
import type { Logger } from "../log.ts";
import { SANDBOX_TEXTS } from "../texts/sandbox.ts";
import { EventStream } from "./event-stream.ts";
import { messageView } from "./message-view.ts";
import { type SandboxFiles, sandboxFiles } from "./sandbox-files.ts";
import { type SandboxHost, sandboxRoutes } from "./sandbox-routes.ts";
import { bootSession, type SandboxSession, settleSession, stopSession } from "./sandbox-session.ts";
import { SnapshotSaver, saveSnapshot } from "./sandbox-snapshot.ts";

/** A running sandbox: the page at `url`, the bot, the emulator and the virtual clock behind it. */
export interface Sandbox {
  /** http://127.0.0.1:PORT/sandbox */
  url: string;
  port: number;
  /** The running demo; undefined while a reset is under way. */
  session(): SandboxSession | undefined;
  /** Waits until the bot has handled everything it received and sent everything it queued. */
  settle(): Promise<void>;
  /** Throws the demo away and starts it again from the demo org, on the same port. */
  reset(): Promise<void>;
  /** Stops the bot and the emulator and saves the sandbox for the next start. */
  stop(): Promise<void>;
}

/** How to start: `npm start` passes `reset` for `--reset`; tests set the clock and silence the banner. */
export interface SandboxOptions {
  /** Start from the demo state even when a saved sandbox could be resumed. */
  reset?: boolean;
  /** Where the virtual clock starts from the demo (first run, every reset); default 09:00 local today. */
  clockStart?: Date;
  /** Do not print the banner with the URL. */
  quiet?: boolean;
}

/**
 * Starts sandbox mode (behaviour §10, no Lark credentials): resumes the sandbox saved in `<DATA_DIR>/sandbox` (its
 * database, chats and virtual clock), or on first run and with `reset` imports the demo org into an emptied folder;
 * starts the Lark emulator with the demo people and groups, and runs the real bot against it over the long
 * connection, with the virtual clock and the sandbox page on the bot's own server, listening on 127.0.0.1 only.
 * The chats and the clock are saved shortly after every change and on stop. Prints the URL.
 */
export async function startSandbox(config: Config, log: Logger, options: SandboxOptions = {}): Promise<Sandbox> {
  const files = sandboxFiles(config);
  if (config.port !== 0) await ensurePortFree(config.port);
  const runner = new SandboxRunner(config, files, log, options);
  const session = await runner.boot(config.port, options.reset ?? false);
  log.info({ url: runner.url, resumed: session.resumed }, "sandbox ready");
  if (!options.quiet) console.log(SANDBOX_TEXTS.banner(runner.url, session.resumed));
  return runner;
}

class SandboxRunner implements Sandbox, SandboxHost {
  port = 0;
  readonly timeZone: string;
  private current: SandboxSession | undefined;
  private saver: SnapshotSaver | undefined;
  private resetting: Promise<void> | undefined;
  private readonly events = new EventStream();

  constructor(
    private readonly config: Config,
    private readonly files: SandboxFiles,
    private readonly log: Logger,
    private readonly options: SandboxOptions,
  ) {
    this.timeZone = config.timezone;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/sandbox`;
  }

  session(): SandboxSession | undefined {
    return this.current;
  }

  /** Resumes or (when `fresh`) seeds a session, shows its messages to the page and saves it as it changes. */
  async boot(port: number, fresh: boolean): Promise<SandboxSession> {
    const session = await bootSession({
      config: this.config,
      files: this.files,
      log: this.log,
      port,
      fresh,
      routes: (router) => sandboxRoutes(router, this),
      ...(this.options.clockStart && { clockStart: this.options.clockStart }),
    });
    const saver = new SnapshotSaver(
      () =>
        saveSnapshot(this.files, {
          sessionId: session.id,
          clock: session.clock.epoch(),
          emulator: session.emu.exportState(),
        }),
      this.log,
    );
    const publish = (type: "message" | "message.updated") => (message: EmulatedMessage) => {
      this.events.publish({ type, message: messageView(session.emu, session.names, message) });
      saver.changed();
    };
    session.emu.on("message", publish("message"));
    session.emu.on("message.updated", publish("message.updated"));
    saver.flush();
    this.port = session.riqing.port;
    this.current = session;
    this.saver = saver;
    return session;
  }

  openEvents(ctx: Context): void {
    this.events.open(ctx);
  }

  clockMoved(now: number): void {
    this.events.publish({ type: "clock", now });
    this.saver?.changed();
  }

  resetSoon(ctx: Context): void {
    ctx.res.once("finish", () => {
      this.reset().catch((error: unknown) => this.log.error({ err: error }, "sandbox reset failed"));
    });
  }

  reset(): Promise<void> {
    this.resetting ??= (async () => {
      const old = this.current;
      this.current = undefined;
      this.events.publish({ type: "reset" });
      // The server waits for open responses before it closes; event streams never end on their own.
      this.events.closeAll();
      await this.end(old);
      await this.boot(this.port, true);
      this.log.info("sandbox reset to the demo state");
    })().finally(() => {
      this.resetting = undefined;
    });
    return this.resetting;
  }

  async settle(): Promise<void> {
    if (this.current) await settleSession(this.current);
  }

  async stop(): Promise<void> {
    await this.resetting?.catch(() => undefined);
    this.events.close();
    const session = this.current;
    this.current = undefined;
    await this.end(session);
  }

  /** Stops a session, then saves it with everything the bot sent before it stopped. */
  private async end(session: SandboxSession | undefined): Promise<void> {
    if (!session) return;
    await stopSession(session);
    this.saver?.flush();
    this.saver = undefined;
  }
}

/** Fails with a sentence naming the fix when another program holds the port. */
function ensurePortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new Error(SANDBOX_TEXTS.portInUse(port)) : error);
    });
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}
