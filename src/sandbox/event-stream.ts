import type { ServerResponse } from "node:http";
import type { Context } from "koa";
import type { SandboxEvent } from "./api-types.ts";

/** Milliseconds between comment lines that keep idle connections (and proxies) from timing out. */
const KEEPALIVE_MS = 15_000;

/**
 * Server-sent events to every open page: each event is one `data:` line of JSON. Pages reconnect on their own
 * (EventSource) and reload what they missed.
 */
export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly keepalive: NodeJS.Timeout;

  constructor() {
    this.keepalive = setInterval(() => {
      for (const client of this.clients) client.write(": keepalive\n\n");
    }, KEEPALIVE_MS);
    this.keepalive.unref();
  }

  /**
   * Answers a GET with an event stream that stays open until the page goes away or `closeAll` is called. The
   * response is written directly (Koa steps aside), so a page that leaves is not reported as an error.
   */
  open(ctx: Context): void {
    const res = ctx.res;
    ctx.respond = false;
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    res.write("retry: 1000\n\n");
    this.clients.add(res);
    res.once("close", () => this.clients.delete(res));
  }

  /** Sends one event to every open page. */
  publish(event: SandboxEvent): void {
    const line = `data: ${JSON.stringify(event)}\n\n`;
    for (const client of this.clients) client.write(line);
  }

  /** Ends every open stream (before the HTTP server closes, which waits for open responses). */
  closeAll(): void {
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  /** Ends every stream and stops the keepalive timer. */
  close(): void {
    this.closeAll();
    clearInterval(this.keepalive);
  }
}
