import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { FailureInjector } from "./failure-injector.ts";
import { LarkApiError, larkErrors } from "./lark-api-error.ts";
import { newId } from "./new-id.ts";
import { isTextField, type MultipartPart, parseMultipart } from "./parse-multipart.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import { matchPath, type Route, type RouteContext, type RouteResult } from "./route.ts";
import type { TokenStore } from "./token-store.ts";
import type { ApiCall, RateLimits } from "./types.ts";

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface ApiGatewayOptions {
  routes: Route[];
  tokens: TokenStore;
  limiter: RateLimiter;
  limits: RateLimits;
  failures: FailureInjector;
  now: () => number;
  /** The app's id (named in scope refusals) and whether it has been granted a scope. */
  appId: string;
  granted: (scope: string) => boolean;
  /** Every answered (or dropped) call; `unexpected` says why a correct client would not have made it. */
  onCall: (call: ApiCall, unexpected?: string) => void;
  onUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

type Answer = { status: number; headers: Record<string, string>; body: Buffer; code?: number };

/**
 * The HTTP front of the emulator, in the order Lark's gateway works: failure injection, routing, access token,
 * per-app rate limit, then the endpoint itself. Every call is recorded.
 */
export class ApiGateway {
  private readonly server: Server;
  private readonly pendingDrops = new Set<NodeJS.Timeout>();

  constructor(private readonly options: ApiGatewayOptions) {
    this.server = createServer((req, res) => {
      this.serve(req, res).catch((error: unknown) => {
        // An emulator bug must fail loudly in tests, not hang the client.
        const call: ApiCall = {
          method: req.method ?? "",
          path: req.url ?? "",
          query: {},
          body: undefined,
          status: 500,
          time: options.now(),
        };
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end("emulator internal error");
        options.onCall(call, `emulator internal error: ${String(error)}`);
      });
    });
    this.server.on("upgrade", options.onUpgrade);
  }

  /** Listens on 127.0.0.1 and resolves with the base URL. */
  async listen(port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => resolve());
    });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const timer of this.pendingDrops) clearTimeout(timer);
    this.pendingDrops.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = (req.method ?? "GET").toUpperCase();
    const call: ApiCall = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      status: 0,
      time: this.options.now(),
    };
    const raw = await readBody(req);
    if (raw === undefined) {
      this.finish(res, call, errorAnswer(larkErrors.bodyTooLarge()), "request body over 64 MB");
      return;
    }
    const failure = this.options.failures.take(method, url.pathname);
    if (failure && "kind" in failure && failure.kind === "network") {
      call.injected = "network";
      req.socket.destroy();
      this.options.onCall(call);
      return;
    }
    if (failure && "status" in failure) {
      call.injected = "status";
      const error = new LarkApiError(failure.code ?? failure.status, failure.msg ?? "injected failure", failure.status);
      this.finish(res, call, errorAnswer(error, failure.headers));
      return;
    }
    const { answer, unexpected } = await this.dispatch(method, url, req, raw, call);
    if (failure && "kind" in failure && failure.kind === "hold") {
      call.injected = "hold";
      await failure.until.catch(() => undefined);
    }
    if (failure && "kind" in failure && failure.kind === "timeout-after-accept") {
      // timeout-after-accept: the call took effect, but its answer never arrives.
      call.injected = "timeout-after-accept";
      call.status = answer.status;
      if (answer.code !== undefined) call.code = answer.code;
      this.options.onCall(call, unexpected);
      const timer = setTimeout(() => {
        this.pendingDrops.delete(timer);
        req.socket.destroy();
      }, failure.delayMs);
      this.pendingDrops.add(timer);
      return;
    }
    this.finish(res, call, answer, unexpected);
  }

  private async dispatch(
    method: string,
    url: URL,
    req: IncomingMessage,
    raw: Buffer,
    call: ApiCall,
  ): Promise<{ answer: Answer; unexpected?: string }> {
    try {
      const ctx = parseRequest(req, raw, url, call);
      const found = this.findRoute(method, url.pathname);
      if (!found) return { answer: notFound(), unexpected: `no such endpoint: ${method} ${url.pathname}` };
      const { route, params } = found;
      if (route.auth) this.authenticate(req);
      if (route.scopes && !route.scopes.some(this.options.granted)) {
        throw larkErrors.scopeMissing(this.options.appId, route.scopes);
      }
      if (route.rateLimited) this.throttle(`${route.method} ${route.path}`);
      const result = await route.handle({ ...ctx, params });
      const unexpected = "json" in result ? result.unexpected : undefined;
      return { answer: resultAnswer(result), ...(unexpected !== undefined && { unexpected }) };
    } catch (error) {
      if (!(error instanceof LarkApiError)) throw error;
      return { answer: errorAnswer(error), ...(error.unexpected && { unexpected: error.msg }) };
    }
  }

  private findRoute(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.options.routes) {
      if (route.method !== method) continue;
      const params = matchPath(route.path, path);
      if (params) return { route, params };
    }
    return undefined;
  }

  private authenticate(req: IncomingMessage): void {
    const header = req.headers.authorization ?? "";
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) throw larkErrors.missingToken();
    const state = this.options.tokens.check(token);
    if (state !== "valid") throw larkErrors.invalidToken(state === "expired");
  }

  private throttle(api: string): void {
    const { perApiPerSecond, perApiPerMinute } = this.options.limits;
    const refusal = this.options.limiter.admit(`api:${api}`, [
      { limit: perApiPerSecond, windowMs: 1000 },
      { limit: perApiPerMinute, windowMs: 60_000 },
    ]);
    if (refusal) throw larkErrors.appRateLimited(refusal.limit, refusal.resetSeconds);
  }

  private finish(res: ServerResponse, call: ApiCall, answer: Answer, unexpected?: string): void {
    call.status = answer.status;
    if (answer.code !== undefined) call.code = answer.code;
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
    this.options.onCall(call, unexpected);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Decodes the body by content type and fills `call.body`; malformed bodies are Lark's 99992402. */
function parseRequest(req: IncomingMessage, raw: Buffer, url: URL, call: ApiCall): Omit<RouteContext, "params"> {
  const contentType = req.headers["content-type"] ?? "";
  const base = {
    query: call.query,
    queryAll: (name: string) => url.searchParams.getAll(name),
    headers: req.headers,
    bodyBytes: raw.length,
  };
  if (/^multipart\/form-data/i.test(contentType)) {
    const parts = parseMultipart(raw, contentType);
    if (!parts) {
      throw larkErrors.fieldValidation([{ field: "body", description: "malformed multipart/form-data body" }]);
    }
    call.body = summarizeParts(parts);
    return { ...base, body: undefined, parts };
  }
  if (raw.length === 0) return { ...base, body: undefined };
  try {
    call.body = JSON.parse(raw.toString("utf8"));
  } catch {
    call.body = raw.toString("utf8");
    throw larkErrors.fieldValidation([{ field: "body", description: `invalid JSON body for ${url.pathname}` }]);
  }
  return { ...base, body: call.body };
}

function summarizeParts(parts: MultipartPart[]): unknown {
  const fields: Record<string, string> = {};
  const files: Record<string, { size: number; filename?: string; contentType?: string }> = {};
  for (const part of parts) {
    if (isTextField(part)) fields[part.name] = part.data.toString("utf8");
    else files[part.name] = { size: part.data.length, filename: part.filename, contentType: part.contentType };
  }
  return { fields, files };
}

function jsonAnswer(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Answer {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "x-tt-logid": newId("logId"), ...headers },
    body: Buffer.from(JSON.stringify(body)),
    ...(typeof body.code === "number" && { code: body.code }),
  };
}

function resultAnswer(result: RouteResult): Answer {
  if ("json" in result) return jsonAnswer(result.status ?? 200, result.json);
  return { status: result.status ?? 200, headers: result.headers, body: result.binary };
}

function errorAnswer(error: LarkApiError, extraHeaders: Record<string, string> = {}): Answer {
  const body = { code: error.code, msg: error.msg, error: { log_id: newId("logId"), ...error.extra } };
  return jsonAnswer(error.status, body, { ...error.headers, ...extraHeaders });
}

function notFound(): Answer {
  return { status: 404, headers: { "content-type": "text/plain" }, body: Buffer.from("404 page not found") };
}
