/**
 * Digest charts on worker threads of their own (issue 17), so that neither converting a chart's new characters to
 * outlines (milliseconds each, the first charts of an evening) nor writing its SVG holds up the bot's event loop —
 * the acknowledgement of inbound events, other chats' answers. A thread is started when a chart finds every thread
 * busy and fewer than {@link CHART_THREADS} run, and kept (its glyph outlines with it); threads do not keep the
 * process alive while no chart is waited for. Each chart goes to the thread with the fewest charts waiting.
 *
 * The thread runs this very module (module-thread.ts): loaded on a worker marked in its workerData, it renders each
 * chart it is sent with renderRankingChart and posts the PNG back.
 */

import { availableParallelism } from "node:os";
import { isMainThread, parentPort, type Worker, workerData } from "node:worker_threads";
import { moduleThread } from "../config/module-thread.ts";
import type { RankingChartInput } from "./chart.ts";

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

/**
 * Chart threads at most: one core stays for the event loop. At 18:00 the sweep's queries (Prisma), the digest cards
 * and the outbox's sends take that core whole; on 2 cores a second chart thread only took time from them (one pair
 * of runs of the 420-digest burst at load 7–9: 46 s with one thread, 51 s with two), while one thread was idle half
 * the time.
 */
export const CHART_THREADS = Math.max(1, availableParallelism() - 1);

const threads: Thread[] = [];
let lastId = 0;

/**
 * The chart as renderRankingChart draws it, rendered on a chart thread. Rejects with an Error of the same name and
 * message when rendering fails there, or when the thread stops (the next chart starts a new one).
 */
export function renderRankingChartOnThread(input: RankingChartInput): Promise<Buffer> {
  const current = leastBusy();
  const id = ++lastId;
  return new Promise<Buffer>((resolve, reject) => {
    current.waiting.set(id, { resolve, reject });
    current.worker.ref();
    current.worker.postMessage({ id, input } satisfies Request);
  });
}

/**
 * Starts a chart thread, unless one runs, and has it draw a chart without bars: it loads ECharts, the renderer and the
 * fonts then (1–2 s of CPU), before the charts anybody waits for. Resolves once that chart is drawn: true when it
 * started a thread.
 */
export async function warmChartThread(): Promise<boolean> {
  if (threads.length > 0) return false;
  await renderRankingChartOnThread({ title: "", bars: [], valueFormat: "count" });
  return true;
}

/** The thread with the fewest charts waiting; a new one while every thread has some and the pool is not full. */
function leastBusy(): Thread {
  const idle = threads.reduce<Thread | undefined>(
    (best, t) => (best === undefined || t.waiting.size < best.waiting.size ? t : best),
    undefined,
  );
  if (idle && (idle.waiting.size === 0 || threads.length >= CHART_THREADS)) return idle;
  const started = startThread();
  threads.push(started);
  return started;
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
    const index = threads.indexOf(started);
    if (index >= 0) threads.splice(index, 1);
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
