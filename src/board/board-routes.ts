import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import { readClaims, signClaims } from "../access/signed-claims.ts";
import { boardLinkFor } from "../commands/board-link.ts";
import { PROJECT_DIR } from "../config/paths.ts";
import { pageBundle } from "../http/page-bundle.ts";
import { chartFontFiles } from "../reports/chart-font.ts";
import { BOARD_TEXTS } from "../texts/open-data.ts";
import { BoardRefusal, viewerOf } from "./board-auth.ts";
import type { BoardDeps } from "./board-deps.ts";
import { BoardFeed } from "./board-feed.ts";
import { boardIssueDetail, boardView } from "./board-view.ts";
import { photoRoute } from "./photo-route.ts";

const PAGE_DIR = join(PROJECT_DIR, "src/board/page");
const script = pageBundle(join(PAGE_DIR, "main.ts"));
/** How long the Feishu login may take between leaving for the authorize page and coming back. */
const LOGIN_WINDOW_MS = 10 * 60_000;
const STATE_COOKIE = "riqing_board_login";

/** The page may use only its own files and calls: no inline script, no other site, never inside another page. */
const PAGE_HEADERS = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "no-store",
};

/**
 * The 挂图作战 board on the bot's own server, in every mode: the page (/board), its files, its data (/board/api/…,
 * each request checked against its link token), the live event stream, signed photo links, and the optional Feishu
 * web login. Returns the live feed, which the bot closes when it stops.
 */
export function boardRoutes(router: Router, deps: BoardDeps): BoardFeed {
  const feed = new BoardFeed(deps);
  const guarded =
    (run: (ctx: Context) => Promise<void>) =>
    async (ctx: Context): Promise<void> => {
      ctx.set("Cache-Control", "no-store");
      try {
        await run(ctx);
      } catch (error) {
        if (!(error instanceof BoardRefusal)) throw error;
        ctx.status = error.status;
        ctx.body = { error: error.message, reason: error.reason, login: deps.login !== undefined };
      }
    };

  router.get("/board", async (ctx) => {
    ctx.set(PAGE_HEADERS);
    ctx.type = "text/html; charset=utf-8";
    ctx.body = await readFile(join(PAGE_DIR, "index.html"));
  });
  router.get("/board/assets/:name", async (ctx) => {
    const asset = await boardAsset(String(ctx.params.name));
    if (!asset) {
      ctx.status = 404;
      return;
    }
    ctx.type = asset.type;
    ctx.set("Cache-Control", asset.type.startsWith("font/") ? "max-age=86400" : "no-cache");
    ctx.body = asset.body;
  });

  router.get(
    "/board/api/view",
    guarded(async (ctx) => {
      const viewer = await viewerOf(deps, ctx);
      const asked = Number(ctx.query.unit);
      const unit = viewer.units.includes(asked) ? asked : (viewer.units[0] as number);
      ctx.body = await boardView(deps.db, viewer.units, unit, deps.now(), deps);
    }),
  );
  router.get(
    "/board/api/issues/:number",
    guarded(async (ctx) => {
      const viewer = await viewerOf(deps, ctx);
      const number = Number(ctx.params.number);
      const detail =
        Number.isInteger(number) && deps.links
          ? await boardIssueDetail(deps.db, viewer.units, number, deps.now(), deps.timeZone, {
              secret: deps.links.secret,
              until: viewer.expiresAt,
            })
          : null;
      if (!detail) {
        ctx.status = 404;
        ctx.body = { error: BOARD_TEXTS.unknownIssue };
        return;
      }
      ctx.body = detail;
    }),
  );
  router.get(
    "/board/api/events",
    guarded(async (ctx) => {
      const viewer = await viewerOf(deps, ctx);
      await feed.open(ctx, /^Bearer\s+(\S+)$/i.exec(ctx.get("Authorization"))?.[1] ?? "");
      deps.log.debug({ openId: viewer.openId }, "board stream opened");
    }),
  );

  photoRoute(router, { db: deps.db, dataDir: deps.dataDir, secret: deps.links?.secret, now: deps.now });
  loginRoutes(router, deps);
  return feed;
}

const stateSchema = z.object({ n: z.string().min(16), exp: z.number().int() });

/**
 * Feishu web login (RIQING_BOARD_LOGIN=feishu): /board/login sends the browser to Feishu's authorize page with a
 * signed, short-lived state bound to a cookie of this browser; /board/login/callback checks both, turns the code
 * into the user's open_id and sends the browser to the board with a fresh personal link.
 */
function loginRoutes(router: Router, deps: BoardDeps): void {
  const refuse = (ctx: Context, message: string) => {
    ctx.status = 403;
    ctx.type = "text/html; charset=utf-8";
    ctx.set(PAGE_HEADERS);
    ctx.body = `<!doctype html><meta charset="utf-8"><title>${BOARD_TEXTS.pageTitle}</title><p>${message}</p>`;
  };
  const callbackUrl = () => `${deps.links?.baseUrl()}/board/login/callback`;

  router.get("/board/login", (ctx) => {
    if (!deps.login || !deps.links) return refuse(ctx, BOARD_TEXTS.loginOff);
    const nonce = randomBytes(18).toString("base64url");
    const state = signClaims(deps.links.secret, "oauth-state", {
      n: nonce,
      exp: Math.floor((Date.now() + LOGIN_WINDOW_MS) / 1000),
    });
    ctx.cookies.set(STATE_COOKIE, nonce, {
      httpOnly: true,
      sameSite: "lax",
      path: "/board/login",
      maxAge: LOGIN_WINDOW_MS,
      secure: callbackUrl().startsWith("https:"),
      overwrite: true,
    });
    ctx.set("Cache-Control", "no-store");
    ctx.redirect(deps.login.authorizeUrl(callbackUrl(), state));
  });

  router.get("/board/login/callback", async (ctx) => {
    const { login, links } = deps;
    if (!login || !links) return refuse(ctx, BOARD_TEXTS.loginOff);
    const code = typeof ctx.query.code === "string" ? ctx.query.code : "";
    const state = typeof ctx.query.state === "string" ? ctx.query.state : "";
    const read = readClaims(links.secret, "oauth-state", state, new Date(), (v) => {
      const parsed = stateSchema.safeParse(v);
      return parsed.success ? parsed.data : undefined;
    });
    const cookie = ctx.cookies.get(STATE_COOKIE);
    ctx.cookies.set(STATE_COOKIE, null, { path: "/board/login" });
    if (!code || !read.ok || !cookie || cookie !== read.claims.n) return refuse(ctx, BOARD_TEXTS.loginFailed);
    let openId: string;
    try {
      openId = await login.userOf(code, callbackUrl());
    } catch (error) {
      deps.log.warn({ err: error }, "board login: code exchange failed");
      return refuse(ctx, BOARD_TEXTS.loginFailed);
    }
    const link = await boardLinkFor(deps.db, links, { openId, admins: deps.admins, now: deps.now() });
    if (!link) return refuse(ctx, BOARD_TEXTS.noUnits);
    deps.log.info({ openId }, "board login");
    ctx.set("Cache-Control", "no-store");
    ctx.set("Referrer-Policy", "no-referrer");
    ctx.redirect(new URL(link.url).pathname + new URL(link.url).hash);
  });
}

/** The board page's files: the stylesheet, the bundled script, and the Noto Sans SC fonts (Chinese everywhere). */
async function boardAsset(name: string): Promise<{ type: string; body: Buffer | string } | undefined> {
  switch (name) {
    case "board.css":
      return { type: "text/css; charset=utf-8", body: await readFile(join(PAGE_DIR, "style.css")) };
    case "board.js":
      return { type: "text/javascript; charset=utf-8", body: await script() };
    case "font-regular.otf":
    case "font-bold.otf": {
      const [regular, bold] = chartFontFiles();
      const file = name === "font-regular.otf" ? regular : bold;
      return file ? { type: "font/otf", body: await readFile(file) } : undefined;
    }
    default:
      return undefined;
  }
}
