// behaviour §1.8
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importOrg } from "../../src/org/import-org.ts";
import { askInChat, ORG, useBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

describe("解绑 then 绑定 again", () => {
  const h = useBot({ mode: "webhook" });
  const p = (name: string) => h().people.get(name) ?? "";

  /** Sends a command with @bot in 幸福里's work group; returns the bot's answer. */
  const ask = async (from: string, text: string, chatId: string = ORG.chats.xflWork) => {
    const [answer] = await askInChat(h(), { from, text, chatId });
    return JSON.stringify(answer?.content ?? "");
  };
  const binding = (chatId: string = ORG.chats.xflWork) => h().bot.db.chatBinding.findUnique({ where: { chatId } });

  it("keeps the chat's settings and digest time, and they are in force again once it is bound", async () => {
    const settings = { selfVerify: true, reminders: { quietHours: "22:00-07:00" }, minRankedIssues: 1 };
    await h().bot.db.chatBinding.update({
      where: { chatId: ORG.chats.xflWork },
      data: { settings, digestTime: "17:30" },
    });

    expect(await ask("李秀英", "解绑")).toContain("已解除本群与「幸福里社区」的绑定");
    expect(await binding()).toBeNull();
    expect(await ask("李秀英", "绑定 幸福里社区")).toContain("已把本群绑定到「幸福里社区」（工作群）");
    expect(await binding()).toMatchObject({ settings, digestTime: "17:30", purpose: "work" });

    // selfVerify is in force: the secretary verifies her own fix.
    const sent = await h().emu.userSends({
      chatId: ORG.chats.xflWork,
      from: p("李秀英"),
      text: "上报 幸福路菜市场门口堆物",
      images: [samplePng(1)],
    });
    await h().settle();
    const issue = await h().bot.db.issue.findFirstOrThrow({ where: { sourceMessageId: sent.messageId } });
    const cardId = issue.cardMessageId ?? "";
    await h().emu.userClicks({
      messageId: cardId,
      from: p("李秀英"),
      value: { a: "assign", i: issue.id },
      option: p("李秀英"),
    });
    await h().settle();
    await h().emu.userSends({
      chatId: ORG.chats.xflWork,
      from: p("李秀英"),
      replyTo: sent.messageId,
      images: [samplePng(2)],
    });
    await h().settle();
    const own = await h().emu.userClicks({ messageId: cardId, from: p("李秀英"), value: { a: "verify", i: issue.id } });
    expect(own?.toast).toEqual({ type: "success", content: "已验收销项" });
  });

  it("keeps them when the group is bound for another purpose, and when an org import binds it again", async () => {
    const patrol = ORG.chats.xflPatrol;
    await h().bot.db.chatBinding.update({
      where: { chatId: patrol },
      data: { settings: { selfVerify: true }, digestTime: "17:30" },
    });
    expect(await ask("李秀英", "解绑", patrol)).toContain("已解除本群与「幸福里社区」的绑定");
    expect(await ask("李秀英", "绑定 幸福里社区 工作", patrol)).toContain("已把本群绑定到「幸福里社区」（工作群）");
    expect(await binding(patrol)).toMatchObject({ settings: { selfVerify: true }, digestTime: "17:30" });
    expect(await ask("李秀英", "解绑", patrol)).toContain("已解除本群与「幸福里社区」的绑定");
    expect((await importOrg(h().bot.db, join(import.meta.dirname, "../../examples/org.yaml"))).ok).toBe(true);
    expect(await binding(patrol)).toMatchObject({
      settings: { selfVerify: true },
      digestTime: "17:30",
      purpose: "patrol",
    });
  });
});
