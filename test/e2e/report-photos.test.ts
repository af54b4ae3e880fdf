// behaviour §3.7
import { describe, expect, it } from "vitest";
import { ORG, useBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

const MINUTE = 60_000;

describe("the photos of a report", () => {
  const h = useBot({ mode: "ws" });
  const p = (name: string) => h().people.get(name) ?? "";

  const send = (from: string, input: { text?: string; images?: Buffer[]; replyTo?: string; mentionBot?: boolean }) =>
    h().emu.userSends({ chatId: ORG.chats.xflWork, from: p(from), ...input });
  const issueOf = (messageId: string) =>
    h().bot.db.issue.findUniqueOrThrow({ where: { sourceMessageId: messageId }, include: { photos: true } });
  /** The latest card of an issue, as sent. */
  const cardOf = async (issueId: number) =>
    (
      await h().bot.db.outboxMessage.findMany({
        where: { key: { startsWith: `card:${issueId}` } },
        orderBy: { id: "asc" },
      })
    ).at(-1)?.content ?? "";
  const images = (count: number, from: number) => Array.from({ length: count }, (_, i) => samplePng(from + i));

  it("keeps every photo of a report, more than nine, sent in one post or one by one", async () => {
    const post = await send("何小燕", { text: "上报 幸福路菜市场门口堆物", images: images(12, 100) });
    await h().settle();
    const inPost = await issueOf(post.messageId);
    expect(inPost.photos).toHaveLength(12);
    expect(await cardOf(inPost.id)).toContain("（共 12 张，卡片上显示前 9 张，全部照片见台账）");

    for (const png of images(11, 200)) await send("郑晓红", { images: [png] });
    const text = await send("郑晓红", { text: "上报 幸福里小游园长椅损坏" });
    await h().settle();
    expect((await issueOf(text.messageId)).photos).toHaveLength(11);
  });

  it("gives a photo sent right after a complete report to the report whose text follows it", async () => {
    const first = await send("何小燕", { text: "上报 幸福路菜市场门口堆物", images: [samplePng(1)] });
    await h().settle();
    h().clock.advance(30_000);
    const photo = await send("何小燕", { images: [samplePng(2)] });
    h().clock.advance(30_000);
    const second = await send("何小燕", { text: "上报 幸福里小游园长椅损坏" });
    await h().settle();
    const earlier = await issueOf(first.messageId);
    const later = await issueOf(second.messageId);
    expect(earlier.photos.map((x) => x.sourceMessageId)).toEqual([first.messageId]);
    expect(later.photos.map((x) => x.sourceMessageId)).toEqual([photo.messageId]);
    expect(await cardOf(later.id)).not.toContain("未附照片");
    expect(await h().bot.db.pendingPhoto.count()).toBe(0);
  });

  it("adds a photo sent after a complete report to it when no report text follows within two minutes", async () => {
    const first = await send("何小燕", { text: "上报 幸福路菜市场门口堆物", images: [samplePng(3)] });
    await h().settle();
    h().clock.advance(30_000);
    const extra = await send("何小燕", { images: [samplePng(4)] });
    await send("何小燕", { text: "就是这里" });
    await h().settle();
    expect((await issueOf(first.messageId)).photos).toHaveLength(1);
    // Once the window has passed, the chat's next message settles the photo on the report before it.
    h().clock.advance(3 * MINUTE);
    await send("郑晓红", { text: "收到" });
    await h().settle();
    const issue = await issueOf(first.messageId);
    expect(issue.photos.map((x) => x.sourceMessageId)).toEqual([first.messageId, extra.messageId]);
    expect(await cardOf(issue.id)).not.toContain("未附照片");
    expect(await h().bot.db.issue.count()).toBe(1);
  });

  it("still adds the photos that follow a report sent as text alone", async () => {
    const report = await send("何小燕", { text: "上报 幸福里小游园乱扔垃圾" });
    await h().settle();
    await send("何小燕", { images: [samplePng(5)] });
    await send("何小燕", { images: [samplePng(6)] });
    await h().settle();
    expect((await issueOf(report.messageId)).photos).toHaveLength(2);
  });

  it("answers a photo replied under a digest card with how to add a photo to an issue, and keeps nothing", async () => {
    const ask = await send("李秀英", { text: "日报", mentionBot: true });
    await h().settle();
    const digest = h()
      .emu.messages(ORG.chats.xflWork)
      .find((m) => m.parentId === ask.messageId && m.msgType === "interactive");
    expect(digest).toBeDefined();
    const reply = await send("何小燕", { images: [samplePng(7)], replyTo: digest?.messageId ?? "" });
    await h().settle();
    const answer = h()
      .emu.messages(ORG.chats.xflWork)
      .find((m) => m.parentId === reply.messageId && m.sender.type === "app");
    expect(JSON.stringify(answer?.content)).toContain("整改后的照片请回复在该问题卡片的话题里");
    expect(await h().bot.db.pendingPhoto.count()).toBe(0);
    expect(await h().bot.db.issue.count()).toBe(0);
  });
});
