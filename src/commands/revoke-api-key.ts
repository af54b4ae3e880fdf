import type { Db } from "../db/client.ts";

/**
 * Revokes the key of the named system: every later call with it is refused. The issues it filed keep their source.
 * Returns false when there is no such key or it was revoked already.
 */
export async function revokeApiKey(db: Db, name: string, at: Date): Promise<boolean> {
  const { count } = await db.apiKey.updateMany({ where: { name, revokedAt: null }, data: { revokedAt: at } });
  return count > 0;
}
