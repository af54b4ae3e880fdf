import { afterEach, describe, expect, it } from "vitest";
import type { LarkEmulator } from "../../src/emulator/index.ts";
import { isInChatResponse } from "./fixtures/chat-members.ts";
import { CHAT, conformanceTenant, expectDocumentedShape } from "./support.ts";

describe("GET /open-apis/im/v1/chats/:chat_id/members/is_in_chat", () => {
  let emu: LarkEmulator;
  afterEach(async () => {
    await emu.close();
    emu.assertClean();
  });

  it("answers as documented whether the bot is in the chat", async () => {
    const tenant = await conformanceTenant();
    emu = tenant.emu;
    const url = `/open-apis/im/v1/chats/${CHAT}/members/is_in_chat`;
    const inside = (await tenant.client.request({ method: "GET", url })) as { data: { is_in_chat: boolean } };
    expectDocumentedShape(inside, isInChatResponse, ["data.is_in_chat"]);
    expect(inside.data.is_in_chat).toBe(true);
    await emu.removeBotFromChat(CHAT);
    const outside = (await tenant.client.request({ method: "GET", url })) as { data: { is_in_chat: boolean } };
    expect(outside.data.is_in_chat).toBe(false);
  });
});
