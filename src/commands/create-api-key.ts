import { hashApiKey, newApiKey } from "../access/api-key.ts";
import type { Db } from "../db/client.ts";

/** Thrown when a key of that name exists already (revoked or not: names stay unique, like the systems). */
export class ApiKeyNameTaken extends Error {
  constructor(readonly keyName: string) {
    super(`API key name taken: ${keyName}`);
    this.name = "ApiKeyNameTaken";
  }
}

/**
 * Creates an API key for a consuming system, scoped to a unit (its issues and everything below it), read-only
 * unless `write`. Stores only the key's hash; returns the key itself, to be shown once.
 */
export async function createApiKey(
  db: Db,
  input: { name: string; unitId: number; write: boolean; rateLimit: number },
): Promise<{ id: number; key: string }> {
  if (await db.apiKey.findUnique({ where: { name: input.name } })) throw new ApiKeyNameTaken(input.name);
  const key = newApiKey();
  const row = await db.apiKey.create({
    data: {
      name: input.name,
      hash: hashApiKey(key),
      unitId: input.unitId,
      write: input.write,
      rateLimit: input.rateLimit,
    },
  });
  return { id: row.id, key };
}
