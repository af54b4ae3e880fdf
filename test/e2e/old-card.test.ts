// behaviour §13.4
import { afterEach, describe, expect, it } from "vitest";
import { type BotHarness, ORG, reportProblem, startBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

const DAY = 86_400_000;

describe("an issue that outlives its card (Lark updates cards for 14 days)", () => {
  let h: BotHarness;
  afterEach(async () => {
    await h.close();
  });

  it("posts a fresh card in the thread when the old one can no longer be updated, says so, and updates the new one", async () => {
    h = await startBot({ mode: "ws" });
    const chat = ORG.chats.xflWork;
    const head = h.people.get("郑晓红") ?? "";
    const report = await reportProblem(h, { from: "何小燕", images: [samplePng(1)] });
    const cards = () => h.emu.messages(chat).filter((m) => m.msgType === "interactive" && m.sender.type === "app");
    const [first] = cards();
    expect(first).toBeDefined();

    h.clock.advance(15 * DAY);
    await h.emu.userSends({ chatId: chat, from: head, text: "接单", replyTo: report.messageId });
    await h.settle();
    expect(h.emu.calls.filter((c) => c.method === "PATCH").map((c) => c.code)).toContain(230031);
    const [old, fresh, ...more] = cards();
    expect(more).toHaveLength(0);
    expect(old?.updates ?? []).toHaveLength(0);
    expect(fresh?.threadId).toBe(old?.threadId);
    expect(JSON.stringify(fresh?.content)).toContain("整改中");
    const note = h.emu
      .messages(chat)
      .find((m) => m.msgType === "text" && JSON.stringify(m.content).includes("超过 14 天"));
    expect(note?.threadId).toBe(old?.threadId);
    const issue = await h.bot.db.issue.findFirstOrThrow();
    expect(issue.cardMessageId).toBe(fresh?.messageId);

    // The next change updates the fresh card in place.
    await h.emu.userSends({ chatId: chat, from: head, text: "退回 不属于本网格", replyTo: report.messageId });
    await h.settle();
    expect(cards()).toHaveLength(2);
    const updated = h.emu.message(fresh?.messageId ?? "");
    expect(updated?.updates.length).toBeGreaterThan(0);
    expect(JSON.stringify(updated?.content)).toContain("待派单");
    expect(await h.bot.db.outboxMessage.count({ where: { status: "failed", lastCode: { not: 230031 } } })).toBe(0);
  });
});
