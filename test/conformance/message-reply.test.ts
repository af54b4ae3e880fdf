import { afterEach, describe, expect, it } from "vitest";
import type { LarkEmulator } from "../../src/emulator/index.ts";
import { replyRequest, response } from "./fixtures/message.ts";
import { CHAT, conformanceTenant, expectDocumentedShape, USER } from "./support.ts";

describe("POST /open-apis/im/v1/messages/:message_id/reply", () => {
  let emu: LarkEmulator;
  afterEach(async () => {
    await emu.close();
    emu.assertClean();
  });

  it("replies with the documented request, in a thread when asked, and answers with the documented message object", async () => {
    const tenant = await conformanceTenant();
    emu = tenant.emu;
    const { messageId } = await emu.userSends({ chatId: CHAT, from: USER, text: "上报" });
    const answer = (await tenant.client.request({
      method: "POST",
      url: `/open-apis/im/v1/messages/${messageId}/reply`,
      data: { ...replyRequest, reply_in_thread: true, uuid: "b0d69e20-1dd1-458b-k525-dfeca4015204" },
    })) as { data: { root_id: string; parent_id: string; thread_id: string } };
    expectDocumentedShape(answer, response, [
      "data.message_id",
      "data.root_id",
      "data.parent_id",
      "data.thread_id",
      "data.chat_id",
    ]);
    expect(answer.data).toMatchObject({ root_id: messageId, parent_id: messageId });
  });
});
