import type { ServerResponse } from "node:http";
import type { Context } from "koa";
import { keepAlive, openEventStream, SSE_KEEPALIVE_MS, sendEvent } from "../http/sse.ts";
import type { SandboxEvent } from "./api-types.ts";

/**
 * Server-sent events to every open page: each event is one `data:` line of JSON. Pages reconnect on their own
 * (EventSource) and reload what they missed.
 */
export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly keepalive: NodeJS.Timeout;

  constructor() {
    this.keepalive = setInterval(() => {
      for (const client of this.clients) keepAlive(client);
    }, SSE_KEEPALIVE_MS);
    this.keepalive.unref();
  }

  /** Answers a GET with an event stream that stays open until the page goes away or `closeAll` is called. */
  open(ctx: Context): void {
    const res = openEventStream(ctx);
    this.clients.add(res);
    res.once("close", () => this.clients.delete(res));
  }

  /** Sends one event to every open page. */
  publish(event: SandboxEvent): void {
    for (const client of this.clients) sendEvent(client, event);
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
