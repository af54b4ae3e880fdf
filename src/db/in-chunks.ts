/**
 * Most ids one IN list carries. Prisma refuses a query with more bound values than the database allows (999 in
 * older SQLite builds), so longer lists are split with {@link inChunks}.
 */
export const MAX_IN_LIST = 500;

/** Runs `query` on slices of `ids` no longer than {@link MAX_IN_LIST} and concatenates the results. */
export async function inChunks<T>(ids: readonly number[], query: (slice: number[]) => Promise<T[]>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < ids.length; i += MAX_IN_LIST) results.push(...(await query(ids.slice(i, i + MAX_IN_LIST))));
  return results;
}
