// behaviour §13.8
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BotHarness, ORG, startBot } from "../support/bot.ts";

describe("messages Lark refuses for good", () => {
  let h: BotHarness;
  let secretary: string;
  beforeEach(async () => {
    h = await startBot({ mode: "ws" });
    secretary = h.people.get("李秀英") ?? "";
  });
  afterEach(async () => {
    await h.close();
  });

  const askForHelp = async () => {
    await h.emu.userSends({ chatId: ORG.chats.xflWork, from: secretary, text: "帮助", mentionBot: true });
    await h.settle();
  };
  const privateMessages = () => h.emu.messages(h.emu.p2pChatId(secretary)).filter((m) => m.sender.type === "app");

  it("answers in the private chat when the group was dissolved, after saying why; tries the group once", async () => {
    h.emu.failNext(
      { method: "POST", path: /\/reply$/ },
      { status: 400, code: 232009, msg: "Your request specifies a chat which has already been dissolved." },
    );
    await askForHelp();
    const failed = await h.bot.db.outboxMessage.findFirstOrThrow({ where: { status: "failed" } });
    expect(failed).toMatchObject({ lastCode: 232009, attempts: 1 });
    expect(failed.lastError).toContain("群已解散");
    const [note, answer] = privateMessages();
    expect(JSON.stringify(note?.content)).toContain("该群已解散");
    expect(JSON.stringify(note?.content)).toContain("幸福里社区创城工作群");
    expect(answer?.msgType).toBe("interactive");
  });

  it("tells the person when the tenant's content policy blocked the answer (230028), without resending it", async () => {
    h.emu.failNext(
      { method: "POST", path: /\/reply$/ },
      { status: 400, code: 230028, msg: "The messages do NOT pass the audit, ext=DLP" },
    );
    await askForHelp();
    expect(await h.bot.db.outboxMessage.findFirstOrThrow({ where: { status: "failed" } })).toMatchObject({
      lastCode: 230028,
      attempts: 1,
    });
    const sent = privateMessages();
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]?.content)).toContain("内容安全策略拦截");
  });
});
