import { isRecord } from "./is-record.ts";
import { LarkApiError } from "./lark-api-error.ts";
import type { Route, RouteDeps, RouteResult } from "./route.ts";

/** Token endpoints (self-built app) and the long-connection endpoint; none needs an access token. */
export function authRoutes(deps: RouteDeps): Route[] {
  const checkCredentials = (body: unknown): void => {
    const appId = isRecord(body) ? body.app_id : undefined;
    const appSecret = isRecord(body) ? body.app_secret : undefined;
    if (appId !== deps.app.appId) throw new LarkApiError(10003, "invalid param");
    if (appSecret !== deps.appSecret) throw new LarkApiError(10014, "app secret invalid");
  };
  return [
    {
      method: "POST",
      path: "/open-apis/auth/v3/tenant_access_token/internal",
      auth: false,
      rateLimited: false,
      handle: ({ body }): RouteResult => {
        checkCredentials(body);
        const { token, expire } = deps.tokens.issue("tenant");
        // Token answers carry their fields at the top level, not under `data`.
        return { json: { code: 0, msg: "ok", tenant_access_token: token, expire } };
      },
    },
    {
      method: "POST",
      path: "/open-apis/auth/v3/app_access_token/internal",
      auth: false,
      rateLimited: false,
      handle: ({ body }): RouteResult => {
        checkCredentials(body);
        const app = deps.tokens.issue("app");
        const tenant = deps.tokens.issue("tenant");
        return {
          json: {
            code: 0,
            msg: "ok",
            app_access_token: app.token,
            expire: app.expire,
            tenant_access_token: tenant.token,
          },
        };
      },
    },
    {
      method: "POST",
      path: "/callback/ws/endpoint",
      auth: false,
      rateLimited: false,
      handle: ({ body }): RouteResult => {
        const answer = deps.hub.endpoint(body);
        return {
          json: { ...answer },
          ...(answer.code !== 0 && { unexpected: `long-connection endpoint refused: ${answer.msg}` }),
        };
      },
    },
  ];
}
