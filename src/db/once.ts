import type { Db, Tx } from "./client.ts";

/** True for a unique-constraint violation (Prisma P2002 or the driver's own error). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  return e?.code === "P2002" || /UNIQUE constraint failed/i.test(e?.message ?? "");
}

/**
 * Claims a unique key for work that must happen once (a notice per chat, a reminder per issue and stage, a digest
 * per chat and date). Returns true for the one caller that claimed it, across restarts and processes.
 */
export async function claimOnce(
  db: Db | Tx,
  key: string,
  kind: string,
  data: Record<string, string | number | boolean | null> = {},
): Promise<boolean> {
  try {
    await db.jobRun.create({ data: { key, kind, data } });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}
