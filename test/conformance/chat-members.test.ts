import { afterEach, describe, expect, it } from "vitest";
import type { LarkEmulator } from "../../src/emulator/index.ts";
import { membersResponse, operatorNotInChat } from "./fixtures/chat-members.ts";
import { CHAT, conformanceTenant, expectDocumentedShape, refusal } from "./support.ts";

describe("GET /open-apis/im/v1/chats/:chat_id/members", () => {
  let emu: LarkEmulator;
  afterEach(async () => {
    await emu.close();
    emu.assertClean();
  });

  it("answers a page of members as documented", async () => {
    const tenant = await conformanceTenant();
    emu = tenant.emu;
    const answer = await tenant.client.request({
      method: "GET",
      url: `/open-apis/im/v1/chats/${CHAT}/members`,
      params: { member_id_type: "open_id", page_size: 20 },
    });
    expectDocumentedShape(answer, membersResponse, ["data.items", "data.has_more", "data.member_total"]);
  });

  it("refuses a chat the bot left with the documented 232011", async () => {
    const tenant = await conformanceTenant();
    emu = tenant.emu;
    await emu.removeBotFromChat(CHAT);
    const refused = await refusal(
      tenant.client.request({ method: "GET", url: `/open-apis/im/v1/chats/${CHAT}/members` }),
    );
    expect(refused.body).toMatchObject({ code: operatorNotInChat.code });
    expectDocumentedShape(refused.body, operatorNotInChat, ["code", "msg"]);
  });
});
