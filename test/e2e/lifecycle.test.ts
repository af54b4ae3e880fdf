import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EmulatedMessage } from "../../src/emulator/index.ts";
import { type BotHarness, ORG, startBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

/** The bot's card in the thread of `reportId` (latest content). */
function cardOf(h: BotHarness, chatId: string, reportId: string): { message: EmulatedMessage; json: string } {
  const message = h.emu.messages(chatId).find((m) => m.parentId === reportId && m.msgType === "interactive");
  if (!message) throw new Error("no card in the thread");
  const latest = message.updates.at(-1)?.content ?? message.content;
  return { message, json: JSON.stringify(latest) };
}

/** Texts the bot posted in the chat, oldest first. */
function botTexts(h: BotHarness, chatId: string): string[] {
  return h.emu
    .messages(chatId)
    .filter((m) => m.sender.type === "app" && m.msgType === "text")
    .map((m) => (m.content as { text: string }).text);
}

for (const mode of ["webhook", "ws"] as const) {
  describe(`issue lifecycle in a community work group (${mode})`, () => {
    let h: BotHarness;
    let p: (name: string) => string;
    beforeEach(async () => {
      h = await startBot({ mode });
      p = (name) => {
        const id = h.people.get(name);
        if (!id) throw new Error(`no demo person ${name}`);
        return id;
      };
    });
    afterEach(async () => {
      h.emu.assertClean();
      await h.close();
    });

    it("files a photo report naming a point, and the grid head accepts, rectifies by photo, the secretary verifies", async () => {
      const report = await h.emu.userSends({
        chatId: ORG.chats.xflWork,
        from: p("何小燕"),
        text: "上报 幸福路菜市场门口堆物堆料，纸箱堆了一地",
        images: [samplePng(1)],
      });
      await h.settle();
      const issue = await h.bot.db.issue.findFirstOrThrow({
        include: { category: true, grid: true, point: true, assigneePerson: true, photos: true },
      });
      expect(issue).toMatchObject({ number: 1001, status: "assigned" });
      expect(issue.category?.name).toBe("堆物堆料");
      expect(issue.point?.name).toBe("幸福路菜市场");
      expect(issue.grid?.name).toBe("幸福里第一网格");
      expect(issue.assigneePerson?.name).toBe("郑晓红");
      expect(issue.photos).toHaveLength(1);
      const card = cardOf(h, ORG.chats.xflWork, report.messageId);
      expect(card.message.threadId).toBeDefined();
      expect(card.json).toContain("#1001 堆物堆料 · 待接单");
      expect(card.json).toContain(`<at id=${p("郑晓红")}></at>`);
      expect(card.json).toContain("img_");

      // Someone without the duty clicks 接单: a toast names who may, nothing changes.
      const denied = await h.emu.userClicks({
        messageId: card.message.messageId,
        from: p("高鹏"),
        value: { a: "accept", i: issue.id },
      });
      expect(denied?.toast?.content).toBe("只有本网格的网格长或责任人 郑晓红 可以接单");
      await h.settle();
      expect((await h.bot.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).status).toBe("assigned");

      const accepted = await h.emu.userClicks({
        messageId: card.message.messageId,
        from: p("郑晓红"),
        value: { a: "accept", i: issue.id },
      });
      expect(accepted?.toast).toEqual({ type: "success", content: "已接单" });
      await h.settle();
      expect(cardOf(h, ORG.chats.xflWork, report.messageId).json).toContain("#1001 堆物堆料 · 整改中");

      await h.emu.userSends({
        chatId: ORG.chats.xflWork,
        from: p("郑晓红"),
        replyTo: card.message.messageId,
        images: [samplePng(2)],
      });
      await h.settle();
      const rectified = await h.bot.db.issue.findUniqueOrThrow({ where: { id: issue.id }, include: { photos: true } });
      expect(rectified.status).toBe("rectified");
      expect(rectified.photos.map((x) => x.stage)).toEqual(["before", "after"]);
      expect(botTexts(h, ORG.chats.xflWork).at(-1)).toBe(`#1001 已整改，请 <at user_id="${p("李秀英")}"></at> 验收`);

      // A grid head is not a verifier: the thread answer says who is.
      await h.emu.userSends({
        chatId: ORG.chats.xflWork,
        from: p("郑晓红"),
        replyTo: card.message.messageId,
        text: "验收通过",
      });
      await h.settle();
      expect(botTexts(h, ORG.chats.xflWork).at(-1)).toBe("只有本社区书记、街道包片领导、派单员或管理员可以验收");

      const verified = await h.emu.userClicks({
        messageId: card.message.messageId,
        from: p("李秀英"),
        value: { a: "verify", i: issue.id },
      });
      expect(verified?.toast?.content).toBe("已验收销项");
      await h.settle();
      const closed = await h.bot.db.issue.findUniqueOrThrow({ where: { id: issue.id }, include: { events: true } });
      expect(closed.status).toBe("closed");
      expect(closed.events.map((e) => [e.type, e.fromStatus, e.toStatus])).toEqual([
        ["filed", null, "assigned"],
        ["accept", "assigned", "accepted"],
        ["rectify", "accepted", "rectified"],
        ["verify", "rectified", "closed"],
      ]);
      expect(cardOf(h, ORG.chats.xflWork, report.messageId).json).toContain("#1001 堆物堆料 · 已销项");
    });
  });
}
