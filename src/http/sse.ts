import type { ServerResponse } from "node:http";
import type { Context } from "koa";

/** Milliseconds between comment lines that keep idle event streams (and proxies in between) from timing out. */
export const SSE_KEEPALIVE_MS = 15_000;

/**
 * Answers a GET with a server-sent event stream that stays open until the client goes away or the server ends it.
 * The response is written directly (Koa steps aside), so a client that leaves is not reported as an error. Returns
 * the response to write events to with {@link sendEvent}.
 */
export function openEventStream(ctx: Context): ServerResponse {
  const res = ctx.res;
  ctx.respond = false;
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  res.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-store",
    Connection: "keep-alive",
    "X-Accel-Buffering": "no",
  });
  res.write("retry: 1000\n\n");
  return res;
}

/** Writes one event as a `data:` line of JSON. */
export function sendEvent(res: ServerResponse, event: unknown): void {
  res.write(`data: ${JSON.stringify(event)}\n\n`);
}

/** Writes a comment line that keeps the connection alive. */
export function keepAlive(res: ServerResponse): void {
  res.write(": keepalive\n\n");
}
