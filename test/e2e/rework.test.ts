// behaviour §2.6, §2.19
import { describe, expect, it } from "vitest";
import { type BotHarness, ORG, reportIssue, useBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

/** The card's photo labels and images (one "[照片]" per image, grids included), in order. */
function photoParts(content: unknown): string[] {
  const elements = (content as { elements?: Record<string, unknown>[] } | undefined)?.elements ?? [];
  return elements.flatMap((e) => {
    if (e.tag === "img") return ["[照片]"];
    if (e.tag === "img_combination") return (e.img_list as unknown[]).map(() => "[照片]");
    return e.tag === "markdown" && /^\*\*(第 \d+ 次)?整改/.test(String(e.content)) ? [String(e.content)] : [];
  });
}

describe("核查 and 返工: every rectification attempt stays in the history with its photos", () => {
  const harness = useBot({ mode: "webhook" });

  it("numbers each fix and each refusal (返工) on the card and in 查, with the refused photos per attempt", async () => {
    const h: BotHarness = harness();
    const person = (name: string) => h.people.get(name) ?? "";
    const issue = await reportIssue(h, {
      from: "何小燕",
      text: "上报 幸福路菜市场门口堆物堆料",
      images: [samplePng(1)],
    });
    const cardId = issue.cardMessageId ?? "";
    const reply = async (from: string, input: { text?: string; images?: Buffer[] }) => {
      await h.emu.userSends({ chatId: ORG.chats.xflWork, from: person(from), replyTo: cardId, ...input });
      await h.settle();
    };
    await reply("郑晓红", { images: [samplePng(11), samplePng(12)] });
    // The rectifier's own fix is verified by someone else (核查): the grid head is refused.
    await reply("郑晓红", { text: "验收通过" });
    expect((await h.bot.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).status).toBe("rectified");
    await reply("李秀英", { text: "驳回 纸箱还在" });
    await reply("郑晓红", { images: [samplePng(13)] });
    await reply("李秀英", { text: "驳回 门口还有两箱" });
    await reply("郑晓红", { images: [samplePng(14)] });
    const verified = await h.emu.userClicks({
      messageId: cardId,
      from: person("李秀英"),
      value: { a: "verify", i: issue.id },
    });
    expect(verified?.toast?.content).toBe("已验收销项");
    await h.settle();
    expect(await h.bot.db.issueEvent.count({ where: { issueId: issue.id, type: "refuse" } })).toBe(2);

    const card = h.emu.messages(ORG.chats.xflWork).find((m) => m.messageId === cardId);
    expect(photoParts(card?.updates.at(-1)?.content)).toEqual([
      "**整改前**",
      "[照片]",
      "**整改后**",
      "[照片]",
      "**第 1 次整改（已驳回）**（2 张）",
      "[照片]",
      "[照片]",
      "**第 2 次整改（已驳回）**",
      "[照片]",
    ]);

    // 查 shows the whole history: each attempt numbered with its photo count, each refusal as a 返工.
    const sent = await h.emu.userSends({
      chatId: h.emu.p2pChatId(person("李秀英")),
      from: person("李秀英"),
      text: `查 #${issue.number}`,
    });
    await h.settle();
    const shown = h.emu
      .messages(h.emu.p2pChatId(person("李秀英")))
      .find((m) => m.parentId === sent.messageId && m.sender.type === "app");
    const history = JSON.stringify(shown?.content);
    for (const line of [
      "郑晓红 提交整改（第 1 次，照片 2 张）",
      "李秀英 驳回重改（返工第 1 次）：纸箱还在",
      "郑晓红 提交整改（第 2 次，照片 1 张）",
      "李秀英 驳回重改（返工第 2 次）：门口还有两箱",
      "郑晓红 提交整改（第 3 次，照片 1 张）",
      "李秀英 验收通过",
    ]) {
      expect(history).toContain(line);
    }
    expect(photoParts(shown?.content)).toEqual(photoParts(card?.updates.at(-1)?.content));
  });
});
