import { afterEach, describe, expect, it } from "vitest";
import { ALL_SCOPES, type LarkEmulator, SCOPES } from "../../src/emulator/index.ts";
import { getResponse, scopeMissing } from "./fixtures/user.ts";
import { conformanceTenant, expectDocumentedShape, refusal, USER } from "./support.ts";

describe("GET /open-apis/contact/v3/users/:user_id", () => {
  let emu: LarkEmulator;
  afterEach(async () => {
    await emu.close();
    emu.assertClean();
  });

  it("answers a user by open_id with the documented user object", async () => {
    const tenant = await conformanceTenant();
    emu = tenant.emu;
    const answer = await tenant.client.request({
      method: "GET",
      url: `/open-apis/contact/v3/users/${USER}`,
      params: { user_id_type: "open_id" },
    });
    expectDocumentedShape(answer, getResponse, ["data.user.open_id", "data.user.name", "data.user.union_id"]);
  });

  it("refuses without the contact scope with the documented 99991672 and its permission violations", async () => {
    const tenant = await conformanceTenant();
    emu = tenant.emu;
    emu.setScopes({ revoke: ALL_SCOPES.filter((s) => s === SCOPES.contactBase) });
    const refused = await refusal(
      tenant.client.request({
        method: "GET",
        url: `/open-apis/contact/v3/users/${USER}`,
        params: { user_id_type: "open_id" },
      }),
    );
    expect(refused.body).toMatchObject({ code: scopeMissing.code });
    expectDocumentedShape(refused.body, scopeMissing, ["code", "msg", "error.permission_violations"]);
  });
});
