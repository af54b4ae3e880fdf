import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/commands/create-api-key.ts";
import { revokeApiKey } from "../../src/commands/revoke-api-key.ts";
import {
  SPEC_ERROR,
  SPEC_POST_BODY,
  SPEC_POST_RESPONSE,
  SPEC_REQUEST,
  SPEC_SERVICE,
  W3C_DATETIME,
} from "../fixtures/open311-spec.ts";
import { type BotHarness, ORG, startBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

/** The kinds of each field of an object, for comparing answers with the spec's examples. */
function kinds(object: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, v === null ? "null" : typeof v]));
}

describe("the Open311 GeoReport v2 API", () => {
  let h: BotHarness;
  let base: string;
  let street: string;
  let community: string;
  const person = (name: string) => h.people.get(name) as string;

  const get = async (path: string, key?: string) => {
    const response = await fetch(`${base}${path}${key ? `${path.includes("?") ? "&" : "?"}api_key=${key}` : ""}`);
    return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
  };
  const post = async (body: string, type = "application/x-www-form-urlencoded; charset=utf-8") => {
    const response = await fetch(`${base}/open311/v2/requests.json`, {
      method: "POST",
      headers: { "Content-Type": type },
      body,
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  beforeAll(async () => {
    h = await startBot({ mode: "ws" });
    base = `http://127.0.0.1:${h.bot.port}`;
    const xfjd = await h.bot.db.unit.findUniqueOrThrow({ where: { code: "xfjd" } });
    const dfl = await h.bot.db.unit.findUniqueOrThrow({ where: { code: "dfl" } });
    street = (await createApiKey(h.bot.db, { name: "12345热线", unitId: xfjd.id, write: true, rateLimit: 600 })).key;
    community = (await createApiKey(h.bot.db, { name: "东风路网格平台", unitId: dfl.id, write: false, rateLimit: 600 }))
      .key;
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it("lists the category catalogue with the spec's service fields", async () => {
    const { status, body } = await get("/open311/v2/services.json", street);
    expect(status).toBe(200);
    const services = body as Record<string, unknown>[];
    expect(services.length).toBeGreaterThan(20);
    const piled = services.find((s) => s.service_name === "堆物堆料") as Record<string, unknown>;
    expect(Object.keys(piled).sort()).toEqual(Object.keys(SPEC_SERVICE).sort());
    expect(kinds(piled)).toEqual({ ...kinds(SPEC_SERVICE), metadata: "boolean" });
    expect(piled).toMatchObject({ metadata: false, type: "realtime", group: "整治" });
    expect(String(piled.keywords)).toContain("堆物,堆料");
  });

  it("files a 12345 item like a chat report: the card in the community chat, marked with its source", async () => {
    // The spec's example request, with Riqing's place, category and ticket instead of San Francisco's.
    const form = new URLSearchParams(SPEC_POST_BODY);
    form.set("api_key", street);
    form.set("service_code", "piled-materials");
    form.set("lat", "31.2362");
    form.set("long", "121.4321");
    form.set("address_string", "幸福路菜市场门口");
    form.set("description", "市民来电：菜市场门口纸箱堆了一地");
    form.set("x_riqing_ticket", "GD20261123001");
    const { status, body } = await post(form.toString());
    expect(status).toBe(200);
    const [created] = body as Record<string, unknown>[];
    expect(Object.keys(created ?? {}).sort()).toEqual(Object.keys(SPEC_POST_RESPONSE[0] ?? {}).sort());
    expect(created).toMatchObject({ service_request_id: "1001", account_id: null });
    expect(String(created?.service_notice)).toMatch(/^已派发到幸福里社区创城工作群，整改期限 /);

    await h.settle();
    const issue = await h.bot.db.issue.findUniqueOrThrow({
      where: { number: 1001 },
      include: { grid: true, point: true, category: true },
    });
    expect(issue).toMatchObject({ reporterId: null, externalSource: "12345热线", externalId: "GD20261123001" });
    expect([issue.grid?.code, issue.point?.code, issue.category?.name]).toEqual(["xfl-01", "xfl-01-01", "堆物堆料"]);
    const card = h.emu.messages(ORG.chats.xflWork).find((m) => m.msgType === "interactive");
    const json = JSON.stringify(card?.content);
    expect(json).toContain("#1001 堆物堆料 · 待接单");
    expect(json).toContain("来源**：12345热线 · 工单号 GD20261123001");
    expect(json).toContain(`<at id=${person("郑晓红")}></at>`);

    // The same ticket again (a retry after a timeout) is the same issue.
    const again = await post(form.toString());
    expect((again.body as Record<string, unknown>[])[0]?.service_request_id).toBe("1001");
    expect(await h.bot.db.issue.count()).toBe(1);
  });

  it("answers one request with the spec's fields, and shows its closure in chat", async () => {
    const open = await get("/open311/v2/requests/1001.json", street);
    expect(open.status).toBe(200);
    const [request] = open.body as Record<string, unknown>[];
    expect(Object.keys(request ?? {})).toEqual(expect.arrayContaining(Object.keys(SPEC_REQUEST)));
    expect(request).toMatchObject({
      service_request_id: "1001",
      status: "open",
      status_notes: "待接单",
      service_code: "piled-materials",
      service_name: "堆物堆料",
      agency_responsible: "幸福里第一网格",
      address: "幸福路菜市场，幸福里第一网格，幸福里社区，幸福街道",
      address_id: "xfl-01-01",
      lat: 31.2362,
      long: 121.4321,
      media_url: null,
    });
    for (const field of ["requested_datetime", "updated_datetime", "expected_datetime"]) {
      expect(request?.[field]).toMatch(W3C_DATETIME);
    }
    expect(request?.x_riqing).toMatchObject({
      number: "#1001",
      grid: { code: "xfl-01", name: "幸福里第一网格" },
      community: { code: "xfl", name: "幸福里社区" },
      source: "12345热线 · 工单号 GD20261123001",
      board_state: "new",
      indicators: { kind: "动态", class: "整治", overdue: false, rebound: false },
      history: [expect.objectContaining({ actor: "12345热线", type: "filed" })],
    });

    // The grid head takes it in the card's thread, fixes it with a photo, the secretary verifies.
    const card = h.emu.messages(ORG.chats.xflWork).find((m) => m.msgType === "interactive");
    if (!card) throw new Error("no card");
    const issue = await h.bot.db.issue.findUniqueOrThrow({ where: { number: 1001 } });
    expect(issue.sourceMessageId).toBe(card.messageId);
    await h.emu.userClicks({ messageId: card.messageId, from: person("郑晓红"), value: { a: "accept", i: issue.id } });
    await h.settle();
    await h.emu.userSends({
      chatId: ORG.chats.xflWork,
      from: person("郑晓红"),
      replyTo: card.messageId,
      images: [samplePng(3)],
    });
    await h.settle();
    await h.emu.userClicks({ messageId: card.messageId, from: person("李秀英"), value: { a: "verify", i: issue.id } });
    await h.settle();

    const closed = await get("/open311/v2/requests/1001.json", street);
    const [done] = closed.body as Record<string, unknown>[];
    const closedAt = (await h.bot.db.issue.findUniqueOrThrow({ where: { number: 1001 } })).closedAt as Date;
    expect(done).toMatchObject({ status: "closed", status_notes: "已销项" });
    expect(new Date(String(done?.updated_datetime)).getTime()).toBe(Math.floor(closedAt.getTime() / 1000) * 1000);
    const photos = (done?.x_riqing as { photos: { stage: string; url: string }[] } | undefined)?.photos ?? [];
    expect(photos.map((p) => p.stage)).toEqual(["after"]);
    expect(done?.media_url).toBe(photos[0]?.url);
    const photo = await fetch(String(done?.media_url));
    expect(photo.status).toBe(200);
    expect(photo.headers.get("content-type")).toMatch(/^image\//);
    const forged = await fetch(
      String(done?.media_url).replace(/k=(.)/, (_, c: string) => `k=${c === "a" ? "b" : "a"}`),
    );
    expect(forged.status).toBe(403);

    const list = await get("/open311/v2/requests.json?status=closed", street);
    expect((list.body as { service_request_id: string }[]).map((r) => r.service_request_id)).toEqual(["1001"]);
    const none = await get("/open311/v2/requests.json?status=open", street);
    expect(none.body).toEqual([]);
  });

  it("answers bad filters with 400 in the spec's error format", async () => {
    const cases = [
      ["service_code=no-such-code", "未知的 service_code“no-such-code”"],
      ["start_date=yesterday", "start_date“yesterday”不是有效的 W3C 日期时间"],
      ["start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "间隔不能超过 90 天"],
      ["start_date=2026-06-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", "start_date 不能晚于 end_date"],
      ["status=pending", "status“pending”无效"],
      ["service_request_id=1001,abc", "service_request_id“abc”无效"],
    ];
    for (const [query, reason] of cases) {
      const { status, body } = await get(`/open311/v2/requests.json?${query}`, street);
      expect(status, query).toBe(400);
      expect(Object.keys((body as object[])[0] ?? {})).toEqual(Object.keys(SPEC_ERROR[0] ?? {}));
      expect(body).toEqual([{ code: 400, description: expect.stringContaining(reason as string) }]);
    }
    const range = await get(
      "/open311/v2/requests.json?start_date=2026-11-01&end_date=2026-11-30T23:59:59%2B08:00",
      street,
    );
    expect(range.status).toBe(200);
    expect((range.body as unknown[]).length).toBe(1);
  });

  it("refuses a missing, wrong, revoked or read-only key with 403, and too many calls with 429", async () => {
    expect(await get("/open311/v2/services.json")).toMatchObject({ status: 403, body: [{ code: 403 }] });
    expect((await get("/open311/v2/services.json", "rq_notakey")).status).toBe(403);
    const readOnly = await post(`api_key=${community}&address_id=dfl-01&description=堆物`);
    expect(readOnly).toMatchObject({
      status: 403,
      body: [{ code: 403, description: expect.stringContaining("只能查询") }],
    });
    const noPlace = await post(`api_key=${street}&description=${encodeURIComponent("有人乱扔垃圾")}`);
    expect(noPlace).toMatchObject({ status: 400, body: [{ description: expect.stringContaining("缺少位置") }] });
    const nowhere = await post(`api_key=${street}&address_string=${encodeURIComponent("某处")}&description=x`);
    expect(nowhere).toMatchObject({
      status: 400,
      body: [{ description: expect.stringContaining("无法确定问题所在的网格") }],
    });

    const unit = await h.bot.db.unit.findUniqueOrThrow({ where: { code: "xfjd" } });
    const limited = (await createApiKey(h.bot.db, { name: "城运平台", unitId: unit.id, write: false, rateLimit: 2 }))
      .key;
    expect((await get("/open311/v2/services.json", limited)).status).toBe(200);
    expect((await get("/open311/v2/services.json", limited)).status).toBe(200);
    const third = await get("/open311/v2/services.json", limited);
    expect(third).toMatchObject({ status: 429, body: [{ code: 429 }] });
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);

    await revokeApiKey(h.bot.db, "城运平台", new Date());
    expect((await get("/open311/v2/services.json", limited)).status).toBe(403);
  });

  it("shows a key only its unit's issues", async () => {
    expect((await get("/open311/v2/requests/1001.json", community)).status).toBe(404);
    expect((await get("/open311/v2/requests.json", community)).body).toEqual([]);
    expect((await get("/open311/v2/requests.json?service_request_id=1001", community)).body).toEqual([]);
    const geo = await get("/api/v1/issues.geojson", community);
    expect(geo.body).toEqual({ type: "FeatureCollection", features: [] });
  });

  it("serves the same requests as GeoJSON, an OpenAPI document, and any origin", async () => {
    const geo = await get("/api/v1/issues.geojson", street);
    expect(geo.headers.get("content-type")).toMatch(/^application\/geo\+json/);
    expect(geo.body).toMatchObject({
      type: "FeatureCollection",
      features: [
        {
          type: "Feature",
          id: "1001",
          geometry: { type: "Point", coordinates: [121.4321, 31.2362] },
          properties: { service_request_id: "1001", status: "closed" },
        },
      ],
    });
    const doc = await get("/open311/v2/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body).toMatchObject({ openapi: "3.1.0" });
    expect(Object.keys((doc.body as { paths: object }).paths)).toEqual([
      "/open311/v2/services.json",
      "/open311/v2/requests.json",
      "/open311/v2/requests/{id}.json",
      "/api/v1/issues.geojson",
    ]);
    expect(geo.headers.get("access-control-allow-origin")).toBe("*");
    const preflight = await fetch(`${base}/open311/v2/requests.json`, {
      method: "OPTIONS",
      headers: { Origin: "https://city-ops.example", "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    expect(await get("/open311/v2/nothing.json", street)).toMatchObject({ status: 404, body: [{ code: 404 }] });
  });
});
