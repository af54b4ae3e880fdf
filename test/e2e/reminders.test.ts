import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EmulatedMessage } from "../../src/emulator/index.ts";
import { type ClockDriver, clockDriver } from "../jobs/clock-harness.ts";
import { sh } from "../jobs/support.ts";
import { type BotHarness, ORG, startBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

describe("reminders, escalation and look-back in the demo street", () => {
  let h: BotHarness;
  let clock: ClockDriver;
  const p = (name: string) => h.people.get(name) ?? "";
  /** The latest content of a message (re-read: patches arrive after it was found), as JSON text. */
  const latest = (found: EmulatedMessage | undefined): string => {
    const message = found ? h.emu.message(found.messageId) : undefined;
    return message ? JSON.stringify(message.updates.at(-1)?.content ?? message.content) : "";
  };
  const work = ORG.chats.xflWork;
  /** The bot's messages in the thread of `rootId`, oldest first. */
  const thread = (rootId: string) =>
    h.emu.messages(work).filter((m) => m.sender.type === "app" && (m.rootId === rootId || m.parentId === rootId));
  const reminders = (rootId: string) => thread(rootId).filter((m) => latest(m).includes("⏰"));
  const issueCard = (rootId: string) => thread(rootId).find((m) => m.msgType === "interactive");
  /**
   * The bot's messages in the leader group after the weekly 工作简报 (behaviour §15), which the tests' Monday 10:00
   * tick posts first: its card, then its .docx.
   */
  const leaderPostsAfterBriefing = (): EmulatedMessage[] => {
    const posts = h.emu.messages(ORG.chats.leaders).filter((m) => m.sender.type === "app");
    expect(latest(posts[0])).toContain("创文工作简报 第1期 · 幸福街道 · 2026年第47周（11月16日—11月22日）");
    expect(posts[1]?.msgType).toBe("file");
    return posts.slice(2);
  };
  const report = async (text: string, seed: number) => {
    const sent = await h.emu.userSends({ chatId: work, from: p("何小燕"), text, images: [samplePng(seed)] });
    await h.settle();
    const issue = await h.bot.db.issue.findFirstOrThrow({ where: { sourceMessageId: sent.messageId } });
    return { issue, reportId: sent.messageId };
  };

  beforeEach(async () => {
    h = await startBot({ mode: "webhook" });
    clock = clockDriver(h);
  });
  afterEach(async () => {
    h.emu.assertClean();
    await h.close();
  });

  it("reminds the grid head before the deadline, snoozes by button, reminds at the deadline and escalates", async () => {
    const { issue, reportId } = await report("上报 幸福路菜市场门口堆物堆料", 1);
    // A dispatcher's deadline: today 12:00.
    await h.bot.db.issue.update({ where: { id: issue.id }, data: { deadline: sh("2026-11-23 12:00") } });

    clock.advanceTo("2026-11-23 10:00");
    await clock.tick();
    const reminder = thread(reportId).find((m) => latest(m).includes("距整改期限还有"));
    expect(latest(reminder)).toContain("⏰ #1001 距整改期限还有 2 小时（今天 12:00 前）");
    expect(latest(reminder)).toContain(`<at id=${p("郑晓红")}></at>`);
    expect(reminder?.threadId).toBeDefined();

    const messageId = reminder?.messageId ?? "";
    const snoozeValue = { rm: "snooze", i: issue.id, s: "before" };
    const refused = await h.emu.userClicks({ messageId, from: p("何小燕"), value: snoozeValue });
    expect(refused?.toast).toEqual({
      type: "error",
      content: "只有本社区书记、街道包片领导、派单员、管理员或责任人可以延后提醒",
    });
    const snoozed = await h.emu.userClicks({ messageId, from: p("郑晓红"), value: snoozeValue });
    expect(snoozed?.toast?.type).toBe("success");
    expect(snoozed?.toast?.content).toMatch(/^已延后到 11-23 11:00 再提醒（整改期限不变）$/);
    await h.settle();
    expect(latest(reminder)).toContain("郑晓红 已把提醒延后到 11-23 11:00（整改期限不变）");
    expect(latest(reminder)).not.toContain("延后提醒 1 小时");

    clock.advanceTo("2026-11-23 10:50");
    await clock.tick();
    expect(thread(reportId).filter((m) => latest(m).includes("⏰"))).toHaveLength(1);
    clock.advanceTo("2026-11-23 11:01");
    await clock.tick();
    expect(latest(thread(reportId).at(-1))).toContain("⏰ #1001 再次提醒：距整改期限还有 59 分钟（今天 12:00 前）");

    clock.advanceTo("2026-11-23 12:01");
    await clock.tick();
    const atDeadline = latest(thread(reportId).at(-1));
    const everyone = `责任人 <at id=${p("郑晓红")}></at> · 社区书记 <at id=${p("李秀英")}></at>`;
    expect(atDeadline).toContain("⏰ #1001 已超期 1 分钟（期限 今天 12:00）");
    expect(atDeadline).toContain(everyone);

    // Due for escalation at 12:00 the next day, it goes to the leader group at its 14:00 slot.
    clock.advanceTo("2026-11-24 12:01");
    await clock.tick();
    expect(leaderPostsAfterBriefing()).toEqual([]);
    clock.advanceTo("2026-11-24 14:00");
    await clock.tick();
    await clock.tick();
    const escalations = leaderPostsAfterBriefing();
    expect(escalations).toHaveLength(1);
    expect(latest(escalations[0])).toContain("超期未整改问题 1 件");
    expect(latest(escalations[0])).toContain(
      `#1001 堆物堆料 · 幸福里社区 幸福里第一网格 幸福路菜市场 · **已超期 1 天 2 小时（期限 昨天 12:00）** · ${everyone}`,
    );
    expect(thread(reportId).filter((m) => latest(m).includes("⏰"))).toHaveLength(3);
  });

  it("asks the reporter 回头看 seven days after closing: 未反弹 is recorded, 已反弹 opens a linked issue", async () => {
    const first = await report("上报 幸福路菜市场门口堆物堆料", 2);
    const second = await report("上报 幸福里商业街堆物堆料", 3);
    // The grid heads fix them with an after-photo in the thread, the secretary verifies.
    for (const [{ reportId }, head] of [
      [first, "郑晓红"],
      [second, "黄志明"],
    ] as const) {
      const card = thread(reportId).find((m) => m.msgType === "interactive");
      await h.emu.userSends({ chatId: work, from: p(head), replyTo: card?.messageId ?? "", images: [samplePng(9)] });
      await h.settle();
      await h.emu.userSends({ chatId: work, from: p("李秀英"), replyTo: card?.messageId ?? "", text: "验收通过" });
      await h.settle();
    }
    expect((await h.bot.db.issue.findMany({ orderBy: { number: "asc" } })).map((i) => i.status)).toEqual([
      "closed",
      "closed",
    ]);

    clock.advanceTo("2026-11-30 08:30");
    await clock.tick();
    expect(thread(first.reportId).some((m) => latest(m).includes("回头看"))).toBe(false);
    clock.advanceTo("2026-11-30 09:30");
    await clock.tick();
    const askFirst = thread(first.reportId).find((m) => latest(m).includes("回头看："));
    const askSecond = thread(second.reportId).find((m) => latest(m).includes("回头看："));
    expect(latest(askFirst)).toContain("回头看：#1001 是否反弹？");
    expect(latest(askFirst)).toContain(`<at id=${p("何小燕")}></at>`);

    const ok = await h.emu.userClicks({
      messageId: askFirst?.messageId ?? "",
      from: p("何小燕"),
      value: { lb: "ok", i: first.issue.id },
    });
    expect(ok?.toast).toEqual({ type: "success", content: "已记录：未反弹" });
    await h.settle();
    expect(latest(askFirst)).toContain("回头看：#1001 未反弹");
    const events = await h.bot.db.issueEvent.findMany({ where: { issueId: first.issue.id, type: "lookback_ok" } });
    expect(events).toHaveLength(1);
    const firstCard = thread(first.reportId).find((m) => latest(m).includes("#1001 堆物堆料 · 已销项"));
    expect(latest(firstCard)).toContain("回头看：未反弹");

    const rebound = await h.emu.userClicks({
      messageId: askSecond?.messageId ?? "",
      from: p("何小燕"),
      value: { lb: "rebound", i: second.issue.id },
    });
    expect(rebound?.toast).toEqual({ type: "success", content: "已记录反弹，新问题将发布在群里" });
    const again = await h.emu.userClicks({
      messageId: askSecond?.messageId ?? "",
      from: p("李秀英"),
      value: { lb: "ok", i: second.issue.id },
    });
    expect(again?.toast).toEqual({ type: "warning", content: "回头看已由 何小燕 回答：已反弹" });
    await h.settle();
    await clock.tick();

    const opened = await h.bot.db.issue.findUniqueOrThrow({ where: { number: 1003 } });
    expect(opened).toMatchObject({
      reboundOfId: second.issue.id,
      gridId: second.issue.gridId,
      pointId: second.issue.pointId,
      categoryId: second.issue.categoryId,
      sourceChatId: work,
      text: "回头看发现 #1002 反弹：幸福里商业街堆物堆料",
    });
    const notice = h.emu.message(opened.sourceMessageId ?? "");
    expect(notice?.rootId).toBeUndefined();
    expect(JSON.stringify(notice?.content)).toContain("【回头看·反弹】#1002");
    const newCard = thread(opened.sourceMessageId ?? "").find((m) => m.msgType === "interactive");
    expect(latest(newCard)).toContain("⚠️ 反弹问题");
    expect(latest(newCard)).toContain("#1003");
    expect(latest(askSecond)).toContain("回头看：#1002 已反弹");
  });

  // Issue 15: reminders as people read them.
  it("words every deadline one way, with its time, and the card shows the deadline as a date that stays true", async () => {
    const { issue, reportId } = await report("上报 幸福路菜市场门口堆物堆料", 1);
    // 堆物堆料 is due in 24 hours: the card gives the date and time, no countdown that would go stale.
    const filed = latest(issueCard(reportId));
    expect(filed).toContain("11月24日 09:00 前");
    expect(filed).not.toMatch(/剩 /);

    await h.bot.db.issue.update({ where: { id: issue.id }, data: { deadline: sh("2026-11-23 12:00") } });
    clock.advanceTo("2026-11-23 10:00");
    await clock.tick();
    expect(latest(reminders(reportId)[0])).toContain("距整改期限还有 2 小时（今天 12:00 前）");

    clock.advanceTo("2026-11-23 12:00");
    await clock.tick();
    const atDeadline = latest(reminders(reportId)[1]);
    expect(atDeadline).toContain("已到整改期限（今天 12:00）");
    expect(atDeadline).not.toMatch(/还剩|已过/);
    // The sweep redraws the card once the deadline has passed: red, 已超期, and still no countdown.
    clock.advanceTo("2026-11-23 12:01");
    await clock.tick();
    const card = latest(issueCard(reportId));
    expect(card).toContain("#1001 堆物堆料 · 待接单 · 已超期");
    expect(card).toContain('"template":"red"');
    expect(card).toContain("11月23日 12:00（已超期）");

    // A day later the card says nothing that has gone stale.
    clock.advanceTo("2026-11-24 15:00");
    await clock.tick();
    expect(latest(issueCard(reportId))).not.toMatch(/剩 |还有/);
  });

  it("reminds a deadline that falls in the quiet hours before they begin, not after it has passed", async () => {
    const { issue, reportId } = await report("上报 幸福路菜市场门口堆物堆料", 2);
    await h.bot.db.issue.update({ where: { id: issue.id }, data: { deadline: sh("2026-11-23 23:00") } });
    clock.advanceTo("2026-11-23 19:59");
    await clock.tick();
    expect(reminders(reportId)).toEqual([]);
    clock.advanceTo("2026-11-23 20:00");
    await clock.tick();
    expect(reminders(reportId).map(latest)).toEqual([
      expect.stringContaining("距整改期限还有 3 小时（今天 23:00 前）"),
    ]);
    for (const at of ["2026-11-23 21:00", "2026-11-23 23:00", "2026-11-24 07:59"]) {
      clock.advanceTo(at);
      await clock.tick();
    }
    expect(reminders(reportId)).toHaveLength(1);
    clock.advanceTo("2026-11-24 08:00");
    await clock.tick();
    expect(latest(reminders(reportId)[1])).toContain("已超期 9 小时（期限 昨天 23:00）");
  });

  it("names whoever accepted, the grid head and the secretary on every rung and in the escalation", async () => {
    const { issue, reportId } = await report("上报 幸福路菜市场门口有人摆摊", 3);
    // 占道经营 goes to 城管执法中队; 孙浩 of the department accepts it.
    const accepted = await h.emu.userClicks({
      messageId: issueCard(reportId)?.messageId ?? "",
      from: p("孙浩"),
      value: { a: "accept", i: issue.id },
    });
    expect(accepted?.toast?.type).toBe("success");
    await h.settle();
    await h.bot.db.issue.update({ where: { id: issue.id }, data: { deadline: sh("2026-11-23 12:00") } });
    const everyone = `责任人 城管执法中队 <at id=${p("孙浩")}></at> · 网格长 <at id=${p("郑晓红")}></at> · 社区书记 <at id=${p("李秀英")}></at>`;

    for (const at of ["2026-11-23 10:00", "2026-11-23 12:00"]) {
      clock.advanceTo(at);
      await clock.tick();
    }
    const [before, atDeadline] = reminders(reportId).map(latest);
    expect(before).toContain(everyone);
    expect(atDeadline).toContain(everyone);

    // Due for escalation at 12:00 the next day: the leader group's 14:00 slot names them all again.
    clock.advanceTo("2026-11-24 14:00");
    await clock.tick();
    const [escalation] = leaderPostsAfterBriefing();
    expect(latest(escalation)).toContain(
      `#1001 占道经营 · 幸福里社区 幸福里第一网格 幸福路菜市场 · **已超期 1 天 2 小时（期限 昨天 12:00）** · ${everyone}`,
    );
  });
});
