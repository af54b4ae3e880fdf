import { afterEach, describe, expect, it } from "vitest";
import type { LarkEmulator } from "../../src/emulator/index.ts";
import { dissolved, response } from "./fixtures/chat.ts";
import { CHAT, conformanceTenant, expectDocumentedShape, refusal } from "./support.ts";

describe("GET /open-apis/im/v1/chats/:chat_id", () => {
  let emu: LarkEmulator;
  afterEach(async () => {
    await emu.close();
    emu.assertClean();
  });

  it("answers with the documented chat object, also for an internal group the bot has left", async () => {
    const tenant = await conformanceTenant();
    emu = tenant.emu;
    const member = await tenant.client.request({ method: "GET", url: `/open-apis/im/v1/chats/${CHAT}` });
    expectDocumentedShape(member, response, ["data.name", "data.chat_mode", "data.owner_id", "data.user_count"]);
    await emu.removeBotFromChat(CHAT);
    const left = await tenant.client.request({ method: "GET", url: `/open-apis/im/v1/chats/${CHAT}` });
    expectDocumentedShape(left, response, ["data.name", "data.bot_count"]);
  });

  it("refuses a dissolved chat with the documented 232009", async () => {
    const tenant = await conformanceTenant();
    emu = tenant.emu;
    await emu.dissolveChat(CHAT);
    const refused = await refusal(tenant.client.request({ method: "GET", url: `/open-apis/im/v1/chats/${CHAT}` }));
    expect(refused.body).toMatchObject({ code: dissolved.code });
    expectDocumentedShape(refused.body, dissolved, ["code", "msg"]);
  });
});
