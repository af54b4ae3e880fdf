/**
 * Digest charts on a worker thread of their own (issue 17), so that neither converting a chart's new characters to
 * outlines (milliseconds each, the first charts of an evening) nor writing its SVG holds up the bot's event loop —
 * the acknowledgement of inbound events, other chats' answers. The thread is started with the first chart and kept
 * (its glyph outlines with it); it does not keep the process alive while no chart is waited for.
 *
 * The thread runs this very module (module-thread.ts): loaded on a worker marked in its workerData, it renders each
 * chart it is sent with renderRankingChart and posts the PNG back.
 */

import { isMainThread, parentPort, type Worker, workerData } from "node:worker_threads";
import type { RankingChartInput } from "./chart.ts";
import { moduleThread } from "./module-thread.ts";

/** The key in the worker's workerData that tells this module it runs as the chart thread. */
const ROLE = "riqing.chartThread";

interface Request {
  id: number;
  input: RankingChartInput;
}

type Reply = { id: number; ok: true; png: Uint8Array } | { id: number; ok: false; name: string; message: string };

interface Thread {
  worker: Worker;
  waiting: Map<number, { resolve: (png: Buffer) => void; reject: (error: Error) => void }>;
}

let thread: Thread | undefined;
let lastId = 0;

/**
 * The chart as renderRankingChart draws it, rendered on the chart thread. Rejects with an Error of the same name and
 * message when rendering fails there, or when the thread stops (the next chart starts a new one).
 */
export function renderRankingChartOnThread(input: RankingChartInput): Promise<Buffer> {
  thread ??= startThread();
  const current = thread;
  const id = ++lastId;
  return new Promise<Buffer>((resolve, reject) => {
    current.waiting.set(id, { resolve, reject });
    current.worker.ref();
    current.worker.postMessage({ id, input } satisfies Request);
  });
}

function startThread(): Thread {
  const worker = moduleThread(import.meta.url, { workerData: { [ROLE]: true } });
  const started: Thread = { worker, waiting: new Map() };
  const settle = (
    id: number,
    settleWith: (waiter: { resolve: (png: Buffer) => void; reject: (e: Error) => void }) => void,
  ) => {
    const waiter = started.waiting.get(id);
    if (!waiter) return;
    started.waiting.delete(id);
    if (started.waiting.size === 0) worker.unref();
    settleWith(waiter);
  };
  worker.on("message", (reply: Reply) =>
    settle(reply.id, (waiter) =>
      reply.ok
        ? waiter.resolve(Buffer.from(reply.png.buffer, reply.png.byteOffset, reply.png.byteLength))
        : waiter.reject(Object.assign(new Error(reply.message), { name: reply.name })),
    ),
  );
  const stopped = (error: Error) => {
    if (thread === started) thread = undefined;
    for (const id of [...started.waiting.keys()]) settle(id, (waiter) => waiter.reject(error));
  };
  worker.on("error", stopped);
  worker.on("exit", (code) => stopped(new Error(`the chart thread stopped with exit code ${code}`)));
  worker.unref();
  return started;
}

/** On the chart thread: renders every chart it is sent, one reply each. */
async function serve(port: NonNullable<typeof parentPort>): Promise<void> {
  const { renderRankingChart } = await import("./chart.ts");
  port.on("message", ({ id, input }: Request) => {
    renderRankingChart(input).then(
      (png) => port.postMessage({ id, ok: true, png } satisfies Reply),
      (error: unknown) => {
        const { name, message } = error instanceof Error ? error : new Error(String(error));
        port.postMessage({ id, ok: false, name, message } satisfies Reply);
      },
    );
  });
}

if (!isMainThread && parentPort && (workerData as Record<string, unknown> | null)?.[ROLE]) await serve(parentPort);
