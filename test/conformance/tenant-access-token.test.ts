import { afterEach, describe, expect, it } from "vitest";
import type { LarkEmulator } from "../../src/emulator/index.ts";
import { errorResponse, request, response } from "./fixtures/tenant-access-token.ts";
import { APP_ID, APP_SECRET, conformanceTenant, expectDocumentedShape } from "./support.ts";

describe("POST /open-apis/auth/v3/tenant_access_token/internal", () => {
  let emu: LarkEmulator;
  afterEach(async () => {
    await emu.close();
  });

  const post = (body: typeof request) =>
    fetch(`${emu.baseUrl}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify(body),
    });

  it("answers the documented request as documented: the token and its lifetime at the top level", async () => {
    ({ emu } = await conformanceTenant());
    const answer = await post({ ...request, app_id: APP_ID, app_secret: APP_SECRET });
    expect(answer.status).toBe(200);
    expectDocumentedShape(await answer.json(), response, ["code", "msg", "tenant_access_token", "expire"]);
    emu.assertClean();
  });

  it("refuses a wrong secret with the documented error", async () => {
    ({ emu } = await conformanceTenant());
    emu.allow(10014);
    const answer = await post({ ...request, app_id: APP_ID, app_secret: "wrong" });
    const body = await answer.json();
    expect(body).toMatchObject({ code: errorResponse.code });
    expectDocumentedShape(body, errorResponse, ["code", "msg"]);
  });
});
