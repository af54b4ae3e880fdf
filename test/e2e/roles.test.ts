import { describe, expect, it } from "vitest";
import type { EmulatedMessage } from "../../src/emulator/index.ts";
import { demoBotPerTest } from "../jobs/clock-harness.ts";
import { sh } from "../jobs/support.ts";
import { ORG } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

/** Each role sees its work (issue 15, items 7–9): 待办 by role, departments that report, reviews read. */
describe("roles see their work in the demo street", () => {
  const demo = demoBotPerTest();
  const p = (name: string) => demo.h.people.get(name) ?? "";
  /** The latest content of a message (patches included), as JSON text. */
  const latest = (m: EmulatedMessage | undefined) => {
    const message = m ? demo.h.emu.message(m.messageId) : undefined;
    return message ? JSON.stringify(message.updates.at(-1)?.content ?? message.content) : "";
  };
  const botMessages = (chatId: string) => demo.h.emu.messages(chatId).filter((m) => m.sender.type === "app");
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
    expect(secretary).toMatch(/待派单：\n {2}#1003 类别待定 · 幸福里第二网格 幸福里小游园 · 期限待定 · 待派单$/);

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

    // 陈静 dispatches for the whole street from the command centre: the same counts (behaviour §2.13).
    expect(await todoOf("陈静")).toContain(leader.slice(leader.indexOf("【幸福街道各社区】")));

    // 孙浩 of 城管执法中队: the issues routed to his department.
    const department = await todoOf("孙浩");
    expect(department).toContain("【城管执法中队的派单】1 件");
    expect(department).toContain(
      `#${routed.number} 占道经营 · 幸福里社区 幸福里第一网格 幸福路菜市场 · 距整改期限还有`,
    );
    expect(await todoOf("何小燕")).toBe("你目前没有待办的问题，辛苦了！");
  });

  it("中心吹哨、部门报到: the department's group gets the routed issue's card, its 接单 shows in the community thread, the digest names it", async () => {
    const { h, clock } = demo;
    const issue = await report("上报 幸福路菜市场门口有人摆摊", 1);
    const waiting = await report("上报 幸福里商业街有人摆摊", 2);
    // 占道经营 goes to 城管执法中队: its group gets each issue's card, @-mentioning its responder.
    const [card, second, ...more] = botMessages(ORG.chats.cgzf);
    expect(more).toEqual([]);
    expect(latest(card)).toContain("中心吹哨、部门报到");
    expect(latest(card)).toContain("幸福里社区的问题 #1001 派给城管执法中队");
    expect(latest(card)).toContain("#1001 占道经营 · 待接单");
    expect(latest(card)).toContain(`城管执法中队 <at id=${p("孙浩")}></at>`);
    expect(latest(second)).toContain("#1002 占道经营");

    const accepted = await h.emu.userClicks({
      messageId: card?.messageId ?? "",
      from: p("孙浩"),
      value: { a: "accept", i: issue.id },
    });
    expect(accepted?.toast).toEqual({ type: "success", content: "已接单" });
    await h.settle();
    // The community sees the department report for duty, in the issue's thread; both cards say 整改中.
    const thread = () =>
      botMessages(ORG.chats.xflWork).filter(
        (m) => m.rootId === issue.sourceMessageId || m.parentId === issue.sourceMessageId,
      );
    expect(thread().map(latest)).toContainEqual(
      expect.stringContaining("#1001 已由城管执法中队 孙浩 接单（部门报到）"),
    );
    expect(latest(cardOf(issue))).toContain("#1001 占道经营 · 整改中");
    expect(latest(card)).toContain("#1001 占道经营 · 整改中");

    // 孙浩 replies in his own group, in the card's thread, with the after-photo: rectified, the secretary is asked.
    await h.emu.userSends({
      chatId: ORG.chats.cgzf,
      from: p("孙浩"),
      replyTo: card?.messageId ?? "",
      images: [samplePng(3)],
    });
    await h.settle();
    expect((await h.bot.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).status).toBe("rectified");
    expect(thread().map(latest)).toContainEqual(
      expect.stringContaining(`#1001 已整改，请 <at user_id=\\"${p("李秀英")}\\"></at> 验收`),
    );
    expect(latest(card)).toContain("#1001 占道经营 · 待验收");

    // The evening digest holds the department to account for what it has not taken up.
    clock.advanceTo("2026-11-23 18:00");
    await clock.tick();
    const digest = botMessages(ORG.chats.xflWork).find((m) => !m.parentId && latest(m).includes("日清日报"));
    expect(latest(digest)).toContain(
      `#${waiting.number} 占道经营 · 幸福里第四网格 幸福里商业街 · 距整改期限还有 3 小时（今天 21:00 前） · 城管执法中队 <at id=${p("孙浩")}></at>`,
    );
  });

  it("审阅意见 goes to the community's group @-mentioning the secretary, and her 已阅 is shown to the leader", async () => {
    const { h, clock } = demo;
    clock.advanceTo("2026-11-23 19:00");
    await clock.tick();
    const digest = botMessages(ORG.chats.leaders).find((m) => latest(m).includes("日清日报 · 幸福街道"));
    const [xfl, xfjd] = await Promise.all(
      ["xfl", "xfjd"].map((code) => h.bot.db.unit.findUniqueOrThrow({ where: { code } })),
    );
    const comment = "幸福里社区超期问题明天上午前清零";
    const reviewed = await h.emu.userClicks({
      messageId: digest?.messageId ?? "",
      from: p("王建国"),
      value: { dg: "review", u: xfjd?.id, d: "2026-11-23" },
      formValue: { comment, target: String(xfl?.id) },
    });
    expect(reviewed?.toast).toEqual({ type: "success", content: "审阅意见已记录，并发到 1 个社区工作群" });
    await h.settle();

    const card = botMessages(ORG.chats.xflWork).find((m) => latest(m).includes("王建国的审阅意见"));
    expect(latest(card)).toContain(`<at id=${p("李秀英")}></at> 王建国的审阅意见（11月23日日清日报）`);
    expect(latest(card)).toContain(comment);
    expect(latest(card)).toContain("已阅");
    const readValue = JSON.parse(latest(card)).elements.flatMap(
      (e: { actions?: { value: unknown }[] }) => e.actions ?? [],
    )[0]?.value as Record<string, unknown>;

    const refused = await h.emu.userClicks({ messageId: card?.messageId ?? "", from: p("何小燕"), value: readValue });
    expect(refused?.toast).toEqual({ type: "error", content: "只有本社区书记或管理员可以确认已阅" });
    clock.advanceTo("2026-11-23 19:20");
    const read = await h.emu.userClicks({ messageId: card?.messageId ?? "", from: p("李秀英"), value: readValue });
    expect(read?.toast).toEqual({ type: "success", content: "已告诉 王建国：你已阅" });
    await h.settle();
    expect(latest(card)).toContain("李秀英 已于 11-23 19:20 阅");
    expect(latest(card)).not.toContain('"已阅"');
    // The leader reads it in the thread of the digest he reviewed.
    const told = botMessages(ORG.chats.leaders).filter(
      (m) => m.rootId === digest?.messageId || m.parentId === digest?.messageId,
    );
    expect(told.map(latest)).toEqual([
      expect.stringContaining(
        `<at user_id=\\"${p("王建国")}\\"></at> 李秀英（幸福里社区）已阅你的审阅意见：${comment}`,
      ),
    ]);
    const again = await h.emu.userClicks({ messageId: card?.messageId ?? "", from: p("李秀英"), value: readValue });
    expect(again?.toast).toEqual({ type: "info", content: "李秀英 已于 11-23 19:20 确认已阅" });
  });
});
