import { AsyncLocalStorage } from "node:async_hooks";
import type * as Lark from "@larksuiteoapi/node-sdk";
import { lark } from "../sdk.ts";

/**
 * The token cache handed to the SDK (which otherwise shares one process-wide cache between clients). A token Lark
 * rejected can be forgotten, while a newer one that another call already fetched is kept.
 */
export class TokenCache implements Lark.Cache {
  private readonly values = new Map<string, { value: unknown; expiresAt: number | undefined }>();

  async get(key: CacheKey, options?: { namespace?: string }): Promise<unknown> {
    const entry = this.values.get(cacheKey(key, options?.namespace));
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) return undefined;
    return entry.value;
  }

  async set(key: CacheKey, value: unknown, expiresAt?: number, options?: { namespace?: string }): Promise<boolean> {
    this.values.set(cacheKey(key, options?.namespace), { value, expiresAt });
    return true;
  }

  /** Forgets `token` if it is still cached; forgets every token when it is not known which one was sent. */
  invalidate(token: string | undefined): void {
    for (const [key, entry] of this.values) {
      if (token === undefined || entry.value === token) this.values.delete(key);
    }
  }
}

/** The SDK keys its cache by strings and symbols. */
type CacheKey = Parameters<Lark.Cache["get"]>[0];

function cacheKey(key: CacheKey, namespace: string | undefined): string {
  return `${namespace ?? ""}/${key.toString()}`;
}

const TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal";

/** What one try of a call sent: the tenant token its request carried (the SDK may fetch it mid-call). */
export interface SentWith {
  token?: string;
}

/** Follows each try through the SDK down to the HTTP layer, which notes the token the request carries. */
export const sentWith = new AsyncLocalStorage<SentWith>();

/**
 * The SDK's axios instance with a default timeout (it has none) and one token request at a time: when many calls
 * find the token missing together, they share a single request instead of each fetching one. Each request notes
 * the token it carries in its try's `SentWith`.
 */
export function boundedHttp(timeoutMs: number): Lark.HttpInstance {
  const base = lark.defaultHttpInstance;
  let tokenInFlight: Promise<unknown> | undefined;
  const request = <R>(config: Record<string, unknown>): Promise<R> => {
    const bearer = /^Bearer\s+(\S+)$/.exec(String((config.headers as Record<string, unknown>)?.Authorization ?? ""));
    const sent = sentWith.getStore();
    if (sent && bearer) sent.token = bearer[1];
    return base.request({ timeout: timeoutMs, ...config }) as Promise<R>;
  };
  return {
    request: (opts) => request(opts as Record<string, unknown>),
    get: (url, opts) => request({ ...opts, method: "GET", url }),
    delete: (url, opts) => request({ ...opts, method: "DELETE", url }),
    head: (url, opts) => request({ ...opts, method: "HEAD", url }),
    options: (url, opts) => request({ ...opts, method: "OPTIONS", url }),
    put: (url, data, opts) => request({ ...opts, method: "PUT", url, data }),
    patch: (url, data, opts) => request({ ...opts, method: "PATCH", url, data }),
    post: <T, R = T>(url: string, data?: unknown, opts?: object): Promise<R> => {
      if (!url.endsWith(TOKEN_PATH)) return request({ ...opts, method: "POST", url, data });
      if (!tokenInFlight) {
        tokenInFlight = request({ ...opts, method: "POST", url, data }).finally(() => {
          tokenInFlight = undefined;
        });
      }
      return tokenInFlight as Promise<R>;
    },
  };
}
