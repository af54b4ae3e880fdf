/**
 * The ledger export on a worker thread of its own (behaviour §9.7), so that even a 100,000-issue ledger never holds
 * up the bot's event loop — the acknowledgement of inbound events, other chats' answers, card clicks. Reading and
 * tallying the issues, the figures, the workbook's XML and the photo copies all run on the thread, over a read-only
 * connection of its own (a SQLite reader does not block the bot's writer in WAL mode); the bot's thread only waits
 * for the result. The thread's heap is capped, so a runaway export cannot take the bot's memory with it.
 *
 * The thread runs this very module (module-thread.ts): loaded on a worker with a job in its workerData, it exports and
 * posts the result back.
 */

import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { moduleThread } from "../config/module-thread.ts";
import { openDb } from "../db/client.ts";
import { type ExportLedgerOptions, type ExportLedgerResult, exportLedger } from "./export-ledger.ts";

/** What the thread exports: into a file (a stream cannot cross threads), without a progress callback. */
export type LedgerThreadOptions = Omit<ExportLedgerOptions, "out" | "onProgress"> & { out: string };

interface Job {
  databaseUrl: string;
  options: LedgerThreadOptions;
}

/** What was exported, and the most V8 heap the thread used meanwhile (sampled), in bytes. */
export type LedgerThreadResult = ExportLedgerResult & { peakHeapBytes: number };

type Reply = { ok: true; result: LedgerThreadResult } | { ok: false; error: { name: string; message: string } };

/** The key of the job in the worker's workerData, which tells this module it runs as the ledger thread. */
const JOB = "riqing.ledgerJob";

/** Most V8 old-generation heap the thread may use; the export streams, so it needs far less. */
const THREAD_HEAP_MB = 256;

/**
 * The thread's young generation, in MB (two 2 MB semi-spaces and their large-object space). Each page of rows lives
 * just long enough to outlive V8's default 16 MB semi-spaces and pile up in the old generation until a full
 * collection: 100,000 issues peaked at ~116 MB of heap with 55–65 MB live. Small semi-spaces let a scavenge find
 * them dead: ~96 MB, for some 8 % more CPU.
 */
const THREAD_YOUNG_MB = 6;

/** How often the thread samples its heap while it exports, in milliseconds. */
const HEAP_SAMPLE_MS = 20;

/**
 * Exports a ledger as exportLedger does, on a worker thread with its own connection to `databaseUrl`. Rejects with
 * an Error of the same name and message as exportLedger's (UnknownUnitError, RangeError, …) when it fails.
 */
export function exportLedgerOnThread(databaseUrl: string, options: LedgerThreadOptions): Promise<LedgerThreadResult> {
  const job: Job = { databaseUrl, options };
  const worker = moduleThread(import.meta.url, {
    workerData: { [JOB]: job },
    resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB, maxYoungGenerationSizeMb: THREAD_YOUNG_MB },
  });
  return new Promise<LedgerThreadResult>((resolve, reject) => {
    worker.once("message", (reply: Reply) => {
      if (reply.ok) resolve(reply.result);
      else reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the ledger thread stopped with exit code ${code} and no result`)));
  });
}

async function run({ databaseUrl, options }: Job): Promise<void> {
  const db = await openDb(databaseUrl, { readonly: true });
  let peakHeapBytes = 0;
  const sample = () => {
    peakHeapBytes = Math.max(peakHeapBytes, process.memoryUsage().heapUsed);
  };
  const sampler = setInterval(sample, HEAP_SAMPLE_MS);
  let reply: Reply;
  try {
    const result = await exportLedger(db, options);
    sample();
    reply = { ok: true, result: { ...result, peakHeapBytes } };
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    reply = { ok: false, error: { name, message } };
  } finally {
    clearInterval(sampler);
    await db.$disconnect();
  }
  parentPort?.postMessage(reply);
}

const job = isMainThread ? undefined : (workerData as Record<string, Job> | null)?.[JOB];
if (job) await run(job);
