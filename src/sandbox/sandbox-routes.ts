import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import { BodyError, readJsonBody } from "../access/read-body.ts";
import { boardLinkFor } from "../commands/board-link.ts";
import { BOARD_TEXTS } from "../texts/open-data.ts";
import { SANDBOX_TEXTS } from "../texts/sandbox.ts";
import type { ClickRequest, ClockRequest, SendRequest } from "./api-types.ts";
import { pageAsset } from "./page-assets.ts";
import { samplePhoto } from "./sample-photos.ts";
import {
  allMessages,
  clickCard,
  jumpClock,
  postAsPerson,
  SandboxRequestError,
  sandboxState,
} from "./sandbox-actions.ts";
import type { SandboxSession } from "./sandbox-session.ts";

/** Largest request body: a message with a few phone photos, base64-encoded. */
const BODY_LIMIT_BYTES = 40 * 1024 * 1024;

const sendSchema: z.ZodType<SendRequest> = z.object({
  chatId: z.string().min(1),
  from: z.string().min(1),
  text: z.string().max(4000).optional(),
  mentionBot: z.boolean().optional(),
  mentions: z.array(z.string()).max(20).optional(),
  replyTo: z.string().optional(),
  photos: z
    .array(z.union([z.object({ sample: z.string() }), z.object({ base64: z.string().min(1) })]))
    .max(9)
    .optional(),
});

const clickSchema: z.ZodType<ClickRequest> = z.object({
  messageId: z.string().min(1),
  from: z.string().min(1),
  value: z.record(z.string(), z.unknown()),
  tag: z.enum(["button", "select_static"]),
  option: z.string().optional(),
  name: z.string().optional(),
  formValue: z.record(z.string(), z.string()).optional(),
});

const clockSchema: z.ZodType<ClockRequest> = z.discriminatedUnion("action", [
  z.object({
    action: z.literal("advance"),
    minutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 31),
  }),
  z.object({ action: z.literal("until"), time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/) }),
  z.object({ action: z.literal("next") }),
]);

/** What the routes need from the running sandbox. */
export interface SandboxHost {
  /** The running session; undefined while a reset is under way. */
  session(): SandboxSession | undefined;
  /** The port the page is served on. */
  port: number;
  timeZone: string;
  /** Answers the page's event stream. */
  openEvents(ctx: Context): void;
  /** Publishes the clock after a jump. */
  clockMoved(now: number): void;
  /** Resets to the demo state after the current response has gone out. */
  resetSoon(ctx: Context): void;
}

/**
 * The sandbox's HTTP surface on the bot's server: the page (/sandbox, also where / leads, and its assets) and its JSON API
 * (/sandbox/api/*): state, messages, an event stream, posting as a demo person, card clicks, the clock, files and
 * photos, and reset. Only the page itself may use it: a request for another host name (DNS rebinding), from
 * another origin (a web page the user happens to visit), or a change that is not a same-origin JSON request is refused
 * with 403 before anything happens. Errors answer `{error}` with a sentence for the user.
 */
export function sandboxRoutes(router: Router, host: SandboxHost): void {
  const live = (ctx: Context): SandboxSession => {
    const session = host.session();
    if (session) return session;
    // The bot's server is closing for the reset; closing this connection lets it finish.
    ctx.set("Connection", "close");
    throw new SandboxRequestError(503, SANDBOX_TEXTS.resetting);
  };
  const handle =
    (run: (ctx: Context) => Promise<void> | void) =>
    async (ctx: Context): Promise<void> => {
      try {
        if (!fromOwnPage(ctx, host.port)) throw new SandboxRequestError(403, SANDBOX_TEXTS.foreignRequest);
        await run(ctx);
      } catch (error) {
        if (!(error instanceof SandboxRequestError)) throw error;
        ctx.status = error.status;
        ctx.body = { error: error.message };
      }
    };

  router.get(
    "/",
    handle((ctx) => ctx.redirect("/sandbox")),
  );
  router.get("/sandbox", handle(serveAsset("index.html")));
  router.get(
    "/sandbox/assets/:name",
    handle((ctx) => serveAsset(String(ctx.params.name))(ctx)),
  );

  router.get(
    "/sandbox/api/state",
    handle((ctx) => {
      ctx.set("Cache-Control", "no-store");
      ctx.body = sandboxState(live(ctx), host.timeZone);
    }),
  );
  router.get(
    "/sandbox/api/messages",
    handle((ctx) => {
      ctx.set("Cache-Control", "no-store");
      ctx.body = allMessages(live(ctx));
    }),
  );
  router.get(
    "/sandbox/api/events",
    handle((ctx) => {
      live(ctx);
      host.openEvents(ctx);
    }),
  );
  router.post(
    "/sandbox/api/messages",
    handle(async (ctx) => {
      const request = await readJson(ctx, sendSchema);
      ctx.body = await postAsPerson(live(ctx), request);
    }),
  );
  router.post(
    "/sandbox/api/clicks",
    handle(async (ctx) => {
      const request = await readJson(ctx, clickSchema);
      ctx.body = await clickCard(live(ctx), request);
    }),
  );
  router.post(
    "/sandbox/api/clock",
    handle(async (ctx) => {
      const request = await readJson(ctx, clockSchema);
      const answer = await jumpClock(live(ctx), request, host.timeZone);
      host.clockMoved(answer.now);
      ctx.body = answer;
    }),
  );
  router.get(
    "/sandbox/api/board-link",
    handle(async (ctx) => {
      const session = live(ctx);
      const as = String(ctx.query.as ?? "");
      if (!session.names.people.has(as)) throw new SandboxRequestError(400, SANDBOX_TEXTS.badRequest);
      const link = await boardLinkFor(session.riqing.db, session.board, {
        openId: as,
        admins: [],
        now: session.clock.now(),
      });
      if (!link) throw new SandboxRequestError(403, BOARD_TEXTS.noUnits);
      ctx.set("Cache-Control", "no-store");
      ctx.body = { url: link.url };
    }),
  );
  router.post(
    "/sandbox/api/reset",
    handle((ctx) => {
      live(ctx);
      host.resetSoon(ctx);
      ctx.status = 202;
      ctx.body = { ok: true };
    }),
  );
  router.get(
    "/sandbox/api/resources/:key",
    handle((ctx) => {
      const resource = live(ctx).emu.resource(String(ctx.params.key));
      if (!resource) throw new SandboxRequestError(404, SANDBOX_TEXTS.notFound);
      ctx.type = resource.contentType;
      ctx.set("Cache-Control", "private, max-age=86400, immutable");
      if (resource.kind === "file") {
        const name = resource.fileName ?? "download";
        ctx.set("Content-Disposition", `attachment; filename*=UTF-8''${encodeURIComponent(name)}`);
      }
      ctx.body = resource.data;
    }),
  );
  router.get(
    "/sandbox/api/samples/:file",
    handle(async (ctx) => {
      const id = String(ctx.params.file).replace(/\.png$/, "");
      const png = samplePhoto(id);
      if (!png) throw new SandboxRequestError(404, SANDBOX_TEXTS.unknownSample);
      ctx.type = "image/png";
      ctx.set("Cache-Control", "max-age=86400");
      ctx.body = await png;
    }),
  );
}

/** What a request may be addressed to: a loopback name with the sandbox's port (left out by a browser for 80). */
function ownHosts(port: number): string[] {
  return ["127.0.0.1", "localhost", "[::1]"].flatMap((name) =>
    port === 80 ? [name, `${name}:80`] : [`${name}:${port}`],
  );
}

/**
 * Whether a request comes from the sandbox page. It must be addressed to a loopback name on the sandbox's port (a
 * foreign name resolving to 127.0.0.1 is DNS rebinding), and, when the browser names the page that sent it (Origin),
 * be sent by the sandbox's own origin. A request that changes something must moreover prove it is same-origin (its
 * Origin, or Sec-Fetch-Site when there is no Origin; a cross-site Sec-Fetch-Site never passes) and be JSON, which no
 * form or simple cross-site request can send.
 */
function fromOwnPage(ctx: Context, port: number): boolean {
  const hosts = ownHosts(port);
  if (!hosts.includes(ctx.get("Host").toLowerCase())) return false;
  const origin = ctx.get("Origin");
  const ownOrigin = hosts.some((h) => origin === `http://${h}`);
  if (origin !== "" && !ownOrigin) return false;
  if (ctx.method === "GET" || ctx.method === "HEAD") return true;
  const site = ctx.get("Sec-Fetch-Site");
  const sameOrigin = site === "same-origin" || (site === "" && ownOrigin);
  return sameOrigin && ctx.is("application/json") === "application/json";
}

function serveAsset(name: string) {
  return async (ctx: Context): Promise<void> => {
    const asset = await pageAsset(name);
    if (!asset) throw new SandboxRequestError(404, SANDBOX_TEXTS.notFound);
    ctx.type = asset.type;
    ctx.set("Cache-Control", asset.maxAge > 0 ? `max-age=${asset.maxAge}` : "no-cache");
    ctx.body = asset.body;
  };
}

/** Reads and validates a JSON body up to the limit; a bad or oversized body is the caller's mistake (400/413). */
async function readJson<T>(ctx: Context, schema: z.ZodType<T>): Promise<T> {
  let json: unknown;
  try {
    json = await readJsonBody(ctx.req, BODY_LIMIT_BYTES);
  } catch (error) {
    if (!(error instanceof BodyError)) throw error;
    throw new SandboxRequestError(
      error.status,
      error.status === 413 ? SANDBOX_TEXTS.tooLarge : SANDBOX_TEXTS.badRequest,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new SandboxRequestError(400, SANDBOX_TEXTS.badRequest);
  return parsed.data;
}
