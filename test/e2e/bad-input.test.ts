// behaviour §5.3
import { describe, expect, it } from "vitest";
import { ORG, reportIssue, useBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

/** Numbers, dates and periods people type wrongly: each gets a clear answer, nothing is stored, the bot goes on. */
describe("bad numbers and dates in chat", () => {
  const h = useBot({ mode: "ws" });
  const p = (name: string) => h().people.get(name) ?? "";

  /** The bot's text answer to `messageId` (in its thread or as a reply), or "" when it said nothing. */
  const answerTo = (chatId: string, messageId: string) => {
    const m = h()
      .emu.messages(chatId)
      .find((x) => x.parentId === messageId && x.sender.type === "app");
    return m ? JSON.stringify(m.content) : "";
  };
  const ask = async (from: string, text: string) => {
    const sent = await h().emu.userSends({ chatId: ORG.chats.xflWork, from: p(from), text, mentionBot: true });
    await h().settle();
    return answerTo(ORG.chats.xflWork, sent.messageId);
  };
  /** Issues, their history and the events no handler could finish: what bad input must leave as it was. */
  const stored = async () => ({
    issues: await h().bot.db.issue.count(),
    events: await h().bot.db.issueEvent.count(),
    jobs: await h().bot.db.jobRun.count({ where: { kind: "ledger.export" } }),
    failed: await h().bot.inboxDb.inboundEvent.count({ where: { status: "failed" } }),
  });

  it("answers 查 with a number that is no issue number, and still shows the next one asked for", async () => {
    const sent = await h().emu.userSends({
      chatId: ORG.chats.xflWork,
      from: p("何小燕"),
      text: "上报 幸福路菜市场门口堆物",
      images: [samplePng(1)],
    });
    await h().settle();
    const before = await stored();
    const rule = "问题编号应为 1 到 999999999 之间的数字，例如：查 #1024";
    for (const text of ["查 #12345678901234567890", "查 #3000000000", "查 #-5", "查 #0", "查 #abc", "查 #12abc"]) {
      expect(await ask("李秀英", text), text).toContain(rule);
    }
    expect(await stored()).toEqual(before);
    // Full-width digits are digits, and the bot answers the next question as usual.
    expect(await ask("李秀英", "查 ＃１００１")).toContain("#1001 堆物堆料");
    expect(answerTo(ORG.chats.xflWork, sent.messageId)).toContain("#1001");
  });

  it("answers 合并 with a number that is no issue number in the thread, and merges nothing", async () => {
    const sent = await h().emu.userSends({
      chatId: ORG.chats.xflWork,
      from: p("何小燕"),
      text: "上报 幸福路菜市场门口堆物",
      images: [samplePng(2)],
    });
    await h().settle();
    const before = await stored();
    const { status } = await h().bot.db.issue.findFirstOrThrow();
    const reply = await h().emu.userSends({
      chatId: ORG.chats.xflWork,
      from: p("李秀英"),
      replyTo: sent.messageId,
      text: "合并到 #99999999999999999999",
    });
    await h().settle();
    expect(answerTo(ORG.chats.xflWork, reply.messageId)).toContain(
      "问题编号应为 1 到 999999999 之间的数字，例如：合并到 #1024",
    );
    expect(await stored()).toEqual(before);
    expect((await h().bot.db.issue.findFirstOrThrow()).status).toBe(status);
  });

  it("answers impossible dates, dates out of range and reversed periods in 台账 and 日报, and queues no export", async () => {
    const before = await stored();
    expect(await ask("李秀英", "台账 2026-02-30~2026-03-05")).toContain("没有 2026-02-30 这一天，请检查日期");
    expect(await ask("李秀英", "台账 2026-03-05~2026-03-01")).toContain(
      "开始日期 2026-03-05 晚于结束日期 2026-03-01，请把早的日期写在前面",
    );
    expect(await ask("李秀英", "台账 0001-01-01~2026-03-01")).toContain("日期应在 2000 年到 2099 年之间");
    expect(await ask("李秀英", "台账 2026-13-01~2026-12-01")).toContain("没有 2026-13-01 这一天，请检查日期");
    expect(await ask("李秀英", "日报 2026-02-30")).toContain("没有 2026-02-30 这一天，请检查日期");
    expect(await ask("李秀英", "日报 0001-01-01")).toContain("日期应在 2000 年到 2099 年之间");
    expect(await ask("李秀英", "日报 明天吧")).toContain("日报只支持今天或指定日期，例如：日报 2026-11-23");
    expect(await stored()).toEqual(before);
    // Written the way people write dates, a period is understood.
    expect(await ask("李秀英", "台账 2026-11-1~2026-11-23")).toContain(
      "正在生成幸福里社区台账（2026-11-01 至 2026-11-23）",
    );
    expect(await ask("李秀英", "日报 2026-11-22")).toContain("预览");
  });

  it("answers a card click carrying an id no record can have like any stale button", async () => {
    const issue = await reportIssue(h(), { from: "何小燕", text: "上报 幸福路菜市场门口堆物", images: [samplePng(3)] });
    const before = await stored();
    for (const value of [
      { a: "accept", i: "99999999999999999999" },
      { rm: "snooze", i: 1e20 },
    ]) {
      const answer = await h().emu.userClicks({ messageId: issue.cardMessageId ?? "", from: p("李秀英"), value });
      expect(answer?.toast?.content).toBeTruthy();
    }
    const grid = await h().emu.userClicks({
      messageId: issue.cardMessageId ?? "",
      from: p("李秀英"),
      value: { a: "set_grid", i: issue.id },
      option: "99999999999999999999",
    });
    expect(grid?.toast?.content).toBe("请从列表中选择");
    await h().settle();
    expect(await stored()).toEqual(before);
  });
});
