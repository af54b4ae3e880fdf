import { afterEach, describe, expect, it } from "vitest";
import type { LarkEmulator } from "../../src/emulator/index.ts";
import { batchResponse } from "./fixtures/user.ts";
import { conformanceTenant, expectDocumentedShape, USER } from "./support.ts";

describe("GET /open-apis/contact/v3/users/batch", () => {
  let emu: LarkEmulator;
  afterEach(async () => {
    await emu.close();
    emu.assertClean();
  });

  it("answers the documented repeated user_ids with the users it knows, as documented", async () => {
    const tenant = await conformanceTenant();
    emu = tenant.emu;
    const answer = (await tenant.client.request({
      method: "GET",
      url: `/open-apis/contact/v3/users/batch?user_id_type=open_id&user_ids=${USER}&user_ids=ou_not_in_this_tenant`,
    })) as { data: { items: { open_id: string }[] } };
    expectDocumentedShape(answer, batchResponse, ["data.items"]);
    expect(answer.data.items.map((u) => u.open_id)).toEqual([USER]);
  });
});
