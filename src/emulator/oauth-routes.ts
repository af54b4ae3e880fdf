import { isRecord } from "./is-record.ts";
import { newId } from "./new-id.ts";
import type { Route, RouteDeps, RouteResult } from "./route.ts";
import type { EmulatedUser } from "./types.ts";

/** Authorization codes live five minutes and work once; user tokens two hours (as on Feishu). */
const CODE_TTL_MS = 5 * 60_000;
const USER_TOKEN_TTL_S = 7200;

/**
 * The web login's state: who is signed in to "Feishu" in the browser (tests choose), the codes handed out and the
 * user tokens they became.
 */
export class OAuthStore {
  signedIn: string | undefined;
  readonly codes = new Map<string, { openId: string; redirectUri: string; expiresAt: number; used: boolean }>();
  readonly userTokens = new Map<string, { openId: string; expiresAt: number }>();
}

/** An OAuth 2 error answer of the v2 token endpoint: Lark's code plus RFC 6749's error and description. */
function oauthError(code: number, error: string, description: string, unexpected: string): RouteResult {
  return { status: 400, json: { code, error, error_description: description }, unexpected };
}

/**
 * Feishu web login (OAuth 2 authorization code): the authorize page (a browser navigation: it answers with a
 * redirect to `redirect_uri` with `code` and `state`, for the user `signInAs` chose, without a consent click as
 * inside the Feishu app), the v2 token endpoint, and user_info read with the user token.
 */
export function oauthRoutes(deps: RouteDeps, store: OAuthStore): Route[] {
  const { app, state, now } = deps;
  return [
    {
      method: "GET",
      path: "/open-apis/authen/v1/authorize",
      auth: false,
      rateLimited: false,
      handle: ({ query }): RouteResult => {
        if (query.client_id !== app.appId) {
          return {
            status: 400,
            json: { code: 20001, msg: "invalid client_id" },
            unexpected: "authorize: wrong client_id",
          };
        }
        const redirect = query.redirect_uri ?? "";
        if (!/^https?:\/\//.test(redirect)) {
          return {
            status: 400,
            json: { code: 20001, msg: "invalid redirect_uri" },
            unexpected: "authorize: bad redirect_uri",
          };
        }
        const user = store.signedIn === undefined ? undefined : state.findUser("open_id", store.signedIn);
        if (!user) {
          return {
            status: 400,
            json: { code: 20001, msg: "no user signed in" },
            unexpected: "authorize: nobody is signed in (call emu.signInAs first)",
          };
        }
        const code = newId("oauthCode");
        store.codes.set(code, {
          openId: user.openId,
          redirectUri: redirect,
          expiresAt: now() + CODE_TTL_MS,
          used: false,
        });
        const target = new URL(redirect);
        target.searchParams.set("code", code);
        if (query.state !== undefined) target.searchParams.set("state", query.state);
        return { status: 302, binary: Buffer.alloc(0), headers: { location: target.toString() } };
      },
    },
    {
      method: "POST",
      path: "/open-apis/authen/v2/oauth/token",
      auth: false,
      rateLimited: true,
      handle: ({ body }): RouteResult => {
        const field = (name: string) =>
          isRecord(body) && typeof body[name] === "string" ? (body[name] as string) : "";
        if (field("grant_type") !== "authorization_code") {
          return oauthError(20001, "invalid_request", "grant_type is not supported", "oauth token: wrong grant_type");
        }
        if (field("client_id") !== app.appId || field("client_secret") !== deps.appSecret) {
          return oauthError(20002, "invalid_client", "client authentication failed", "oauth token: wrong client");
        }
        const grant = store.codes.get(field("code"));
        if (!grant || grant.used) {
          return oauthError(
            20003,
            "invalid_grant",
            "The authorization code is not found.",
            "oauth token: unknown or reused code",
          );
        }
        if (grant.expiresAt <= now()) {
          return oauthError(20004, "invalid_grant", "The authorization code has expired.", "oauth token: expired code");
        }
        if (grant.redirectUri !== field("redirect_uri")) {
          return oauthError(20024, "invalid_grant", "redirect_uri mismatch", "oauth token: redirect_uri differs");
        }
        grant.used = true;
        const token = newId("userToken");
        store.userTokens.set(token, { openId: grant.openId, expiresAt: now() + USER_TOKEN_TTL_S * 1000 });
        return {
          json: {
            code: 0,
            access_token: token,
            expires_in: USER_TOKEN_TTL_S,
            refresh_token: newId("userToken"),
            refresh_token_expires_in: 604_800,
            token_type: "Bearer",
            scope: "",
          },
        };
      },
    },
    {
      method: "GET",
      path: "/open-apis/authen/v1/user_info",
      auth: false,
      rateLimited: true,
      handle: ({ headers }): RouteResult => {
        const bearer = /^Bearer\s+(\S+)$/i.exec(String(headers.authorization ?? ""))?.[1] ?? "";
        const held = store.userTokens.get(bearer);
        const user: EmulatedUser | undefined =
          held && held.expiresAt > now() ? state.findUser("open_id", held.openId) : undefined;
        if (!user) {
          return {
            status: 400,
            json: {
              code: 99991668,
              msg: "Invalid access token for authorization. Please make a new request with token attached.",
            },
            unexpected: "user_info: not a valid user access token",
          };
        }
        return {
          json: {
            code: 0,
            msg: "success",
            data: {
              name: user.name,
              en_name: "",
              avatar_url: "",
              open_id: user.openId,
              union_id: user.unionId,
              user_id: user.userId,
              tenant_key: app.tenantKey,
            },
          },
        };
      },
    },
  ];
}
