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

/**
 * Most values an IN list of hand-written SQL carries: Prisma's check does not apply, and SQLite (since 3.32: libSQL's
 * is newer) takes 32,766 bound values, PostgreSQL 65,535. Longer lists cost less per value.
 */
export const MAX_RAW_IN_LIST = 5_000;
