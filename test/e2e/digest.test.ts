import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EmulatedMessage } from "../../src/emulator/index.ts";
import { type ClockDriver, clockDriver } from "../jobs/clock-harness.ts";
import { sh } from "../jobs/support.ts";
import { type BotHarness, ORG, reportIssue, startBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";
import { readZip } from "../support/zip.ts";

describe("the 日清日报 in the demo street", () => {
  let h: BotHarness;
  let clock: ClockDriver;
  const p = (name: string) => h.people.get(name) ?? "";
  const json = (m: EmulatedMessage | undefined) => {
    const message = m ? h.emu.message(m.messageId) : undefined;
    return message ? JSON.stringify(message.updates.at(-1)?.content ?? message.content) : "";
  };
  /** The digests the bot posted in a chat (top-level cards titled 日清日报), oldest first. */
  const digests = (chatId: string) =>
    h.emu
      .messages(chatId)
      .filter(
        (m) => m.sender.type === "app" && m.msgType === "interactive" && !m.parentId && json(m).includes("日清日报"),
      );
  const report = (text: string, seed: number) => reportIssue(h, { from: "何小燕", text, images: [samplePng(seed)] });

  /** The grid head replies to the issue's card with an after-photo and 李秀英 verifies it. */
  const fixAndVerify = async (issue: { sourceMessageId: string | null }, head: string, seed: number) => {
    const card = h.emu
      .messages(ORG.chats.xflWork)
      .find((m) => m.parentId === issue.sourceMessageId && m.msgType === "interactive");
    const replyTo = card?.messageId ?? "";
    await h.emu.userSends({ chatId: ORG.chats.xflWork, from: p(head), replyTo, images: [samplePng(seed)] });
    await h.settle();
    await h.emu.userSends({ chatId: ORG.chats.xflWork, from: p("李秀英"), replyTo, text: "验收通过" });
    await h.settle();
  };
  /** The card's markdown blocks, as Lark renders them (the text users read). */
  const markdownOf = (card: string): string[] =>
    (JSON.parse(card) as { elements: { tag: string; content?: string }[] }).elements
      .filter((e) => e.tag === "markdown")
      .map((e) => e.content ?? "");

  beforeEach(async () => {
    h = await startBot({ mode: "webhook" });
    clock = clockDriver(h);
    // Few issues in the demo: rank every grid that has one, so the community digest has a chart.
    await h.bot.db.chatBinding.update({
      where: { chatId: ORG.chats.xflWork },
      data: { settings: { minRankedIssues: 1 } },
    });
  });
  afterEach(async () => {
    h.emu.assertClean();
    await h.close();
  });

  it("posts each community its digest with the chart at 18:00, lists overdue issues, and forwards a leader's review", async () => {
    const open = await report("上报 幸福路菜市场门口堆物堆料", 1);
    const fixed = await report("上报 幸福里商业街堆物堆料", 2);
    await h.bot.db.issue.update({ where: { id: open.id }, data: { deadline: sh("2026-11-23 12:00") } });
    await fixAndVerify(fixed, "黄志明", 3);

    // 日报 previews the digest at any time; the evening digest still comes.
    const ask = await h.emu.userSends({ chatId: ORG.chats.xflWork, from: p("李秀英"), text: "日报", mentionBot: true });
    await h.settle();
    const preview = h.emu.messages(ORG.chats.xflWork).find((m) => m.parentId === ask.messageId);
    expect(json(preview)).toContain("日清日报 · 幸福里社区 · 11月23日（预览）");

    clock.advanceTo("2026-11-23 17:59");
    await clock.tick();
    expect(digests(ORG.chats.xflWork)).toEqual([]);
    clock.advanceTo("2026-11-23 18:00");
    await clock.tick();
    await clock.tick();
    const [digest, ...more] = digests(ORG.chats.xflWork);
    expect(more).toEqual([]);
    const card = json(digest);
    expect(card).toContain("日清日报 · 幸福里社区 · 11月23日");
    expect(card).not.toContain("补发");
    // Found 2 (both 堆物堆料, dynamic); #1002 rectified and closed; #1001 open and overdue since 12:00.
    expect(card).toContain("2 件（动态 2 · 静态 0）");
    expect(card).toContain("1 件（销项 1 件）");
    expect(card).toContain("1 件（超期 1 件）");
    // Rate: closed 1 ÷ (1 + open 1) = 50%.
    expect(card).toContain("50%（1/2）");
    expect(card).toContain(
      `#1001 堆物堆料 · 幸福里第一网格 幸福路菜市场 · 已超期 6 小时（期限 今天 12:00） · <at id=${p("郑晓红")}></at>`,
    );
    expect(card).toContain("🚩 第 1 名 幸福里第四网格 100 分（按期处置 1/1 · 结案 1/1 · 返工 0）");
    expect(card).toContain("🟨 第 2 名 幸福里第一网格 10 分（按期处置 0/1 · 结案 0/1 · 返工 0）");
    const imageKey = /"img_key":"([^"]+)"/.exec(card)?.[1] ?? "";
    expect(h.emu.resource(imageKey)?.kind).toBe("image");
    expect(digests(ORG.chats.dflWork)).toHaveLength(1);
    expect(digests(ORG.chats.hpWork)).toEqual([]);
    expect(digests(ORG.chats.leaders)).toEqual([]);
    expect(digests(ORG.chats.xflPatrol)).toEqual([]);

    const xfl = await h.bot.db.unit.findUniqueOrThrow({ where: { code: "xfl" } });
    const listed = await h.emu.userClicks({
      messageId: digest?.messageId ?? "",
      from: p("李秀英"),
      value: { dg: "overdue", u: xfl.id, d: "2026-11-23" },
    });
    expect(listed?.toast).toEqual({ type: "success", content: "已在话题中列出 1 件超期问题" });
    await h.settle();
    const overdueReply = h.emu.messages(ORG.chats.xflWork).find((m) => m.parentId === digest?.messageId);
    expect(json(overdueReply)).toContain(
      "1. #1001 堆物堆料 · 幸福里第一网格 幸福路菜市场 · 已超期 6 小时（期限 今天 12:00） · 郑晓红",
    );

    const ledgerValue = { dg: "ledger", u: xfl.id, d: "2026-11-23" };
    const noLedger = await h.emu.userClicks({
      messageId: digest?.messageId ?? "",
      from: p("何小燕"),
      value: ledgerValue,
    });
    expect(noLedger?.toast?.content).toBe("只有本社区书记、街道包片领导、派单员或管理员可以导出台账");
    const ledger = await h.emu.userClicks({
      messageId: digest?.messageId ?? "",
      from: p("李秀英"),
      value: ledgerValue,
    });
    // Answered at once; the export runs afterwards.
    expect(ledger?.toast).toEqual({ type: "success", content: "正在生成幸福里社区11月23日的台账，稍后发到本话题" });
    await h.settle();
    const file = h.emu
      .messages(ORG.chats.xflWork)
      .find((m) => m.parentId === digest?.messageId && m.msgType === "file");
    // The digest's unit and day: a zip of the workbook and its photos.
    const resource = h.emu.resource((file?.content as { file_key?: string } | undefined)?.file_key ?? "");
    expect(resource?.fileName).toBe("幸福里社区台账_2026-11-23.zip");
    const files = await readZip(resource?.data as Buffer);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(files.get("幸福里社区台账_2026-11-23.xlsx") as unknown as ArrayBuffer);
    const cover = workbook.getWorksheet("封面");
    const period = cover?.getRows(1, 10)?.find((r) => r.getCell(1).value === "统计周期");
    expect(period?.getCell(2).value).toBe("2026-11-23");

    clock.advanceTo("2026-11-23 19:00");
    await clock.tick();
    const [street] = digests(ORG.chats.leaders);
    expect(json(street)).toContain("日清日报 · 幸福街道 · 11月23日");
    expect(json(street)).toContain("各社区今日综合指标排名");

    const xfjd = await h.bot.db.unit.findUniqueOrThrow({ where: { code: "xfjd" } });
    const reviewValue = { dg: "review", u: xfjd.id, d: "2026-11-23" };
    const comment = "幸福里社区超期问题明天上午前清零";
    const refused = await h.emu.userClicks({
      messageId: street?.messageId ?? "",
      from: p("何小燕"),
      value: reviewValue,
      formValue: { comment, target: String(xfl.id) },
    });
    expect(refused?.toast).toEqual({ type: "error", content: "只有街道包片领导、派单员或管理员可以填写审阅意见" });
    const reviewed = await h.emu.userClicks({
      messageId: street?.messageId ?? "",
      from: p("王建国"),
      value: reviewValue,
      formValue: { comment, target: String(xfl.id) },
    });
    expect(reviewed?.toast).toEqual({ type: "success", content: "审阅意见已记录，并发到 1 个社区工作群" });
    await h.settle();
    const posted = h.emu.messages(ORG.chats.xflWork).filter((m) => m.sender.type === "app" && !m.parentId);
    expect(json(posted.at(-1))).toContain(`王建国的审阅意见（11月23日日清日报）\\n${comment}`);
    expect(h.emu.messages(ORG.chats.dflWork).some((m) => json(m).includes("王建国的审阅意见"))).toBe(false);
    const stored = await h.bot.db.digestReview.findMany();
    expect(stored).toMatchObject([{ unitId: xfjd.id, date: "2026-11-23", targetUnitId: xfl.id, text: comment }]);
  });

  it("sends the digest missed while the bot was down when it starts again the same day, marked 补发, once", async () => {
    await report("上报 幸福路菜市场门口堆物堆料", 4);
    clock.advanceTo("2026-11-23 18:40");
    await h.restart();
    clock = clockDriver(h);
    await h.settle();
    await clock.tick();
    const [late, ...more] = digests(ORG.chats.xflWork);
    expect(more).toEqual([]);
    expect(json(late)).toContain("日清日报 · 幸福里社区 · 11月23日（补发）");
    // Its one issue is not due yet: nothing to close today, so no grid is ranked and there is no chart.
    expect(json(late)).toContain("不参与排名（应结案少于 1 件）");
    expect(json(late)).not.toContain("img_");
    // 和平社区 sends at 18:30: ten minutes late is not 补发.
    expect(json(digests(ORG.chats.hpWork)[0])).toContain('日清日报 · 和平社区 · 11月23日"');
  });

  it("lists what is still due tonight, adds every bucket up to all that was open today, and writes ranks as words", async () => {
    const overdue = await report("上报 幸福路菜市场门口堆物堆料", 1);
    const tonight = await report("上报 幸福里小游园堆物堆料", 2);
    await report("上报 幸福里小区3号楼堆物堆料", 3);
    const closed = await report("上报 幸福里商业街堆物堆料", 4);
    await h.bot.db.issue.update({ where: { id: overdue.id }, data: { deadline: sh("2026-11-23 12:00") } });
    await h.bot.db.issue.update({ where: { id: tonight.id }, data: { deadline: sh("2026-11-23 21:00") } });
    await fixAndVerify(closed, "黄志明", 5);

    clock.advanceTo("2026-11-23 18:00");
    await clock.tick();
    const shown = json(digests(ORG.chats.xflWork)[0]);
    const blocks = markdownOf(shown);
    // #1003 (3号楼) is due tomorrow at 09:00; #1002 tonight at 21:00 — neither overdue nor due tomorrow, yet listed.
    expect(blocks).toContain(
      "今日在办 4 件 = 已销项 1 + 待验收 0 + 超期 1 + 今日到期未完成 1 + 明日到期 1 + 其余在办 0",
    );
    const dueToday = blocks.find((b) => b.startsWith("**今日到期未完成（1 件）**")) ?? "";
    expect(dueToday).toContain(
      `#1002 堆物堆料 · 幸福里第二网格 幸福里小游园 · 距整改期限还有 3 小时（今天 21:00 前） · <at id=${p("郑晓红")}></at>`,
    );
    expect(blocks.find((b) => b.startsWith("**超期问题（1 件）**"))).toContain("已超期 6 小时（期限 今天 12:00）");
    expect(blocks.find((b) => b.startsWith("**明日到期（1 件）**"))).toContain("#1003");

    // Two grids ranked (the second and third have nothing due yet): no line of the ranking looks like a markdown
    // list item that Lark would renumber.
    const ranking = blocks.find((b) => b.startsWith("**各网格今日综合指标排名**")) ?? "";
    expect(ranking).toContain("🚩 第 1 名 幸福里第四网格 100 分（按期处置 1/1 · 结案 1/1 · 返工 0）");
    expect(ranking).toContain("🟨 第 2 名 幸福里第一网格 10 分（按期处置 0/1 · 结案 0/1 · 返工 0）");
    expect(ranking.split("\n").filter((line) => /^\s*(🚩|🟨)?\s*\d+\.\s/.test(line))).toEqual([]);
  });
});
