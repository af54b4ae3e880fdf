import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import Router from "@koa/router";
import Koa from "koa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { open311Routes } from "../../src/api/open311-routes.ts";
import { createApiKey } from "../../src/commands/create-api-key.ts";
import { DEFAULT_OFFICE_HOURS } from "../../src/config/office-hours.ts";
import { createLogger } from "../../src/log.ts";
import { importOrg } from "../../src/org/import-org.ts";
import { createTestDb, type TestDb } from "../support/db.ts";

describe("API calls in the log", () => {
  let t: TestDb;
  let server: ReturnType<Koa["listen"]>;
  let base: string;
  let key: string;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    t = await createTestDb();
    await importOrg(t.db, `${import.meta.dirname}/../../examples/org.yaml`);
    const street = await t.db.unit.findUniqueOrThrow({ where: { code: "xfjd" } });
    key = (await createApiKey(t.db, { name: "城运平台", unitId: street.id, write: false, rateLimit: 60 })).key;
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const router = new Router();
    open311Routes(router, {
      db: t.db,
      log: createLogger("info", sink),
      now: () => new Date(),
      timeZone: "Asia/Shanghai",
      officeHours: DEFAULT_OFFICE_HOURS,
      admins: [],
      policy: {},
      secret: undefined,
      publicUrl: undefined,
      queued: () => {},
    });
    const app = new Koa();
    app.use(router.routes());
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  it("names the key's system on every call, and never writes the key", async () => {
    await fetch(`${base}/open311/v2/services.json?api_key=${key}`);
    await fetch(`${base}/open311/v2/requests.json`, { headers: { "X-Api-Key": key } });
    await fetch(`${base}/open311/v2/requests.json?api_key=rq_wrong`);
    const calls = lines.filter((l) => l.msg === "api call");
    expect(calls.map((c) => [c.api, c.apiKey, c.status])).toEqual([
      ["services", "城运平台", 200],
      ["requests", "城运平台", 200],
      ["requests", null, 403],
    ]);
    expect(JSON.stringify(lines)).not.toContain(key);
    expect(JSON.stringify(lines)).not.toContain("rq_wrong");
  });
});
