import type * as lark from "@larksuiteoapi/node-sdk";
import { afterEach, describe, expect, it } from "vitest";
import type { LarkEmulator } from "../../src/emulator/index.ts";
import { createRequest, notInChat, response } from "./fixtures/message.ts";
import { CHAT, conformanceTenant, expectDocumentedShape, refusal, USER } from "./support.ts";

const REQUIRED = ["code", "msg", "data.message_id", "data.msg_type", "data.create_time", "data.chat_id", "data.sender"];

describe("POST /open-apis/im/v1/messages", () => {
  let emu: LarkEmulator;
  let client: lark.Client;
  afterEach(async () => {
    await emu.close();
    emu.assertClean();
  });

  it("sends the documented text to a user and answers with the documented message object", async () => {
    ({ emu, client } = await conformanceTenant());
    const answer = await client.request({
      method: "POST",
      url: "/open-apis/im/v1/messages",
      params: { receive_id_type: "open_id" },
      data: { ...createRequest, receive_id: USER, uuid: "a0d69e20-1dd1-458b-k525-dfeca4015204" },
    });
    expectDocumentedShape(answer, response, REQUIRED);
    expect(emu.messages(emu.p2pChatId(USER)).at(-1)?.content).toEqual({ text: "test content" });
  });

  it("refuses a chat the bot is not in with the documented 230002", async () => {
    ({ emu, client } = await conformanceTenant());
    await emu.removeBotFromChat(CHAT);
    const refused = await refusal(
      client.request({
        method: "POST",
        url: "/open-apis/im/v1/messages",
        params: { receive_id_type: "chat_id" },
        data: { ...createRequest, receive_id: CHAT, uuid: undefined },
      }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: notInChat.code });
    expectDocumentedShape(refused.body, notInChat, ["code", "msg", "error.log_id"]);
  });
});
