// behaviour §2.10, §7.5
import { describe, expect, it } from "vitest";
import type { IssueStatus } from "../../src/domain/types.ts";
import type { EmulatedMessage } from "../../src/emulator/index.ts";
import { demoBotPerTest } from "../jobs/clock-harness.ts";
import { sh } from "../jobs/support.ts";
import { ORG } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

describe("who may act on the digest's buttons", () => {
  const demo = demoBotPerTest();
  const p = (name: string) => demo.h.people.get(name) ?? "";
  const json = (m: EmulatedMessage | undefined) => {
    const message = m ? demo.h.emu.message(m.messageId) : undefined;
    return message ? JSON.stringify(message.updates.at(-1)?.content ?? message.content) : "";
  };

  it("查看超期 by someone without a duty on the digest's unit is refused with a toast, and nothing is listed", async () => {
    const { h, clock } = demo;
    const sent = await h.emu.userSends({
      chatId: ORG.chats.xflWork,
      from: p("何小燕"),
      text: "上报 幸福路菜市场门口堆物堆料",
      images: [samplePng(1)],
    });
    await h.settle();
    const issue = await h.bot.db.issue.findFirstOrThrow({ where: { sourceMessageId: sent.messageId } });
    await h.bot.db.issue.update({ where: { id: issue.id }, data: { deadline: sh("2026-11-23 12:00") } });
    clock.advanceTo("2026-11-23 18:00");
    await clock.tick();
    const digest = h.emu
      .messages(ORG.chats.xflWork)
      .find((m) => m.sender.type === "app" && !m.parentId && json(m).includes("日清日报"));
    const xfl = await h.bot.db.unit.findUniqueOrThrow({ where: { code: "xfl" } });
    const value = { dg: "overdue", u: xfl.id, d: "2026-11-23" };

    // 高鹏 works in 东风路社区: the card reached him (a forward, a shared group), the duty did not.
    for (const outsider of ["高鹏", "何小燕"]) {
      const refused = await h.emu.userClicks({ messageId: digest?.messageId ?? "", from: p(outsider), value });
      expect(refused?.toast).toEqual({
        type: "error",
        content: "只有本社区书记、街道包片领导、派单员或管理员可以查看超期问题",
      });
    }
    await h.settle();
    expect(h.emu.messages(ORG.chats.xflWork).filter((m) => m.parentId === digest?.messageId)).toEqual([]);

    const listed = await h.emu.userClicks({ messageId: digest?.messageId ?? "", from: p("李秀英"), value });
    expect(listed?.toast).toEqual({ type: "success", content: "已在话题中列出 1 件超期问题" });
  });

  /** The bot's answer to a message, as the text the sender reads. */
  const answerTo = (chatId: string, messageId: string) =>
    (
      demo.h.emu.messages(chatId).find((m) => m.parentId === messageId && m.sender.type === "app")?.content as
        | { text?: string }
        | undefined
    )?.text ?? "";

  it("refuses every action to someone the table does not allow, naming who may, and changes nothing", async () => {
    const { h, clock } = demo;
    const sent = await h.emu.userSends({
      chatId: ORG.chats.xflWork,
      from: p("何小燕"),
      text: "上报 幸福路菜市场门口堆物堆料",
      images: [samplePng(2)],
    });
    await h.settle();
    const issue = await h.bot.db.issue.findFirstOrThrow({ where: { sourceMessageId: sent.messageId } });
    const card = issue.cardMessageId ?? "";
    const [xfl, xfjd, grid2, litter] = await Promise.all([
      h.bot.db.unit.findUniqueOrThrow({ where: { code: "xfl" } }),
      h.bot.db.unit.findUniqueOrThrow({ where: { code: "xfjd" } }),
      h.bot.db.unit.findUniqueOrThrow({ where: { code: "xfl-02" } }),
      h.bot.db.category.findUniqueOrThrow({ where: { name: "乱扔垃圾" } }),
    ]);
    const other = await h.emu.userSends({
      chatId: ORG.chats.xflWork,
      from: p("何小燕"),
      text: "上报 幸福里小区3号楼堆物堆料",
      images: [samplePng(3)],
    });
    await h.settle();
    const original = await h.bot.db.issue.findFirstOrThrow({ where: { sourceMessageId: other.messageId } });
    const events = () => h.bot.db.issueEvent.count();
    const before = await events();

    // 郑晓红 is the assignee, 何小燕 the reporter; 高鹏 works in 东风路社区, 孙浩 in 城管执法中队.
    const onIssue: {
      action: string;
      status: IssueStatus;
      who: string;
      value?: Record<string, unknown>;
      option?: string;
      toast: string;
    }[] = [
      {
        action: "assign",
        status: "assigned",
        who: "高鹏",
        option: p("黄志明"),
        toast: "只有本社区书记、街道派单员、管理员或责任人 郑晓红 可以派单或转派",
      },
      { action: "accept", status: "assigned", who: "李秀英", toast: "只有本网格的网格长或责任人 郑晓红 可以接单" },
      {
        action: "rectify",
        status: "accepted",
        who: "高鹏",
        toast: "只有本网格的网格员、网格长或责任人 郑晓红 可以提交整改",
      },
      { action: "send_back", status: "accepted", who: "何小燕", toast: "只有责任人 郑晓红 可以退回" },
      {
        action: "reject",
        status: "reported",
        who: "郑晓红",
        toast: "只有本社区书记、街道派单员或管理员可以标记不予受理",
      },
      {
        action: "verify",
        status: "rectified",
        who: "何小燕",
        toast: "只有本社区书记、街道包片领导、派单员或管理员可以验收",
      },
      {
        action: "refuse",
        status: "rectified",
        who: "孙浩",
        toast: "只有本社区书记、街道包片领导、派单员或管理员可以驳回重改",
      },
      {
        action: "merge",
        status: "reported",
        who: "郑晓红",
        toast: "只有本社区书记、街道派单员、管理员或上报人 何小燕 可以合并为重复问题",
      },
      {
        action: "dismiss_duplicate",
        status: "assigned",
        who: "高鹏",
        toast: "只有本社区书记、街道派单员、管理员或上报人 何小燕 可以标记不是重复",
      },
      {
        action: "set_category",
        status: "assigned",
        who: "郑晓红",
        option: String(litter.id),
        toast: "只有本社区书记、街道派单员、管理员或上报人 何小燕 可以修改问题",
      },
      {
        action: "set_grid",
        status: "accepted",
        who: "张伟",
        option: String(grid2.id),
        toast: "只有本社区书记、街道派单员、管理员或上报人 何小燕 可以修改问题",
      },
      {
        action: "snooze",
        status: "assigned",
        who: "何小燕",
        value: { rm: "snooze", i: issue.id },
        toast: "只有本社区书记、街道包片领导、派单员、管理员或责任人可以延后提醒",
      },
      {
        action: "answer_lookback",
        status: "closed",
        who: "孙浩",
        value: { lb: "ok", i: issue.id },
        toast: "只有本网格的网格员、网格长、本社区书记、街道包片领导、派单员、管理员或上报人 何小燕 可以回答回头看",
      },
    ];
    for (const { action, status, who, value, option, toast } of onIssue) {
      await h.bot.db.issue.update({
        where: { id: issue.id },
        data: { status, closedAt: status === "closed" ? sh("2026-11-23 09:30") : null },
      });
      const refused = await h.emu.userClicks({
        messageId: card,
        from: p(who),
        value: value ?? { a: action, i: issue.id },
        ...(option && { option }),
        formValue: { reason: "不归我管" },
      });
      expect(refused?.toast, action).toEqual({ type: "error", content: toast });
      expect((await h.bot.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).status, action).toBe(status);
    }
    expect(original.id).not.toBe(issue.id);
    expect(await events()).toBe(before);

    // In the thread and in chat commands the same table answers, in a sentence.
    await h.bot.db.issue.update({ where: { id: issue.id }, data: { status: "rectified", closedAt: null } });
    const word = await h.emu.userSends({
      chatId: ORG.chats.xflWork,
      from: p("郑晓红"),
      replyTo: card,
      text: "验收通过",
    });
    await h.settle();
    const inThread = h.emu.messages(ORG.chats.xflWork).filter((m) => m.parentId === word.messageId);
    expect(inThread.map((m) => (m.content as { text?: string }).text)).toEqual([
      "只有本社区书记、街道包片领导、派单员或管理员可以验收",
    ]);
    const ask = async (chatId: string, from: string, text: string) => {
      const asked = await h.emu.userSends({
        chatId,
        from: p(from),
        text,
        mentionBot: h.emu.chat(chatId)?.chatType === "group",
      });
      await h.settle();
      return answerTo(chatId, asked.messageId);
    };
    const commands: [string, string, string, string][] = [
      [
        ORG.chats.dflWork,
        "高鹏",
        `查 #${issue.number}`,
        "只有该问题所在单位的工作人员、责任人或上报人可以查看问题详情",
      ],
      [ORG.chats.xflWork, "何小燕", "台账", "只有本社区书记、街道包片领导、派单员或管理员可以导出台账"],
      [ORG.chats.xflWork, "郑晓红", "绑定 幸福里社区", "只有本社区书记或管理员可以绑定、解绑本群"],
      [ORG.chats.xflWork, "郑晓红", "解绑", "只有本社区书记或管理员可以绑定、解绑本群"],
      [ORG.chats.xflWork, "高鹏", "统计", "只有在对应单位有职责的人员可以使用统计、日报、待办等命令"],
    ];
    for (const [chatId, from, text, answer] of commands) expect(await ask(chatId, from, text), text).toBe(answer);
    expect(await h.bot.db.chatBinding.count({ where: { chatId: ORG.chats.xflWork } })).toBe(1);

    // The digest's buttons, and the card of a leader's review.
    clock.advanceTo("2026-11-23 19:00");
    await clock.tick();
    const digestOf = (chatId: string) =>
      h.emu.messages(chatId).find((m) => m.sender.type === "app" && !m.parentId && json(m).includes("日清日报"));
    const community = digestOf(ORG.chats.xflWork)?.messageId ?? "";
    const street = digestOf(ORG.chats.leaders)?.messageId ?? "";
    const onDigest: [string, string, Record<string, unknown>, string][] = [
      [
        community,
        "郑晓红",
        { dg: "overdue", u: xfl.id, d: "2026-11-23" },
        "只有本社区书记、街道包片领导、派单员或管理员可以查看超期问题",
      ],
      [
        community,
        "何小燕",
        { dg: "ledger", u: xfl.id, d: "2026-11-23" },
        "只有本社区书记、街道包片领导、派单员或管理员可以导出台账",
      ],
      [
        street,
        "李秀英",
        { dg: "review", u: xfjd.id, d: "2026-11-23" },
        "只有街道包片领导、派单员或管理员可以填写审阅意见",
      ],
    ];
    for (const [messageId, who, value, toast] of onDigest) {
      const refused = await h.emu.userClicks({ messageId, from: p(who), value, formValue: { comment: "请尽快整改" } });
      expect(refused?.toast).toEqual({ type: "error", content: toast });
    }
    await h.emu.userClicks({
      messageId: street,
      from: p("王建国"),
      value: { dg: "review", u: xfjd.id, d: "2026-11-23" },
      formValue: { comment: "请尽快整改", target: String(xfl.id) },
    });
    await h.settle();
    const review = await h.bot.db.digestReview.findFirstOrThrow();
    const reviewCard = h.emu.messages(ORG.chats.xflWork).find((m) => json(m).includes("王建国的审阅意见"));
    const read = await h.emu.userClicks({
      messageId: reviewCard?.messageId ?? "",
      from: p("郑晓红"),
      value: { rv: "read", r: review.id },
    });
    expect(read?.toast).toEqual({ type: "error", content: "只有本社区书记或管理员可以确认已阅" });
    await h.settle();
    expect(await h.bot.db.digestReview.count()).toBe(1);
    expect(await h.bot.db.digestReviewRead.count()).toBe(0);
    expect(h.emu.messages(ORG.chats.xflWork).filter((m) => m.parentId === community)).toEqual([]);
  });
});
