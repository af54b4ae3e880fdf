import { describe, expect, it } from "vitest";
import { demoBotPerTest } from "../jobs/clock-harness.ts";
import { sh } from "../jobs/support.ts";
import { ORG } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

/** Each role sees its work (issue 15, items 7–9): 待办 by role, departments that report, reviews read. */
describe("roles see their work in the demo street", () => {
  const demo = demoBotPerTest();
  const p = (name: string) => demo.h.people.get(name) ?? "";
  /** 何小燕 (or another worker) reports with a photo in a community's work group. */
  const report = async (words: string, seed: number, chatId: string = ORG.chats.xflWork, from = "何小燕") => {
    const sent = await demo.h.emu.userSends({ chatId, from: p(from), text: words, images: [samplePng(seed)] });
    await demo.h.settle();
    return demo.h.bot.db.issue.findFirstOrThrow({ where: { sourceMessageId: sent.messageId } });
  };
  /** The bot's answer to a private 待办 of `name`, as the text they read. */
  const todoOf = async (name: string) => {
    const chatId = demo.h.emu.p2pChatId(p(name));
    const sent = await demo.h.emu.userSends({ chatId, from: p(name), text: "待办" });
    await demo.h.settle();
    const answer = demo.h.emu.messages(chatId).find((m) => m.parentId === sent.messageId && m.sender.type === "app");
    return (answer?.content as { text?: string } | undefined)?.text ?? "";
  };
  const cardOf = (issue: { sourceMessageId: string | null }, chatId: string = ORG.chats.xflWork) =>
    demo.h.emu.messages(chatId).find((m) => m.parentId === issue.sourceMessageId && m.msgType === "interactive");

  it("待办 by role: own issues first, a secretary's community, a street leader's communities worst first, a department's routed issues", async () => {
    const overdue = await report("上报 幸福路菜市场门口堆物堆料", 1);
    const fixed = await report("上报 幸福里商业街堆物堆料", 2);
    const undispatched = await report("上报 幸福里小游园有点乱", 3);
    const routed = await report("上报 幸福路菜市场门口有人摆摊", 4);
    const dfl = [
      await report("上报 东风路公交站堆物堆料", 5, ORG.chats.dflWork, "高鹏"),
      await report("上报 东风路小学门口堆物堆料", 6, ORG.chats.dflWork, "高鹏"),
    ];
    for (const issue of [overdue, ...dfl]) {
      await demo.h.bot.db.issue.update({ where: { id: issue.id }, data: { deadline: sh("2026-11-23 08:30") } });
    }
    await demo.h.emu.userSends({
      chatId: ORG.chats.xflWork,
      from: p("黄志明"),
      replyTo: cardOf(fixed)?.messageId ?? "",
      images: [samplePng(7)],
    });
    await demo.h.settle();
    expect(undispatched.status).toBe("reported");

    // 李秀英, secretary of 幸福里社区: nothing is hers, but her community's work is.
    const secretary = await todoOf("李秀英");
    expect(secretary).toContain("李秀英的待办（截至 11-23 09:0");
    expect(secretary).not.toContain("【我负责的】");
    expect(secretary).toContain("【幸福里社区】超期 1 件 · 待验收 1 件 · 待派单 1 件");
    expect(secretary).toMatch(
      /超期：\n {2}#1001 堆物堆料 · 幸福里第一网格 幸福路菜市场 · 已超期 3\d 分钟（期限 今天 08:30） · 郑晓红\n/,
    );
    expect(secretary).toMatch(
      /待验收：\n {2}#1002 堆物堆料 · 幸福里第四网格 幸福里商业街 · 距整改期限还有 .+ · 已整改待验收\n/,
    );
    expect(secretary).toMatch(/待派单：\n {2}#1003 待分类问题 · 幸福里第二网格 幸福里小游园 · 期限待定 · 待派单$/);

    // 郑晓红, grid head: her own issue first, with its status.
    expect(await todoOf("郑晓红")).toMatch(
      /^郑晓红的待办（截至 .+）\n\n【我负责的】1 件\n {2}#1001 堆物堆料 · 幸福里社区 幸福里第一网格 幸福路菜市场 · 已超期 .+ · 待接单$/,
    );

    // 王建国, street leader: a count per community, the worst first.
    const leader = await todoOf("王建国");
    expect(leader).toContain(
      [
        "【幸福街道各社区】超期多的在前",
        "  东风路社区：超期 2 · 待验收 0 · 待派单 0",
        "  幸福里社区：超期 1 · 待验收 1 · 待派单 1",
        "  和平社区：超期 0 · 待验收 0 · 待派单 0",
      ].join("\n"),
    );

    // 孙浩 of 城管执法中队: the issues routed to his department.
    const department = await todoOf("孙浩");
    expect(department).toContain("【城管执法中队的派单】1 件");
    expect(department).toContain(
      `#${routed.number} 占道经营 · 幸福里社区 幸福里第一网格 幸福路菜市场 · 距整改期限还有`,
    );
    expect(await todoOf("何小燕")).toBe("你目前没有待办的问题，辛苦了！");
  });
});
