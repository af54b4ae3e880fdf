// behaviour §2.17, §2.18, §6.7, §7.6
import { describe, expect, it } from "vitest";
import { demoBotPerTest } from "../jobs/clock-harness.ts";
import { sh } from "../jobs/support.ts";
import { type BotHarness, clickCard, latestCardJson, ORG, reportIssue } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

/** What the bot posted in the issue's thread after its card (reminders and notices), oldest first, as JSON. */
function threadPosts(h: BotHarness, reportId: string, cardId: string): string[] {
  return h.emu
    .messages(ORG.chats.xflWork)
    .filter((m) => m.sender.type === "app" && m.parentId === reportId && m.messageId !== cardId)
    .map((m) => JSON.stringify(m.content));
}

describe("挂账 and 缓办: the street parks an issue with a plan until a day; it leaves the overdue lists and comes back", () => {
  const bot = demoBotPerTest();
  const person = (name: string) => bot.h.people.get(name) ?? "";
  /** Someone submits the card's form (or clicks a button); returns the toast. */
  const click = (messageId: string, from: string, value: Record<string, unknown>, formValue?: Record<string, string>) =>
    clickCard(bot.h, { messageId, from, value, ...(formValue && { formValue }) });

  it("parked by the street leader: not overdue, not reminded, in the street digest's 挂账 list, back on its day", async () => {
    const { h, clock } = bot;
    const issue = await reportIssue(h, {
      from: "何小燕",
      text: "上报 幸福路菜市场门口堆物堆料",
      images: [samplePng(1)],
    });
    const cardId = issue.cardMessageId ?? "";
    const reportId = issue.sourceMessageId ?? "";
    const park = { a: "park", i: issue.id, k: "parked" };
    const form = (day: string, plan = "列入明年一季度道路改造计划") => ({ park_date: day, park_plan: plan });

    // Only the street approves: not the owner, not the community's secretary.
    const refusal = "只有街道包片领导、派单员或管理员可以批准挂账或缓办";
    expect(await click(cardId, "郑晓红", park, form("2026-12-01"))).toBe(refusal);
    expect(await click(cardId, "李秀英", park, form("2026-12-01"))).toBe(refusal);
    // Bad input is answered in one sentence and changes nothing.
    expect(await click(cardId, "王建国", park, form("2026-11-23"))).toBe("日期须晚于今天");
    expect(await click(cardId, "王建国", park, form("2028-01-01"))).toBe("日期最晚只能到 2027-11-24（366 天以内）");
    expect(await click(cardId, "王建国", park, form("12/15"))).toBe("日期请写成 2026-12-10 这样的格式");
    expect(await click(cardId, "王建国", park, form("2026-12-01", ""))).toBe(
      "挂账或缓办需要写明处置计划或等待原因，例如：已列入明年一季度道路改造计划",
    );
    expect((await h.bot.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).parkKind).toBeNull();

    expect(await click(cardId, "王建国", park, form("2026-12-01"))).toBe("已批准，期间不计超期");
    const parked = await h.bot.db.issue.findUniqueOrThrow({ where: { id: issue.id } });
    expect(parked).toMatchObject({
      status: "assigned",
      parkKind: "parked",
      parkedUntil: sh("2026-12-01 09:00"),
      parkPlan: "列入明年一季度道路改造计划",
    });
    expect(latestCardJson(h, ORG.chats.xflWork, cardId)).toContain("· 待接单 · 挂账");
    expect(latestCardJson(h, ORG.chats.xflWork, cardId)).toContain("**已挂账**：预计 12月1日 09:00 恢复办理");
    expect(threadPosts(h, reportId, cardId).at(-1)).toContain(
      "已挂账，预计 12月1日 09:00 恢复办理，期间不计超期、不再催办",
    );
    // Parked, it is not extended either.
    expect(
      await click(
        cardId,
        "郑晓红",
        { a: "request_extension", i: issue.id },
        { extension_date: "2026-11-30", extension_reason: "等待" },
      ),
    ).toBe("该问题已挂账或缓办，恢复办理后才能申请延期");

    // The street digest lists it under 挂账, not as overdue.
    clock.advanceTo("2026-11-25 19:05");
    await clock.tick();
    const digest = h.emu
      .messages(ORG.chats.leaders)
      .filter((m) => m.sender.type === "app" && JSON.stringify(m.content).includes("日清日报"))
      .at(-1);
    const digestJson = JSON.stringify(digest?.content);
    expect(digestJson).toContain("挂账、缓办（1 件）");
    expect(digestJson).toContain("挂账至 12月1日 09:00");
    expect(digestJson).toContain("超期问题（0 件）");
    // Its deadline passed two days ago: no reminder, no 已超期 on the card.
    expect(parked.deadline?.getTime()).toBeLessThan(sh("2026-11-25 00:00").getTime());
    expect(threadPosts(h, reportId, cardId)).toHaveLength(1);
    expect(latestCardJson(h, ORG.chats.xflWork, cardId)).not.toContain("已超期");

    // On its day it comes back by itself, with a fresh deadline, and the owner and the secretary are told.
    clock.advanceTo("2026-12-01 09:01");
    await clock.tick();
    const back = await h.bot.db.issue.findUniqueOrThrow({ where: { id: issue.id }, include: { events: true } });
    expect(back).toMatchObject({ parkKind: null, parkedUntil: null, status: "assigned" });
    expect(back.deadline?.getTime()).toBeGreaterThan(sh("2026-12-01 09:00").getTime());
    expect(back.events.map((e) => e.type).slice(-2)).toEqual(["park", "unpark"]);
    expect(back.events.at(-1)?.actorId).toBeNull();
    const notice = threadPosts(h, reportId, cardId).find((post) => post.includes("挂账结束")) ?? "";
    expect(notice).toContain(`#${issue.number} 挂账结束，已恢复办理`);
    expect(notice).toContain(person("郑晓红"));
    expect(notice).toContain(person("李秀英"));
    expect(latestCardJson(h, ORG.chats.xflWork, cardId)).toContain("挂账结束，恢复办理");
    // Once only, however many sweeps run.
    await clock.tick();
    expect(await h.bot.db.issueEvent.count({ where: { issueId: issue.id, type: "unpark" } })).toBe(1);
  });

  it("缓办 by the dispatcher, brought back by hand; only the street may", async () => {
    const { h } = bot;
    const issue = await reportIssue(h, {
      from: "何小燕",
      text: "上报 幸福路菜市场门口堆物堆料",
      images: [samplePng(3)],
    });
    const cardId = issue.cardMessageId ?? "";
    const deferred = await click(
      cardId,
      "陈静",
      { a: "park", i: issue.id, k: "deferred" },
      { park_date: "2027-03-01", park_plan: "冬季冻土无法施工，开春后处理" },
    );
    expect(deferred).toBe("已批准，期间不计超期");
    expect(latestCardJson(h, ORG.chats.xflWork, cardId)).toContain("**已缓办**");
    const unpark = { a: "unpark", i: issue.id };
    expect(await click(cardId, "郑晓红", unpark)).toBe("只有街道包片领导、派单员或管理员可以恢复办理挂账、缓办的问题");
    expect(await click(cardId, "陈静", unpark)).toBe("已恢复办理");
    expect(await click(cardId, "陈静", unpark)).toBe("该问题没有挂账或缓办");
    const events = await h.bot.db.issueEvent.findMany({ where: { issueId: issue.id }, orderBy: { id: "asc" } });
    expect(events.find((e) => e.type === "park")?.data).toMatchObject({
      kind: "deferred",
      plan: "冬季冻土无法施工，开春后处理",
      until: sh("2027-03-01 09:00").toISOString(),
    });
    expect(latestCardJson(h, ORG.chats.xflWork, cardId)).toContain("缓办至 2027-03-01：冬季冻土无法施工，开春后处理");
  });
});
