/**
 * The wait before try number `attempt + 1` after `attempt` failures: exponential from `baseMs`, capped at `maxMs`,
 * with "equal jitter" (between half and all of the step) so that callers failing together do not retry together.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (Math.random() * step) / 2);
}
