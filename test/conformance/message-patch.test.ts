import type * as lark from "@larksuiteoapi/node-sdk";
import { afterEach, describe, expect, it } from "vitest";
import type { LarkEmulator } from "../../src/emulator/index.ts";
import { request, response, tooOld } from "./fixtures/message-patch.ts";
import { CHAT, conformanceTenant, expectDocumentedShape, refusal, sdkClientFor } from "./support.ts";

/** Sends the documented card to the group; the card to update. */
async function sendCard(client: lark.Client): Promise<{ data: { message_id: string } }> {
  return (await client.request({
    method: "POST",
    url: "/open-apis/im/v1/messages",
    params: { receive_id_type: "chat_id" },
    data: { receive_id: CHAT, msg_type: "interactive", content: request.content },
  })) as { data: { message_id: string } };
}

describe("PATCH /open-apis/im/v1/messages/:message_id", () => {
  let emu: LarkEmulator;
  afterEach(async () => {
    await emu.close();
    emu.assertClean();
  });

  it("updates a shared card with the documented content and answers as documented", async () => {
    const tenant = await conformanceTenant();
    emu = tenant.emu;
    const sent = await sendCard(tenant.client);
    const answer = await tenant.client.request({
      method: "PATCH",
      url: `/open-apis/im/v1/messages/${sent.data.message_id}`,
      data: request,
    });
    expectDocumentedShape(answer, response, ["code", "msg", "data"]);
    expect(emu.message(sent.data.message_id)?.updates).toHaveLength(1);
  });

  it("refuses a card sent more than 14 days ago with the documented 230031", async () => {
    let now = Date.parse("2026-11-01T00:00:00Z");
    const tenant = await conformanceTenant({ now: () => now });
    emu = tenant.emu;
    const sent = await sendCard(tenant.client);
    now += 15 * 86_400_000;
    emu.allow(230031);
    const fresh = sdkClientFor(emu);
    const refused = await refusal(
      fresh.request({ method: "PATCH", url: `/open-apis/im/v1/messages/${sent.data.message_id}`, data: request }),
    );
    expect(refused.body).toMatchObject({ code: tooOld.code });
    expectDocumentedShape(refused.body, tooOld, ["code", "msg"]);
  });
});
