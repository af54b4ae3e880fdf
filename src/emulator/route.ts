import type { IncomingHttpHeaders } from "node:http";
import type { z } from "zod";
import type { EmulatorState } from "./emulator-state.ts";
import type { AppIdentity } from "./event-envelope.ts";
import { larkErrors } from "./lark-api-error.ts";
import type { LongConnectionHub } from "./long-connection-hub.ts";
import type { MultipartPart } from "./parse-multipart.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import type { TokenStore } from "./token-store.ts";
import type { EmulatedMessage, RateLimits } from "./types.ts";

/** What route handlers work with. */
export interface RouteDeps {
  app: AppIdentity;
  appSecret: string;
  state: EmulatorState;
  tokens: TokenStore;
  limiter: RateLimiter;
  limits: RateLimits;
  hub: LongConnectionHub;
  now: () => number;
  /** Whether the app has been granted a scope. */
  granted: (scope: string) => boolean;
  messageCreated: (message: EmulatedMessage) => void;
  messageUpdated: (message: EmulatedMessage) => void;
}

/** What a route handler gets: path parameters, query, parsed JSON body or multipart parts, headers. */
export interface RouteContext {
  params: Record<string, string>;
  /** Query parameters; a repeated one keeps its last value here and every value in `queryAll`. */
  query: Record<string, string>;
  queryAll: (name: string) => string[];
  body: unknown;
  /** Size of the request body as sent, in bytes (Lark's 30 KB card and post limit is measured on it). */
  bodyBytes: number;
  parts?: MultipartPart[];
  headers: IncomingHttpHeaders;
}

/** A handler's answer: a JSON body, or bytes for downloads. `unexpected` flags a refusal given with HTTP 200. */
export type RouteResult =
  | { status?: number; json: Record<string, unknown>; unexpected?: string }
  | { status?: number; binary: Buffer; headers: Record<string, string> };

/** One emulated Open Platform endpoint. */
export interface Route {
  method: "GET" | "POST" | "PATCH";
  /** Path with `:name` parameters, e.g. "/open-apis/im/v1/messages/:message_id". */
  path: string;
  /** Needs a valid access token (everything except the token and long-connection endpoints). */
  auth: boolean;
  /** Counts against the per-app-per-API limits (HTTP 429, 99991400). */
  rateLimited: boolean;
  /** Scopes of which the app needs one (99991672 otherwise); none for the token and bot-info endpoints. */
  scopes?: readonly string[];
  handle: (ctx: RouteContext) => RouteResult | Promise<RouteResult>;
}

/** Matches a concrete path against a route path; returns its parameters or undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of want.entries()) {
    const actual = got[i] ?? "";
    if (segment.startsWith(":")) {
      if (actual === "") return undefined;
      params[segment.slice(1)] = decodeURIComponent(actual);
    } else if (segment !== actual) {
      return undefined;
    }
  }
  return params;
}

/** Parses input with a zod schema; failures become Lark's 99992402 "field validation failed". */
export function validateFields<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw larkErrors.fieldValidation(
    result.error.issues.map((issue) => ({ field: issue.path.join(".") || "body", description: issue.message })),
  );
}

/** A success answer in Lark's envelope. */
export function ok(data: Record<string, unknown>, msg = "success"): RouteResult {
  return { json: { code: 0, msg, data } };
}
