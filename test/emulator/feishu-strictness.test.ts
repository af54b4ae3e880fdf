import type * as lark from "@larksuiteoapi/node-sdk";
import { afterEach, describe, expect, it } from "vitest";
import { ALL_SCOPES, LarkEmulator, SCOPES } from "../../src/emulator/index.ts";
import { APP_ID, APP_SECRET, larkFailure, sdkClient } from "./support.ts";

const ALICE = "ou_alice000000000000000000000000000";
const CHAT = "oc_grid0000000000000000000000000001";

let emu: LarkEmulator;
let client: lark.Client;

async function start(scopes: readonly string[] = ALL_SCOPES): Promise<void> {
  emu = await LarkEmulator.start({ appId: APP_ID, appSecret: APP_SECRET, scopes });
  emu.addUser({ openId: ALICE, name: "张三" });
  emu.addChat({ chatId: CHAT, name: "一网格", members: [ALICE] });
  client = sdkClient(emu);
}

afterEach(async () => {
  await emu.close();
  emu.assertClean();
});

describe("scopes", () => {
  it("pushes private-chat messages only with im:message.p2p_msg:readonly", async () => {
    await start(ALL_SCOPES.filter((s) => s !== SCOPES.p2pMessages));
    const silent = await emu.userSends({ chatId: emu.p2pChatId(ALICE), from: ALICE, text: "待办" });
    expect(silent.eventId).toBeUndefined();
    emu.setScopes({ grant: [SCOPES.p2pMessages] });
    const heard = await emu.userSends({ chatId: emu.p2pChatId(ALICE), from: ALICE, text: "待办" });
    expect(heard.eventId).toBeDefined();
  });

  it("pushes only group messages that @ the bot with group_at_msg, none without either group scope", async () => {
    await start(ALL_SCOPES.filter((s) => s !== SCOPES.groupMessages));
    expect((await emu.userSends({ chatId: CHAT, from: ALICE, text: "闲聊" })).eventId).toBeUndefined();
    expect((await emu.userSends({ chatId: CHAT, from: ALICE, text: "上报", mentionBot: true })).eventId).toBeDefined();
    emu.setScopes({ revoke: [SCOPES.groupAtMessages] });
    expect(
      (await emu.userSends({ chatId: CHAT, from: ALICE, text: "上报", mentionBot: true })).eventId,
    ).toBeUndefined();
  });

  it("refuses a contact call without a contact scope with 99991672 naming the scopes, as Lark does", async () => {
    await start(ALL_SCOPES.filter((s) => s !== SCOPES.contactBase));
    const failure = await larkFailure(
      client.contact.user.get({ path: { user_id: ALICE }, params: { user_id_type: "open_id" } }),
    );
    expect(failure).toMatchObject({ status: 400, code: 99991672 });
    expect(failure.msg).toContain(`[${SCOPES.contactBase}]`);
    expect(failure.msg).toContain(`https://open.feishu.cn/app/${APP_ID}/auth?q=${SCOPES.contactBase}`);
  });

  it("leaves the name out of a user without contact:user.base:readonly", async () => {
    await start(ALL_SCOPES.filter((s) => s !== SCOPES.userBase));
    const got = await client.contact.user.get({ path: { user_id: ALICE }, params: { user_id_type: "open_id" } });
    expect(got.data?.user?.open_id).toBe(ALICE);
    expect(got.data?.user?.name).toBeUndefined();
  });

  it("refuses sends without a send scope and uploads without im:resource", async () => {
    await start(ALL_SCOPES.filter((s) => s !== SCOPES.sendAsBot && s !== SCOPES.message && s !== SCOPES.resource));
    const send = client.im.message.create({
      params: { receive_id_type: "chat_id" },
      data: { receive_id: CHAT, msg_type: "text", content: JSON.stringify({ text: "hi" }) },
    });
    expect(await larkFailure(send)).toMatchObject({ code: 99991672 });
    expect(emu.messages(CHAT)).toHaveLength(0);
  });
});

describe("chat membership", () => {
  it("answers get-chat for a chat the bot left, and is_in_chat tells the truth", async () => {
    await start();
    await emu.removeBotFromChat(CHAT);
    const info = await client.im.chat.get({ path: { chat_id: CHAT } });
    expect(info.data?.name).toBe("一网格");
    const member = (await client.request({
      method: "GET",
      url: `/open-apis/im/v1/chats/${CHAT}/members/is_in_chat`,
    })) as { code: number; data: { is_in_chat: boolean } };
    expect(member).toMatchObject({ code: 0, data: { is_in_chat: false } });
    await emu.addBotToChat(CHAT);
    const again = (await client.request({
      method: "GET",
      url: `/open-apis/im/v1/chats/${CHAT}/members/is_in_chat`,
    })) as { data: { is_in_chat: boolean } };
    expect(again.data.is_in_chat).toBe(true);
  });
});

describe("contact batch", () => {
  it("returns the users Lark knows and leaves unknown ids out", async () => {
    await start();
    const answer = (await client.request({
      method: "GET",
      url: "/open-apis/contact/v3/users/batch",
      params: { user_id_type: "open_id", user_ids: [ALICE, "ou_nobody"] },
      paramsSerializer: { indexes: null },
    })) as { code: number; data: { items: { open_id: string; name: string }[] } };
    expect(answer.code).toBe(0);
    expect(answer.data.items.map((u) => [u.open_id, u.name])).toEqual([[ALICE, "张三"]]);
  });
});

describe("mentions", () => {
  const card = (content: string) => ({
    config: { wide_screen_mode: true, update_multi: true },
    elements: [{ tag: "markdown", content }],
  });
  const send = (msgType: string, content: unknown) =>
    client.im.message.create({
      params: { receive_id_type: "chat_id" },
      data: { receive_id: CHAT, msg_type: msgType, content: JSON.stringify(content) },
    });

  it("refuses a whole card, text or post that mentions a user Lark does not know", async () => {
    await start();
    emu.allow(230099, 230001);
    const badCard = await larkFailure(send("interactive", card(`请 <at id=ou_stranger></at> 处理`)));
    expect(badCard).toMatchObject({ code: 230099 });
    expect(badCard.msg).toContain("ErrCode: 100290");
    expect(badCard.msg).toContain("ErrorValue: ou********");
    expect(await larkFailure(send("interactive", card("<at email=x@example.com></at>")))).toMatchObject({
      code: 230099,
    });
    expect(await larkFailure(send("text", { text: '<at user_id="ou_stranger"></at> 请处理' }))).toMatchObject({
      code: 230001,
    });
    const post = { zh_cn: { title: "", content: [[{ tag: "at", user_id: "ou_stranger" }]] } };
    expect(await larkFailure(send("post", post))).toMatchObject({ code: 230001 });
    expect(emu.messages(CHAT)).toHaveLength(0);

    await send("interactive", card(`请 <at id=${ALICE}></at> 处理 <at id=all></at>`));
    await send("text", { text: `<at user_id="${ALICE}"></at> <at user_id="all"></at>` });
    expect(emu.messages(CHAT)).toHaveLength(2);
  });
});

describe("size", () => {
  it("measures the 30 KB card limit on the request as sent: escaped quotes count", async () => {
    await start();
    emu.allow(230025);
    // 28 KB of content, but every quote is escaped in the request: over 30 KB as sent.
    const quoted = '"'.repeat(14 * 1024);
    const card = { config: { update_multi: true }, elements: [{ tag: "markdown", content: quoted }] };
    const content = JSON.stringify(card);
    expect(Buffer.byteLength(content)).toBeLessThan(30 * 1024);
    const refused = await larkFailure(
      client.im.message.create({
        params: { receive_id_type: "chat_id" },
        data: { receive_id: CHAT, msg_type: "interactive", content },
      }),
    );
    expect(refused).toMatchObject({ code: 230025 });
  });
});
