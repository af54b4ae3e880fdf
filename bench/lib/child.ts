/**
 * Child processes of the benchmark. Every TypeScript child runs through tsx (`--import tsx`), a JavaScript one (a
 * module built as the bot is, see bench/ingest) with plain Node; each talks over the IPC channel and is killed if it
 * outlives its time limit, so no run can hang.
 */

import { type ChildProcess, fork } from "node:child_process";

/** Options of {@link startChild}. */
export interface ChildOptions {
  /** Extra Node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  /** Environment variables added to this process's. */
  env?: Record<string, string>;
  /** Forward the child's stdout and stderr (default: only stderr). */
  stdout?: boolean;
}

/** Forks a TypeScript (through tsx) or JavaScript module as a child process with an IPC channel. */
export function startChild(modulePath: string, args: string[] = [], options: ChildOptions = {}): ChildProcess {
  const loader = modulePath.endsWith(".ts") ? ["--import", "tsx"] : [];
  return fork(modulePath, args, {
    execArgv: [...loader, ...(options.nodeFlags ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ["ignore", options.stdout ? "inherit" : "ignore", "inherit", "ipc"],
    // Structured clone keeps NaN and typed values that JSON would lose.
    serialization: "advanced",
  });
}

/** Resolves with the first IPC message for which `match` returns a value; rejects on exit or after `timeoutMs`. */
export function nextMessage<T>(child: ChildProcess, match: (message: unknown) => T | undefined, timeoutMs: number) {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child ${child.pid} sent no expected message within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: unknown) => {
      const value = match(message);
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`child ${child.pid} exited (${signal ?? code}) before answering`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
}

/** Sends a request `{type, ...}` and waits for the answer `{type: type + ":done", ...}`. */
export async function ask<T>(child: ChildProcess, request: { type: string }, timeoutMs: number): Promise<T> {
  const answer = nextMessage(
    child,
    (m) => (isTyped(m) && m.type === `${request.type}:done` ? (m as T) : undefined),
    timeoutMs,
  );
  child.send(request);
  return answer;
}

/** Waits for the child to exit; kills it (SIGKILL) when it has not after `timeoutMs`. Resolves with its exit code. */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** Whether an IPC message has a string `type`. */
export function isTyped(message: unknown): message is { type: string } {
  return typeof message === "object" && message !== null && typeof (message as { type?: unknown }).type === "string";
}
