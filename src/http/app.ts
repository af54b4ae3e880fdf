import type { Server, Socket } from "node:net";
import Router from "@koa/router";
import Koa from "koa";
import type { Logger } from "../log.ts";
import type { Metrics } from "../ops/metrics.ts";

/** One named check behind GET /healthz; what it resolves with (the database's kind and version) is reported too. */
export interface HealthCheck {
  name: string;
  check(): Promise<Record<string, unknown> | undefined>;
}

export interface AppOptions {
  log: Logger;
  metrics: Metrics;
  health: HealthCheck[];
  /** The open doors for people and other systems: the 挂图作战 board and the Open311 API. */
  board?: (router: Router) => void;
  api?: (router: Router) => void;
  /** Extra routes (the sandbox pages in sandbox mode). */
  extend?: (router: Router) => void;
}

/**
 * The HTTP surface behind the receiver thread (lark/receivers/receiver-thread.ts), which takes Lark's events itself and
 * forwards everything else here: health, metrics, the board and the Open311 API (and the sandbox when extended).
 */
export function createApp(options: AppOptions): Koa {
  const app = new Koa();
  const router = new Router();
  router.get("/healthz", async (ctx) => {
    const details: Record<string, unknown> = {};
    const results = await Promise.all(
      options.health.map(async (h) => {
        try {
          const detail = await h.check();
          if (detail) details[h.name] = detail;
          return [h.name, "ok"] as const;
        } catch (error) {
          return [h.name, String((error as Error).message ?? error)] as const;
        }
      }),
    );
    const healthy = results.every(([, r]) => r === "ok");
    ctx.status = healthy ? 200 : 503;
    ctx.body = { status: healthy ? "ok" : "unhealthy", checks: Object.fromEntries(results), ...details };
  });
  router.get("/metrics", async (ctx) => {
    ctx.type = options.metrics.registry.contentType;
    ctx.body = await options.metrics.registry.metrics();
  });
  options.board?.(router);
  options.api?.(router);
  options.extend?.(router);
  app.use(async (ctx, next) => {
    // A graceful stop closes the server, but a connection kept alive goes on carrying requests: those get 503
    // (Lark delivers again later), and answers close their connection so the stop need not wait for it.
    if (!listening(ctx)) {
      ctx.set("Connection", "close");
      ctx.status = 503;
      ctx.body = { error: "shutting down" };
      return;
    }
    await next();
    if (!listening(ctx)) ctx.set("Connection", "close");
  });
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      options.log.error({ err: error, path: ctx.path }, "request failed");
      ctx.status = 500;
      ctx.body = { error: "internal error" };
    }
  });
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}

/** False once the server that accepted this request's connection was closed. */
function listening(ctx: Koa.Context): boolean {
  return (ctx.req.socket as Socket & { server?: Server }).server?.listening !== false;
}
