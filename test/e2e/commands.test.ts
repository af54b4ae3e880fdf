import { readdirSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BotHarness, ORG, startBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";
import { readZip } from "../support/zip.ts";

describe("chat commands and thread words", () => {
  let h: BotHarness;
  let p: (name: string) => string;
  beforeEach(async () => {
    h = await startBot({ mode: "webhook" });
    p = (name) => h.people.get(name) ?? "";
  });
  afterEach(async () => {
    h.emu.assertClean();
    await h.close();
  });

  /** The bot's answer in the chat to the message `messageId`. */
  const answerTo = (chatId: string, messageId: string) => {
    const m = h.emu.messages(chatId).find((x) => x.parentId === messageId && x.sender.type === "app");
    return m ? JSON.stringify(m.content) : "";
  };
  const ask = async (chatId: string, from: string, text: string) => {
    const sent = await h.emu.userSends({
      chatId,
      from,
      text,
      mentionBot: chatId.startsWith("oc_") && !chatId.includes("p2p"),
    });
    await h.settle();
    return answerTo(chatId, sent.messageId);
  };
  const report = async (from: string, text: string) => {
    const sent = await h.emu.userSends({ chatId: ORG.chats.xflWork, from, text, images: [samplePng(text.length)] });
    await h.settle();
    const issue = await h.bot.db.issue.findFirstOrThrow({ where: { sourceMessageId: sent.messageId } });
    return { issue, reportId: sent.messageId };
  };

  it("answers 帮助 and unknown commands with the help card", async () => {
    expect(await ask(ORG.chats.xflWork, p("何小燕"), "帮助")).toContain("日清 · 使用说明");
    expect(await ask(ORG.chats.xflWork, p("何小燕"), "help")).toContain("日清 · 使用说明");
    expect(await ask(ORG.chats.xflWork, p("何小燕"), "你好呀")).toContain("日清 · 使用说明");
  });

  it("lists 待办 for the grid head and 查 shows an issue with its whole history", async () => {
    const { issue } = await report(p("何小燕"), "上报 幸福路菜市场门口堆物");
    expect(await ask(ORG.chats.xflWork, p("郑晓红"), "待办")).toContain("#1001 堆物堆料 · 幸福里第一网格 · 待接单");
    expect(await ask(ORG.chats.xflWork, p("王建国"), "todo")).toContain("你目前没有待办的问题");
    const shown = await ask(ORG.chats.xflWork, p("李秀英"), "查 #1001");
    expect(shown).toContain("#1001 堆物堆料");
    expect(shown).toContain("上报");
    expect(await ask(ORG.chats.xflWork, p("李秀英"), "查 #9999")).toContain("没有找到问题 #9999");
    expect(issue.number).toBe(1001);
  });

  it("answers 统计 for the chat's unit with the statistics module's figures, and explains a bad period", async () => {
    await report(p("何小燕"), "上报 幸福路菜市场门口堆物");
    await report(p("何小燕"), "上报 幸福里商业街宣传栏破损");
    const today = await ask(ORG.chats.xflWork, p("李秀英"), "统计");
    expect(today).toContain("幸福里社区 · 今日（2026-11-23）");
    expect(today).toContain("发现 2 件（动态 1 · 静态 1），整改 0，销项 0，反弹 0");
    expect(today).toContain("未销项 2 件：待派单 0 · 待接单 2 · 整改中 0 · 待验收 0；其中超期 0");
    expect(await ask(ORG.chats.xflWork, p("李秀英"), "统计 本周")).toContain("幸福里社区 · 本周（2026-11-23）");
    expect(await ask(ORG.chats.xflWork, p("李秀英"), "统计 明年")).toContain("统计范围只支持：今日、本周、本月");
  });

  it("answers 台账 at once, then sends the ledger with its photos as a .zip; refuses grid workers, explains a bad period", async () => {
    await report(p("何小燕"), "上报 幸福路菜市场门口堆物");
    await report(p("何小燕"), "上报 幸福里商业街宣传栏破损");
    const sent = await h.emu.userSends({
      chatId: ORG.chats.xflWork,
      from: p("李秀英"),
      text: "台账 本周",
      mentionBot: true,
    });
    await h.settle();
    const replies = h.emu.messages(ORG.chats.xflWork).filter((m) => m.parentId === sent.messageId);
    expect(replies.map((m) => m.msgType)).toEqual(["text", "file"]);
    expect(JSON.stringify(replies[0]?.content)).toContain("正在生成幸福里社区台账（2026-11-23），生成后发到这里");
    const resource = h.emu.resource((replies[1]?.content as { file_key?: string } | undefined)?.file_key ?? "");
    expect(resource?.fileName).toBe("幸福里社区台账_2026-11-23.zip");
    const files = await readZip(resource?.data as Buffer);
    expect([...files.keys()]).toEqual([
      "幸福里社区台账_2026-11-23.xlsx",
      "照片/1001-整改前.png",
      "照片/1002-整改前.png",
    ]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(files.get("幸福里社区台账_2026-11-23.xlsx") as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(["封面", "问题台账", "处置记录", "网格汇总"]);
    const issues = workbook.getWorksheet("问题台账");
    expect(issues?.getRow(2).getCell(1).value).toBe(1001);
    expect(issues?.getRow(3).getCell(1).value).toBe(1002);
    // The photo cells link to the photos packed beside the workbook.
    for (const row of [2, 3]) {
      const link = issues?.getRow(row).getCell(19).value as ExcelJS.CellHyperlinkValue;
      expect(files.has(link.hyperlink)).toBe(true);
    }
    // The export left nothing behind in the data folder.
    expect(readdirSync(join(h.dir, "exports"))).toEqual([]);
    expect(await ask(ORG.chats.xflWork, p("何小燕"), "台账")).toContain(
      "台账只能由社区书记、包片领导、派单员或管理员导出",
    );
    expect(await ask(ORG.chats.xflWork, p("李秀英"), "台账 上个月")).toContain("台账范围请写");
  });

  it("refuses commands from people without a duty in the chat's unit", async () => {
    expect(await ask(ORG.chats.xflWork, p("罗婷"), "待办")).toContain("没有职责");
  });

  it("binds and unbinds a group: secretary of the unit yes, a grid worker no, ambiguous and unknown names explained", async () => {
    const chat = "oc_newgroup00000000000000000000001";
    h.emu.addChat({ chatId: chat, name: "幸福里二网格群", members: [...h.people.values()] });
    expect(await ask(chat, p("何小燕"), "绑定 幸福里第二网格")).toContain("只有管理员或该单位的社区书记");
    expect(await ask(chat, p("李秀英"), "绑定")).toContain("请写明要绑定的单位");
    expect(await ask(chat, p("李秀英"), "绑定 月亮湾")).toContain("没有找到单位“月亮湾”");
    expect(await ask(chat, p("李秀英"), "绑定 幸福里第二网格")).toContain("已把本群绑定到「幸福里第二网格」（工作群）");
    expect(await h.bot.db.chatBinding.findUnique({ where: { chatId: chat } })).toMatchObject({ purpose: "work" });
    expect(await ask(chat, p("李秀英"), "解绑")).toContain("已解除本群与「幸福里第二网格」的绑定");
    expect(await h.bot.db.chatBinding.findUnique({ where: { chatId: chat } })).toBeNull();
    expect(await ask(chat, p("李秀英"), "unbind")).toContain("本群没有绑定任何单位");
  });

  it("handles thread words: 退回 needs a reason, 转派 @someone, 接单, 已整改 with a photo, 驳回 with a reason", async () => {
    const { issue, reportId } = await report(p("何小燕"), "上报 幸福里小游园乱扔垃圾");
    const thread = (from: string, text: string, mentions?: string[]) =>
      h.emu.userSends({ chatId: ORG.chats.xflWork, from, text, replyTo: reportId, mentions }).then(() => h.settle());
    const status = async () => (await h.bot.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).status;

    await thread(p("郑晓红"), "退回");
    expect(await status()).toBe("assigned");
    await thread(p("郑晓红"), "退回 不属于本网格，是物业管理范围");
    expect(await status()).toBe("reported");
    await thread(p("李秀英"), "转派", [p("黄志明")]);
    const reassigned = await h.bot.db.issue.findUniqueOrThrow({
      where: { id: issue.id },
      include: { assigneePerson: true },
    });
    expect(reassigned.assigneePerson?.name).toBe("黄志明");
    expect(reassigned.status).toBe("assigned");
    await thread(p("黄志明"), "接单");
    await h.emu.userSends({
      chatId: ORG.chats.xflWork,
      from: p("黄志明"),
      replyTo: reportId,
      text: "已整改",
      images: [samplePng(77)],
    });
    await h.settle();
    expect(await status()).toBe("rectified");
    await thread(p("李秀英"), "驳回 垃圾桶旁边还有");
    expect(await status()).toBe("accepted");
    const events = await h.bot.db.issueEvent.findMany({ where: { issueId: issue.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.type, e.reason])).toEqual([
      ["filed", null],
      ["send_back", "不属于本网格，是物业管理范围"],
      ["assign", null],
      ["accept", null],
      ["rectify", null],
      ["refuse", "垃圾桶旁边还有"],
    ]);
    const texts = h.emu
      .messages(ORG.chats.xflWork)
      .filter((m) => m.sender.type === "app" && m.msgType === "text")
      .map((m) => (m.content as { text: string }).text);
    expect(texts).toContain("退回需要写明原因，例如：退回 不属于本网格");
    expect(texts).toContain(`#1001 已派给 黄志明 <at user_id="${p("黄志明")}"></at>，请及时接单处理`);
    expect(texts).toContain(
      `#1001 验收未通过：垃圾桶旁边还有，请 <at user_id="${p("黄志明")}"></at> 重新整改后回复照片`,
    );
  });

  it("asks for the after-photo when 已整改 comes without one, and refuses a secretary verifying her own fix", async () => {
    const { issue, reportId } = await report(p("何小燕"), "上报 幸福路菜市场门口堆物");
    await h.emu.userSends({ chatId: ORG.chats.xflWork, from: p("郑晓红"), replyTo: reportId, text: "已整改" });
    await h.settle();
    expect((await h.bot.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).status).toBe("assigned");
    const card = await h.bot.db.issue.findUniqueOrThrow({ where: { id: issue.id } });
    const secretary = await h.bot.db.person.findUniqueOrThrow({ where: { openId: p("李秀英") } });
    await h.emu.userClicks({
      messageId: card.cardMessageId ?? "",
      from: p("李秀英"),
      value: { a: "assign", i: issue.id },
      option: secretary.openId,
    });
    await h.settle();
    await h.emu.userSends({ chatId: ORG.chats.xflWork, from: p("李秀英"), replyTo: reportId, images: [samplePng(88)] });
    await h.settle();
    expect((await h.bot.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).status).toBe("rectified");
    const answer = await h.emu.userClicks({
      messageId: card.cardMessageId ?? "",
      from: p("李秀英"),
      value: { a: "verify", i: issue.id },
    });
    expect(answer?.toast?.content).toBe("不能验收自己整改的问题，请由其他人验收");
    const rejectNoReason = await h.emu.userClicks({
      messageId: card.cardMessageId ?? "",
      from: p("王建国"),
      value: { a: "verify", i: issue.id },
    });
    expect(rejectNoReason?.toast?.content).toBe("验收通过成功");
  });

  it("不予受理 from the card form needs a reason and records it", async () => {
    const { issue } = await report(p("何小燕"), "上报 幸福里商业街公益广告破损");
    const card = await h.bot.db.issue.findUniqueOrThrow({ where: { id: issue.id } });
    const none = await h.emu.userClicks({
      messageId: card.cardMessageId ?? "",
      from: p("李秀英"),
      value: { a: "reject", i: issue.id },
      formValue: { reason: "" },
    });
    expect(none?.toast?.content).toContain("不予受理需要写明原因");
    const done = await h.emu.userClicks({
      messageId: card.cardMessageId ?? "",
      from: p("李秀英"),
      value: { a: "reject", i: issue.id },
      formValue: { reason: "属于在建工地围挡，不在整治范围" },
    });
    expect(done?.toast?.content).toBe("不予受理成功");
    await h.settle();
    expect(await h.bot.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).toMatchObject({
      status: "rejected",
      rejectReason: "属于在建工地围挡，不在整治范围",
    });
  });
});
