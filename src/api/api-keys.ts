import type { Context } from "koa";
import { hashApiKey, looksLikeApiKey } from "../access/api-key.ts";
import type { Db } from "../db/client.ts";
import { API_TEXTS } from "../texts/open-data.ts";
import { ApiError } from "./api-error.ts";

/** A key that passed: which system, which unit's issues, whether it may file. */
export interface ApiCaller {
  id: number;
  name: string;
  unitId: number;
  write: boolean;
}

const WINDOW_MS = 60_000;

/**
 * Finds the caller's key — `api_key` in the query or the form, `X-Api-Key`, or `Authorization: Bearer` — among the
 * stored hashes, refuses a missing, unknown or revoked one (403), and counts the call against the key's limit per
 * minute (429 with Retry-After). The limit is counted per process (a fixed window): with several instances behind a
 * balancer a key gets that many calls per instance.
 */
export class ApiKeys {
  private readonly windows = new Map<number, { start: number; count: number }>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(ctx: Context, bodyKey?: string): Promise<ApiCaller> {
    const given = bodyKey ?? keyOf(ctx);
    if (!given) throw new ApiError(403, API_TEXTS.missingKey);
    const row = looksLikeApiKey(given) ? await this.db.apiKey.findUnique({ where: { hash: hashApiKey(given) } }) : null;
    if (!row || row.revokedAt !== null) throw new ApiError(403, API_TEXTS.invalidKey);
    this.count(row.id, row.rateLimit);
    return { id: row.id, name: row.name, unitId: row.unitId, write: row.write };
  }

  private count(keyId: number, perMinute: number): void {
    const now = this.now();
    let window = this.windows.get(keyId);
    if (!window || now - window.start >= WINDOW_MS) {
      window = { start: now, count: 0 };
      this.windows.set(keyId, window);
    }
    window.count += 1;
    if (window.count > perMinute) {
      const retry = Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000));
      throw new ApiError(429, API_TEXTS.rateLimited(perMinute), { "Retry-After": String(retry) });
    }
  }
}

function keyOf(ctx: Context): string | undefined {
  const query = ctx.query.api_key;
  if (typeof query === "string" && query) return query;
  const header = ctx.get("X-Api-Key");
  if (header) return header;
  return /^Bearer\s+(\S+)$/i.exec(ctx.get("Authorization"))?.[1];
}
