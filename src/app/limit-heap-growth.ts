import { setFlagsFromString } from "node:v8";

/**
 * How far V8 lets the heap grow past what its last full collection kept alive before the next one, in percent.
 * Left to itself V8 chooses the factor from how fast the program promotes objects against how fast it can collect
 * them, up to 4× on a machine with memory to spare: while the bot is behind on reports, the objects of the chats it
 * works on outlive the young generation, and 60–90 MB of live heap grew to ~250 MB (with up to 40 MB of dead photo
 * buffers held until the same collection) before a full one ran: a peak RSS of 360–450 MB in the ingest benchmark,
 * 240–255 MB at 20 %. The full collections this adds are mostly concurrent marking; their pauses added up to 0.3–0.6 s
 * per benchmark section against 0.02–0.1 s, and the CPU per report did not move beyond the runs' noise. 10 % gave no
 * lower peak: that comes at start, before V8's first full collection.
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
