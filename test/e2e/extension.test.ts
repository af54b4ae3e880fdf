// behaviour §2.15, §2.16, §2.18, §6.8
import { describe, expect, it } from "vitest";
import { changesOf } from "../../src/domain/changes.ts";
import { demoBotPerTest } from "../jobs/clock-harness.ts";
import { sh } from "../jobs/support.ts";
import { type BotHarness, clickCard, latestCardJson, ORG, reportIssue } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

/** Texts the bot posted in a chat, oldest first. */
function botTexts(h: BotHarness, chatId: string): string[] {
  return h.emu
    .messages(chatId)
    .filter((m) => m.sender.type === "app" && m.msgType === "text")
    .map((m) => (m.content as { text: string }).text);
}

describe("延期: the owner asks for more time on the card, the approver answers there", () => {
  const bot = demoBotPerTest();
  const person = (name: string) => bot.h.people.get(name) ?? "";
  /** Someone submits the card's form (or clicks an answer); returns the toast. */
  const click = (messageId: string, from: string, value: Record<string, unknown>, formValue?: Record<string, string>) =>
    clickCard(bot.h, { messageId, from, value, ...(formValue && { formValue }) });

  it("a community issue: the grid head asks, bad days are answered, only the secretary approves, the deadline moves", async () => {
    const { h, clock } = bot;
    const issue = await reportIssue(h, {
      from: "何小燕",
      text: "上报 幸福路菜市场门口堆物堆料",
      images: [samplePng(1)],
    });
    const cardId = issue.cardMessageId ?? "";
    const ask = { a: "request_extension", i: issue.id };
    const form = (day: string, reason = "需要协调环卫车辆清运") => ({ extension_date: day, extension_reason: reason });
    expect(latestCardJson(h, ORG.chats.xflWork, cardId)).toContain("申请延期");

    // Only the owner asks; the reporter is told who may, and nothing changes.
    expect(await click(cardId, "何小燕", ask, form("2026-11-30"))).toBe("只有责任人 郑晓红 可以申请延期");
    // Bad input gets one sentence each.
    const deadlineDay = issue.deadline?.toISOString().slice(0, 10) ?? "";
    expect(await click(cardId, "郑晓红", ask, form("下周一"))).toBe("日期请写成 2026-12-10 这样的格式");
    expect(await click(cardId, "郑晓红", ask, form("2026-02-30"))).toBe("没有 2026-02-30 这一天，请检查日期。");
    expect(await click(cardId, "郑晓红", ask, form("2026-11-20"))).toBe(
      `延期后的日期须晚于现在的整改期限（${deadlineDay}）`,
    );
    expect(await click(cardId, "郑晓红", ask, form("2027-06-01"))).toBe("日期最晚只能到 2027-02-21（90 天以内）");
    expect(await click(cardId, "郑晓红", ask, form("3026-01-01"))).toBe(
      "日期应在 2000 年到 2099 年之间，例如：2026-11-23",
    );
    expect(await click(cardId, "郑晓红", ask, { extension_reason: "需要协调" })).toBe(
      "请填写延期到哪天，例如 2026-12-10",
    );
    expect(await click(cardId, "郑晓红", ask, form("2026-11-30", " "))).toBe("申请延期需要写明理由");
    expect(await h.bot.db.issueEvent.count({ where: { issueId: issue.id, type: "request_extension" } })).toBe(0);

    // The deadline passes and its reminder goes out; the grid head asks for more time then.
    const reminders = () =>
      h.emu
        .messages(ORG.chats.xflWork)
        .filter((m) => m.parentId === issue.sourceMessageId && m.msgType === "interactive" && m.messageId !== cardId);
    clock.advanceTo("2026-11-24 09:05");
    await clock.tick();
    expect(reminders()).toHaveLength(1);
    expect(await click(cardId, "郑晓红", ask, form("２０２６年11月30日"))).toBe("已提交延期申请，等待审批");
    const asked = await h.bot.db.issue.findUniqueOrThrow({ where: { id: issue.id } });
    expect(asked.extensionRequestedUntil).toEqual(sh("2026-11-30 18:00"));
    expect(asked.deadline).toEqual(issue.deadline);
    expect(botTexts(h, ORG.chats.xflWork).at(-1)).toBe(
      `#${issue.number} 申请延期至 11月30日 18:00，请 <at user_id="${person("李秀英")}"></at> 在卡片上审批`,
    );
    expect(latestCardJson(h, ORG.chats.xflWork, cardId)).toContain(
      "**延期申请**：申请延期至 11月30日 18:00，理由：需要协调环卫车辆清运",
    );
    expect(await click(cardId, "郑晓红", ask, form("2026-12-01"))).toBe("该问题已有延期申请在等待审批");

    // The approver of a community issue is its secretary: not the dispatcher, not the owner.
    const approve = { a: "approve_extension", i: issue.id };
    expect(await click(cardId, "陈静", approve)).toBe("只有本社区书记或管理员可以批准延期");
    expect(await click(cardId, "郑晓红", approve)).toBe("只有本社区书记或管理员可以批准延期");
    expect(await click(cardId, "李秀英", approve)).toBe("已批准延期");
    const approved = await h.bot.db.issue.findUniqueOrThrow({ where: { id: issue.id }, include: { events: true } });
    expect(approved).toMatchObject({
      deadline: sh("2026-11-30 18:00"),
      extensionCount: 1,
      extensionRequestedUntil: null,
    });
    const event = approved.events.find((e) => e.type === "approve_extension");
    expect(changesOf(event?.data).deadline).toEqual({
      from: issue.deadline?.toISOString(),
      to: sh("2026-11-30 18:00").toISOString(),
    });
    expect(approved.events.find((e) => e.type === "request_extension")?.data).toMatchObject({
      requested: sh("2026-11-30 18:00").toISOString(),
      reason: "需要协调环卫车辆清运",
    });
    const card = latestCardJson(h, ORG.chats.xflWork, cardId);
    expect(card).toMatch(/整改期限\*\*\\n11月30日 18:00 前[^"]*（已延期 1 次）/);
    expect(card).toContain("申请延期至 2026-11-30：需要协调环卫车辆清运");
    expect(card).toContain("批准延期（整改期限：");
    expect(botTexts(h, ORG.chats.xflWork).at(-1)).toBe(
      `#${issue.number} 延期已批准，新的整改期限为 11月30日 18:00 <at user_id="${person("郑晓红")}"></at>`,
    );
    expect(await click(cardId, "李秀英", approve)).toBe("该问题没有待审批的延期申请");

    // 按期 is judged against the approved deadline: past the old one the issue is not overdue.
    clock.advanceTo("2026-11-27 10:00");
    await clock.tick();
    expect(latestCardJson(h, ORG.chats.xflWork, cardId)).not.toContain("已超期");
    // The reminder ladder runs again for the extended deadline (behaviour §6.8).
    clock.advanceTo("2026-11-30 16:05");
    await clock.tick();
    expect(reminders()).toHaveLength(2);
    expect(JSON.stringify(reminders().at(-1)?.content)).toContain("今天 18:00");
    clock.advanceTo("2026-11-30 19:00");
    await clock.tick();
    expect(latestCardJson(h, ORG.chats.xflWork, cardId)).toContain("已超期");
  });

  it("a department's issue: its responder asks, the secretary may not answer, the dispatcher refuses", async () => {
    const { h } = bot;
    const issue = await reportIssue(h, {
      from: "何小燕",
      text: "上报 幸福路菜市场门口有人摆摊",
      images: [samplePng(2)],
    });
    expect(issue.assigneeUnitId).not.toBeNull();
    const cardId = issue.cardMessageId ?? "";
    const asked = await click(
      cardId,
      "孙浩",
      { a: "request_extension", i: issue.id },
      { extension_date: "2026-11-28", extension_reason: "需联合市场监管执法" },
    );
    expect(asked).toBe("已提交延期申请，等待审批");
    expect(botTexts(h, ORG.chats.xflWork).at(-1)).toContain(`<at user_id="${person("陈静")}"></at> 在卡片上审批`);

    const decline = { a: "decline_extension", i: issue.id };
    expect(await click(cardId, "李秀英", decline)).toBe("只有街道派单员或管理员可以不批准延期");
    expect(await click(cardId, "陈静", decline)).toBe("已不批准延期");
    const declined = await h.bot.db.issue.findUniqueOrThrow({ where: { id: issue.id } });
    expect(declined).toMatchObject({ deadline: issue.deadline, extensionCount: 0, extensionRequestedUntil: null });
    expect(botTexts(h, ORG.chats.xflWork).at(-1)).toMatch(new RegExp(`^#${issue.number} 延期未获批准，整改期限仍为 `));
    expect(latestCardJson(h, ORG.chats.xflWork, cardId)).toContain("不批准延期");
  });
});
