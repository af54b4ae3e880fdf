import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BotHarness, ORG, startBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

describe("report → accept → rectify by photo → verify (webhook, encrypted)", () => {
  let h: BotHarness;
  beforeEach(async () => {
    h = await startBot({ mode: "webhook" });
  });
  afterEach(async () => {
    h.emu.assertClean();
    await h.close();
  });

  it("files a photo report naming a point, assigns the grid head, and closes it in the thread", async () => {
    const worker = h.people.get("何小燕");
    expect(worker).toBeDefined();
    const report = await h.emu.userSends({
      chatId: ORG.chats.xflWork,
      from: worker as string,
      text: "上报 幸福路菜市场门口堆物堆料，纸箱堆了一地",
      images: [samplePng(1)],
    });
    await h.settle();
    const issue = await h.bot.db.issue.findFirstOrThrow({ include: { category: true, grid: true, point: true, assigneePerson: true, photos: true } });
    expect(issue).toMatchObject({ number: 1001, status: "assigned" });
    expect(issue.category?.name).toBe("堆物堆料");
    expect(issue.point?.name).toBe("幸福路菜市场");
    expect(issue.grid?.name).toBe("幸福里第一网格");
    expect(issue.photos).toHaveLength(1);
    const card = h.emu.messages(ORG.chats.xflWork).find((m) => m.parentId === report.messageId && m.msgType === "interactive");
    expect(card).toBeDefined();
    expect(JSON.stringify(card?.content)).toContain("#1001");
  });
});
