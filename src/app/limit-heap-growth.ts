import { setFlagsFromString } from "node:v8";

/**
 * How far V8 lets the heap grow past what its last full collection kept alive before the next one, in percent.
 * Left to itself V8 chooses the factor from how fast the program promotes objects against how fast it can collect
 * them, up to 4× on a machine with memory to spare: while the bot is behind on reports, the objects of the chats it
 * works on outlive the young generation, and ~75 MB of live heap grew to ~250 MB (with ~40 MB of dead photo buffers
 * held until the same collection) before a full one ran, a peak RSS of 400–450 MB in the ingest benchmark. At 20 %
 * the heap stays within ~40 MB of the live data, for some more full collections (mostly concurrent marking; their
 * pauses added up to ~0.5 s over the benchmark's 2,000 reports).
 */
const HEAP_GROWING_PERCENT = 20;

/**
 * Keeps the process's heap near its live data (see {@link HEAP_GROWING_PERCENT}): a V8 setting it reads at every full
 * collection, for the whole process and its threads. Changes no limit: the heap still grows as far as the live data
 * needs.
 */
export function limitHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
