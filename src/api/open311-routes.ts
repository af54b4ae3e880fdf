import type Router from "@koa/router";
import type { Context } from "koa";
import { BodyError, readBody, readJsonBody } from "../access/read-body.ts";
import { inChunks } from "../db/in-chunks.ts";
import { orgOf } from "../db/org-queries.ts";
import { OPEN_STATUSES } from "../domain/types.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { loadScope } from "../reports/stats-scope.ts";
import { CLASS_LABELS } from "../texts/labels.ts";
import { API_TEXTS } from "../texts/open-data.ts";
import { wellFormed } from "../texts/well-formed.ts";
import type { ApiDeps } from "./api-deps.ts";
import { ApiError } from "./api-error.ts";
import { type ApiCaller, ApiKeys } from "./api-keys.ts";
import { fileRequest, parseNewRequest } from "./file-request.ts";
import { openApiDocument } from "./openapi.ts";
import { MAX_REQUESTS, parseRequestFilters, type RequestFilters } from "./request-filters.ts";
import { type LinkMaker, type Open311Request, REQUEST_INCLUDE, toRequests } from "./request-view.ts";

/** How long the photo links in an answer stay valid. */
const MEDIA_LINK_MS = 24 * 3_600_000;
/** Largest POST body: a form with a 4,000-character description is a few kilobytes. */
const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * The Open311 GeoReport v2 API (JSON) and the GeoJSON feed: services.json (the category catalogue), requests.json
 * (list with filters; POST files an issue), requests/{id}.json, /api/v1/issues.geojson, and the OpenAPI document.
 * Every call needs an api_key (`riqing apikey create`) and sees only its unit's issues; every call is logged with
 * the key's name (never the key). Answers allow any origin: no cookie or ambient credential is ever accepted, so a
 * web page can only do what its own api_key allows.
 */
export function open311Routes(router: Router, deps: ApiDeps): void {
  const keys = new ApiKeys(deps.db);

  const handle =
    (name: string, run: (ctx: Context) => Promise<void>) =>
    async (ctx: Context): Promise<void> => {
      const started = Date.now();
      allowAnyOrigin(ctx);
      let caller: string | undefined;
      try {
        await run(ctx);
        caller = ctx.state.apiCaller?.name;
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        caller = ctx.state.apiCaller?.name;
        ctx.status = error.status;
        ctx.set(error.headers);
        ctx.body = error.body();
      } finally {
        deps.log.info(
          {
            api: name,
            apiKey: caller ?? null,
            method: ctx.method,
            path: ctx.path,
            status: ctx.status,
            ms: Date.now() - started,
          },
          "api call",
        );
      }
    };
  const authenticate = async (ctx: Context, bodyKey?: string): Promise<ApiCaller> => {
    const caller = await keys.authenticate(ctx, bodyKey);
    ctx.state.apiCaller = caller;
    return caller;
  };
  const links = (ctx: Context): LinkMaker => ({
    base: deps.publicUrl?.() ?? ctx.origin,
    secret: deps.secret,
    validMs: MEDIA_LINK_MS,
  });

  for (const path of ["/open311/v2/{*rest}", "/api/v1/{*rest}"]) {
    router.options(path, (ctx) => {
      allowAnyOrigin(ctx);
      ctx.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
      ctx.set("Access-Control-Allow-Headers", "Authorization, X-Api-Key, Content-Type");
      ctx.set("Access-Control-Max-Age", "86400");
      ctx.status = 204;
    });
  }

  router.get("/open311/v2/openapi.json", (ctx) => {
    allowAnyOrigin(ctx);
    ctx.body = openApiDocument();
  });

  router.get(
    "/open311/v2/services.json",
    handle("services", async (ctx) => {
      await authenticate(ctx);
      const org = await orgOf(deps.db);
      ctx.body = org.categories.map((c) => ({
        service_code: c.code,
        service_name: c.name,
        description: API_TEXTS.serviceDescription(c.name, c.limit),
        metadata: false,
        type: "realtime",
        keywords: c.keywords.join(","),
        group: CLASS_LABELS[c.class as keyof typeof CLASS_LABELS] ?? c.class,
      }));
    }),
  );

  router.get(
    "/open311/v2/requests.json",
    handle("requests", async (ctx) => {
      const caller = await authenticate(ctx);
      ctx.body = await findRequests(deps, caller, ctx.query, links(ctx));
    }),
  );

  router.get(
    "/open311/v2/requests/:id.json",
    handle("request", async (ctx) => {
      const caller = await authenticate(ctx);
      const id = String(ctx.params.id);
      if (!/^\d{1,9}$/.test(id)) throw new ApiError(404, API_TEXTS.requestNotFound(id));
      const found = await findRequests(deps, caller, { service_request_id: id }, links(ctx));
      if (found.length === 0) throw new ApiError(404, API_TEXTS.requestNotFound(id));
      ctx.body = found;
    }),
  );

  router.post(
    "/open311/v2/requests.json",
    handle("create", async (ctx) => {
      const fields = await readFields(ctx);
      const caller = await authenticate(ctx, typeof fields.api_key === "string" ? fields.api_key : undefined);
      if (!caller.write) throw new ApiError(403, API_TEXTS.readOnlyKey);
      const filed = await fileRequest(deps, caller, parseNewRequest(fields));
      deps.log.info({ apiKey: caller.name, number: filed.number }, "issue filed through the API");
      ctx.body = [{ service_request_id: String(filed.number), service_notice: filed.notice, account_id: null }];
    }),
  );

  router.get(
    "/api/v1/issues.geojson",
    handle("geojson", async (ctx) => {
      const caller = await authenticate(ctx);
      const requests = await findRequests(deps, caller, ctx.query, links(ctx));
      ctx.type = "application/geo+json";
      ctx.body = {
        type: "FeatureCollection",
        features: requests.map(({ lat, long, ...properties }) => ({
          type: "Feature",
          id: properties.service_request_id,
          geometry: lat !== null && long !== null ? { type: "Point", coordinates: [long, lat] } : null,
          properties,
        })),
      };
    }),
  );

  router.all(
    ["/open311/{*rest}", "/api/v1/{*rest}"],
    handle("unknown", async () => {
      throw new ApiError(404, API_TEXTS.notFound);
    }),
  );
}

/** The requests of the caller's unit that the query asks for (at most 1,000, newest first). */
async function findRequests(
  deps: ApiDeps,
  caller: ApiCaller,
  query: Record<string, unknown>,
  links: LinkMaker,
): Promise<Open311Request[]> {
  const now = deps.now();
  const categories = (await orgOf(deps.db)).categories;
  const filters = parseRequestFilters(query, categories, now);
  const scope = await loadScope(deps.db, [caller.unitId]);
  const load = (where: Prisma.IssueWhereInput) =>
    deps.db.issue.findMany({
      where: { AND: [scope.where, where] },
      include: REQUEST_INCLUDE,
      orderBy: [{ reportedAt: "desc" }, { number: "desc" }],
      take: MAX_REQUESTS,
    });
  const rows = filters.numbers
    ? await inChunks(filters.numbers, (numbers) => load({ number: { in: numbers } }))
    : await load(whereOf(filters));
  const inScope = rows
    .filter((issue) => scope.contains(issue))
    .sort((a, b) => b.reportedAt.getTime() - a.reportedAt.getTime() || b.number - a.number)
    .slice(0, MAX_REQUESTS);
  return toRequests(deps.db, inScope, now, deps.timeZone, links);
}

/** The filters other than service_request_id as a Prisma condition. */
function whereOf(filters: RequestFilters): Prisma.IssueWhereInput {
  const status =
    filters.status?.length === 1
      ? filters.status[0] === "open"
        ? { status: { in: [...OPEN_STATUSES] } }
        : { status: { notIn: [...OPEN_STATUSES] } }
      : {};
  return {
    reportedAt: { gte: filters.from, lte: filters.to },
    ...(filters.categoryIds && { categoryId: { in: filters.categoryIds } }),
    ...status,
  };
}

function allowAnyOrigin(ctx: Context): void {
  ctx.set("Access-Control-Allow-Origin", "*");
  ctx.set("Vary", "Origin");
}

/** The fields of a POST body: form-encoded as the spec says, or JSON. ApiError 413 or 400 when it cannot be read. */
async function readFields(ctx: Context): Promise<Record<string, unknown>> {
  try {
    if (!ctx.is("application/json")) {
      return Object.fromEntries(new URLSearchParams((await readBody(ctx.req, BODY_LIMIT_BYTES)).toString("utf8")));
    }
    const json = wellFormed(await readJsonBody(ctx.req, BODY_LIMIT_BYTES));
    if (typeof json === "object" && json !== null && !Array.isArray(json)) return json as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof BodyError)) throw error;
    if (error.status === 413) throw new ApiError(413, API_TEXTS.bodyTooLarge(BODY_LIMIT_BYTES / 1024));
  }
  throw new ApiError(400, API_TEXTS.badBody);
}
