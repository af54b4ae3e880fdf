import { readdirSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BotHarness, ORG, startBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";
import { readZip } from "../support/zip.ts";

const MINUTE = 60_000;

for (const mode of ["webhook", "ws"] as const) {
  describe(`chat commands and thread words (${mode})`, () => {
    let h: BotHarness;
    let p: (name: string) => string;
    beforeEach(async () => {
      h = await startBot({ mode, extraOrg: [join(import.meta.dirname, "../fixtures/commands-org.yaml")] });
      p = (name) => h.people.get(name) ?? "";
    });
    afterEach(async () => {
      h.emu.assertClean();
      await h.close();
    });

    /** The bot's answer in the chat to the message `messageId`, as JSON text. */
    const answerTo = (chatId: string, messageId: string) => {
      const m = h.emu.messages(chatId).find((x) => x.parentId === messageId && x.sender.type === "app");
      return m ? JSON.stringify(m.content) : "";
    };
    /** Sends a command: with @bot in a group, as plain text in a private chat; returns the bot's answer. */
    const ask = async (chatId: string, from: string, text: string) => {
      const sent = await h.emu.userSends({ chatId, from, text, mentionBot: h.emu.chat(chatId)?.chatType === "group" });
      await h.settle();
      return answerTo(chatId, sent.messageId);
    };
    /** Sends a command in the private chat of `name`. */
    const askPrivately = (name: string, text: string) => ask(h.emu.p2pChatId(p(name)), p(name), text);
    const report = async (from: string, text: string, chatId: string = ORG.chats.xflWork) => {
      const sent = await h.emu.userSends({ chatId, from, text, images: [samplePng(text.length)] });
      await h.settle();
      const issue = await h.bot.db.issue.findFirstOrThrow({ where: { sourceMessageId: sent.messageId } });
      return { issue, reportId: sent.messageId };
    };
    /** Posts in the thread of `reportId` and waits for the bot. */
    const inThread = async (
      reportId: string,
      from: string,
      input: { text?: string; mentions?: string[]; images?: Buffer[] },
      chatId: string = ORG.chats.xflWork,
    ) => {
      const sent = await h.emu.userSends({ chatId, from, replyTo: reportId, ...input });
      await h.settle();
      return sent.messageId;
    };
    /** The bot's text messages in a chat, oldest first. */
    const botTexts = (chatId: string = ORG.chats.xflWork) =>
      h.emu
        .messages(chatId)
        .filter((m) => m.sender.type === "app" && m.msgType === "text")
        .map((m) => (m.content as { text: string }).text);
    const statusOf = async (id: number) => (await h.bot.db.issue.findUniqueOrThrow({ where: { id } })).status;
    const card = async (id: number) => (await h.bot.db.issue.findUniqueOrThrow({ where: { id } })).cardMessageId ?? "";
    /** The secretary assigns the issue to herself and rectifies it with a photo in the thread; returns the card. */
    const fixOwn = async (issueId: number, reportId: string, secretary: string) => {
      const cardId = await card(issueId);
      await h.emu.userClicks({
        messageId: cardId,
        from: secretary,
        value: { a: "assign", i: issueId },
        option: secretary,
      });
      await h.settle();
      await inThread(reportId, secretary, { images: [samplePng(issueId + 88)] });
      expect(await statusOf(issueId)).toBe("rectified");
      return cardId;
    };
    /** The file the bot sent in reply to `messageId`, with its name. */
    const fileAnswer = (chatId: string, messageId: string) => {
      const file = h.emu.messages(chatId).find((m) => m.parentId === messageId && m.msgType === "file");
      return h.emu.resource((file?.content as { file_key?: string } | undefined)?.file_key ?? "");
    };

    it("answers 帮助 and unknown commands with the help card, and 查 without a number with how to ask", async () => {
      expect(await ask(ORG.chats.xflWork, p("何小燕"), "帮助")).toContain("日清 · 使用说明");
      expect(await ask(ORG.chats.xflWork, p("何小燕"), "help")).toContain("日清 · 使用说明");
      expect(await ask(ORG.chats.xflWork, p("何小燕"), "你好呀")).toContain("日清 · 使用说明");
      expect(await ask(ORG.chats.xflWork, p("何小燕"), "查")).toContain("请写明问题编号，例如：查 #1024");
      expect(await ask(ORG.chats.xflWork, p("何小燕"), "show")).toContain("请写明问题编号，例如：查 #1024");
    });

    it("lists 待办 for the grid head and 查 shows an issue with its whole history", async () => {
      const { issue } = await report(p("何小燕"), "上报 幸福路菜市场门口堆物");
      expect(await ask(ORG.chats.xflWork, p("郑晓红"), "待办")).toContain(
        "#1001 堆物堆料 · 幸福里社区 幸福里第一网格 幸福路菜市场 · 距整改期限还有 1 天（明天 09:00 前） · 待接单",
      );
      expect(await ask(ORG.chats.xflWork, p("王建国"), "todo")).toContain("你目前没有待办的问题");
      const shown = await ask(ORG.chats.xflWork, p("李秀英"), "查 #1001");
      expect(shown).toContain("#1001 堆物堆料");
      expect(shown).toContain("上报");
      expect(await ask(ORG.chats.xflWork, p("李秀英"), "查 #9999")).toContain("没有找到问题 #9999");
      expect(issue.number).toBe(1001);
    });

    it("shows 查 #编号 only to those the issue concerns, in groups and in private", async () => {
      const { issue } = await report(p("罗婷"), "上报 和平路美食街占道经营", ORG.chats.hpWork);
      const shown = (answer: string) => answer.includes("#1001 占道经营");
      const refusal = "只有该问题所在单位的工作人员、责任人或上报人可以查看问题详情";
      // A grid worker of 幸福里 asks in her own work group about a 和平 issue.
      expect(await ask(ORG.chats.xflWork, p("何小燕"), "查 #1001")).toContain(refusal);
      expect(await askPrivately("何小燕", "查 #1001")).toContain(refusal);
      expect(await askPrivately("张伟", "show #1001")).toContain(refusal);
      // The reporter, the community's secretary, the street leader and the assigned department may.
      expect(shown(await askPrivately("罗婷", "查 #1001"))).toBe(true);
      expect(shown(await ask(ORG.chats.hpWork, p("刘芳"), "查 #1001"))).toBe(true);
      expect(shown(await askPrivately("王建国", "查 #1001"))).toBe(true);
      expect(shown(await askPrivately("孙浩", "查#1001"))).toBe(true);
      expect(issue.assigneeUnitId).not.toBeNull();
    });

    it("answers 统计 for the chat's unit, with durations under an hour in minutes, and explains a bad period", async () => {
      const { issue, reportId } = await report(p("何小燕"), "上报 幸福路菜市场门口堆物");
      await report(p("何小燕"), "上报 幸福里商业街宣传栏破损");
      const today = await ask(ORG.chats.xflWork, p("李秀英"), "统计");
      expect(today).toContain("幸福里社区 · 今日（2026-11-23）");
      expect(today).toContain("发现 2 件（动态 1 · 静态 1），整改 0，销项 0，反弹 0");
      expect(today).toContain("未销项 2 件：待派单 0 · 待接单 2 · 整改中 0 · 待验收 0；其中超期 0");
      h.clock.advance(42 * MINUTE);
      await inThread(reportId, p("郑晓红"), { images: [samplePng(500)] });
      expect(await statusOf(issue.id)).toBe("rectified");
      // Fixed without 接单: it responded with the fix, and nothing is closed yet (behaviour §8.3).
      expect(await ask(ORG.chats.xflWork, p("李秀英"), "stats")).toContain(
        "平均响应用时 42 分钟（中位数 42 分钟），平均整改用时 42 分钟（中位数 42 分钟），平均办结用时 —（中位数 —）",
      );
      expect(await ask(ORG.chats.xflWork, p("李秀英"), "统计 本周")).toContain("幸福里社区 · 本周（2026-11-23）");
      expect(await ask(ORG.chats.xflWork, p("李秀英"), "统计 明年")).toContain("统计范围只支持：今日、本周、本月");
      // The fix today is one 处置 on time; nothing closed: 按期处置 1/1 × 60 + 结案 0/1 × 30 + (1 − 0) × 10 = 70.
      const month = await ask(ORG.chats.xflWork, p("李秀英"), "统计 2026-11");
      expect(month).toContain("幸福里社区 · 2026年11月（2026-11-01 至 2026-11-30）");
      expect(month).toContain(
        "考核指标：综合指标值 70 · 立案数 2 · 按期处置率 100% · 结案率 0% · 返工率 0% · 延期数 0 · 挂账数 0 · 超期数（当前） 0",
      );
      expect(await ask(ORG.chats.xflWork, p("李秀英"), "统计 2026年12月")).toContain("2026年12月还没有开始");
      expect(await ask(ORG.chats.xflWork, p("李秀英"), "统计 2026-13")).toContain("统计范围只支持");
      expect(await ask(ORG.chats.xflWork, p("李秀英"), "统计 1999-11")).toContain("2000");
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
      const resource = fileAnswer(ORG.chats.xflWork, sent.messageId);
      expect(resource?.fileName).toBe("幸福里社区台账_2026-11-23.zip");
      const files = await readZip(resource?.data as Buffer);
      expect([...files.keys()]).toEqual([
        "幸福里社区台账_2026-11-23.xlsx",
        "照片/1001-整改前.png",
        "照片/1002-整改前.png",
      ]);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(files.get("幸福里社区台账_2026-11-23.xlsx") as unknown as ArrayBuffer);
      expect(workbook.worksheets.map((w) => w.name)).toEqual([
        "封面",
        "打印版",
        "问题台账",
        "处置记录",
        "网格汇总",
        "考核指标",
      ]);
      const issues = workbook.getWorksheet("问题台账");
      expect(issues?.getRow(2).getCell(1).value).toBe(1001);
      expect(issues?.getRow(3).getCell(1).value).toBe(1002);
      // The photo cells link to the photos packed beside the workbook.
      for (const row of [2, 3]) {
        const link = issues?.getRow(row).getCell(21).value as ExcelJS.CellHyperlinkValue;
        expect(files.has(link.hyperlink)).toBe(true);
      }
      // The export left nothing behind in the data folder.
      expect(readdirSync(join(h.dir, "exports"))).toEqual([]);
      expect(await ask(ORG.chats.xflWork, p("何小燕"), "台账")).toContain(
        "只有本社区书记、街道包片领导、派单员或管理员可以导出台账",
      );
      expect(await ask(ORG.chats.xflWork, p("李秀英"), "台账 上个月")).toContain("台账范围请写");
    });

    it("exports 台账 in a private chat for the first unit on which the sender may export, else explains", async () => {
      const privateLedger = async (name: string, text: string) => {
        const chatId = h.emu.p2pChatId(p(name));
        const sent = await h.emu.userSends({ chatId, from: p(name), text });
        await h.settle();
        return fileAnswer(chatId, sent.messageId)?.fileName;
      };
      // 钱进 is a grid worker in 和平 first and the secretary of 东风路 second: the ledger is 东风路's.
      expect(await privateLedger("钱进", "ledger 本月")).toBe("东风路社区台账_2026-11-01至2026-11-23.xlsx");
      expect(await privateLedger("王建国", "台账")).toBe("幸福街道台账_2026-11-01至2026-11-23.xlsx");
      expect(await askPrivately("何小燕", "台账")).toContain(
        "只有本社区书记、街道包片领导、派单员或管理员可以导出台账",
      );
    });

    it("answers every command and its English alias in a private chat, on the sender's own units", async () => {
      await report(p("何小燕"), "上报 幸福路菜市场门口堆物");
      const bindHere = "请在要绑定的群里 @我 发送“绑定 单位”。";
      const answers: [string, string, string][] = [
        ["郑晓红", "帮助", "日清 · 使用说明"],
        ["郑晓红", "help", "日清 · 使用说明"],
        ["郑晓红", "待办", "【我负责的】1 件\\n  #1001 堆物堆料"],
        ["郑晓红", "todo", "幸福路菜市场 · 距整改期限还有 1 天（明天 09:00 前） · 待接单"],
        ["李秀英", "统计", "幸福里社区 · 今日（2026-11-23）"],
        ["李秀英", "stats week", "幸福里社区 · 本周（2026-11-23）"],
        ["李秀英", "日报", "预览"],
        ["李秀英", "digest", "幸福里社区"],
        ["李秀英", "show #1001", "#1001 堆物堆料"],
        ["李秀英", "绑定 幸福里社区", bindHere],
        ["李秀英", "bind xfl", bindHere],
        ["罗婷", "你好", "日清 · 使用说明"],
      ];
      for (const [name, text, answer] of answers) expect(await askPrivately(name, text), text).toContain(answer);
    });

    it("refuses commands from people without a duty in the chat's unit", async () => {
      expect(await ask(ORG.chats.xflWork, p("罗婷"), "待办")).toContain("只有在对应单位有职责的人员可以使用");
    });

    it("binds and unbinds a group: secretary of the unit yes, a grid worker no, ambiguous and unknown names explained", async () => {
      const chat = "oc_newgroup00000000000000000000001";
      h.emu.addChat({ chatId: chat, name: "幸福里二网格群", members: [...h.people.values()] });
      expect(await ask(chat, p("何小燕"), "绑定 幸福里第二网格")).toContain("只有本社区书记或管理员可以绑定、解绑本群");
      expect(await ask(chat, p("李秀英"), "绑定")).toContain("请写明要绑定的单位");
      expect(await ask(chat, p("李秀英"), "绑定 月亮湾")).toContain("没有找到单位“月亮湾”");
      expect(await ask(chat, p("张伟"), "绑定 光华里网格")).toContain(
        "“光华里网格”对应多个单位：光华里网格（dfl-gh）、光华里网格（hp-gh）。请改用单位编码。",
      );
      expect(await h.bot.db.chatBinding.findUnique({ where: { chatId: chat } })).toBeNull();
      expect(await ask(chat, p("张伟"), "bind dfl-gh")).toContain("已把本群绑定到「光华里网格」（工作群）");
      expect(await ask(chat, p("张伟"), "unbind")).toContain("已解除本群与「光华里网格」的绑定");
      expect(await ask(chat, p("李秀英"), "绑定 幸福里第二网格")).toContain(
        "已把本群绑定到「幸福里第二网格」（工作群）",
      );
      expect(await h.bot.db.chatBinding.findUnique({ where: { chatId: chat } })).toMatchObject({ purpose: "work" });
      expect(await ask(chat, p("李秀英"), "解绑")).toContain("已解除本群与「幸福里第二网格」的绑定");
      expect(await h.bot.db.chatBinding.findUnique({ where: { chatId: chat } })).toBeNull();
      expect(await ask(chat, p("李秀英"), "unbind")).toContain("本群没有绑定任何单位");
    });

    it("does not let another community's secretary take over a bound group; an admin may rebind it", async () => {
      const xfl = await h.bot.db.unit.findUniqueOrThrow({ where: { code: "xfl" } });
      const dfl = await h.bot.db.unit.findUniqueOrThrow({ where: { code: "dfl" } });
      const bindingUnit = async () =>
        (await h.bot.db.chatBinding.findUniqueOrThrow({ where: { chatId: ORG.chats.xflWork } })).unitId;
      expect(await ask(ORG.chats.xflWork, p("张伟"), "绑定 东风路社区")).toContain(
        "本群已绑定到「幸福里社区」，只有「幸福里社区」的社区书记或管理员可以改绑。请先由他们发送“解绑”。",
      );
      expect(await bindingUnit()).toBe(xfl.id);
      expect(await ask(ORG.chats.xflWork, p("李秀英"), "绑定 幸福里社区 巡查")).toContain(
        "已把本群绑定到「幸福里社区」（巡查群）",
      );
      expect(await ask(ORG.chats.xflWork, p("赵磊"), "绑定 东风路社区")).toContain("已把本群绑定到「东风路社区」");
      expect(await bindingUnit()).toBe(dfl.id);
    });

    it("handles thread words: 退回 needs a reason, 转派 @someone, 接单, 已整改 with a photo, 驳回 with a reason", async () => {
      const { issue, reportId } = await report(p("何小燕"), "上报 幸福里小游园乱扔垃圾");
      await inThread(reportId, p("郑晓红"), { text: "退回" });
      expect(await statusOf(issue.id)).toBe("assigned");
      await inThread(reportId, p("郑晓红"), { text: "退回 不属于本网格，是物业管理范围" });
      expect(await statusOf(issue.id)).toBe("reported");
      await inThread(reportId, p("李秀英"), { text: "转派", mentions: [p("黄志明")] });
      const reassigned = await h.bot.db.issue.findUniqueOrThrow({
        where: { id: issue.id },
        include: { assigneePerson: true },
      });
      expect(reassigned.assigneePerson?.name).toBe("黄志明");
      expect(reassigned.status).toBe("assigned");
      await inThread(reportId, p("黄志明"), { text: "接单" });
      await inThread(reportId, p("黄志明"), { text: "已整改", images: [samplePng(77)] });
      expect(await statusOf(issue.id)).toBe("rectified");
      await inThread(reportId, p("李秀英"), { text: "驳回 垃圾桶旁边还有" });
      expect(await statusOf(issue.id)).toBe("accepted");
      const events = await h.bot.db.issueEvent.findMany({ where: { issueId: issue.id }, orderBy: { id: "asc" } });
      expect(events.map((e) => [e.type, e.reason])).toEqual([
        ["filed", null],
        ["send_back", "不属于本网格，是物业管理范围"],
        ["assign", null],
        ["accept", null],
        ["rectify", null],
        ["refuse", "垃圾桶旁边还有"],
      ]);
      const texts = botTexts();
      expect(texts).toContain("退回需要写明原因，例如：退回 不属于本网格");
      expect(texts).toContain(`#1001 已派给 黄志明 <at user_id="${p("黄志明")}"></at>，请及时接单处理`);
      expect(texts).toContain(
        `#1001 验收未通过：垃圾桶旁边还有，请 <at user_id="${p("黄志明")}"></at> 重新整改后回复照片`,
      );
    });

    it("takes 验收不通过 as a refusal, not a verification, and a bare 验收 as no verdict", async () => {
      const { issue, reportId } = await report(p("何小燕"), "上报 幸福路菜市场门口堆物，纸箱堆了一地");
      await inThread(reportId, p("郑晓红"), { images: [samplePng(300)] });
      expect(await statusOf(issue.id)).toBe("rectified");
      const before = botTexts().length;
      await inThread(reportId, p("李秀英"), { text: "验收" });
      expect(await statusOf(issue.id)).toBe("rectified");
      expect(botTexts()).toHaveLength(before);
      await inThread(reportId, p("李秀英"), { text: "验收不通过，纸箱还在" });
      expect(await statusOf(issue.id)).toBe("accepted");
      await inThread(reportId, p("郑晓红"), { images: [samplePng(301)] });
      await inThread(reportId, p("李秀英"), { text: "验收不合格 门口还有两箱" });
      expect(await statusOf(issue.id)).toBe("accepted");
      const events = await h.bot.db.issueEvent.findMany({ where: { issueId: issue.id }, orderBy: { id: "asc" } });
      expect(events.map((e) => [e.type, e.fromStatus, e.toStatus, e.reason])).toEqual([
        ["filed", null, "assigned", null],
        ["rectify", "assigned", "rectified", null],
        ["refuse", "rectified", "accepted", "纸箱还在"],
        ["rectify", "accepted", "rectified", null],
        ["refuse", "rectified", "accepted", "门口还有两箱"],
      ]);
    });

    it("shows the card as people read it: the description without 上报, 整改前/整改后, a refused fix's photo 已驳回", async () => {
      const { issue, reportId } = await report(p("何小燕"), "上报 幸福路菜市场门口堆物，纸箱堆了一地");
      const shown = () => {
        const message = h.emu
          .messages(ORG.chats.xflWork)
          .find((m) => m.parentId === reportId && m.msgType === "interactive");
        const elements = (message?.content as { elements?: Record<string, unknown>[] } | undefined)?.elements ?? [];
        return elements.flatMap((e) =>
          e.tag === "img"
            ? ["[照片]"]
            : e.tag === "markdown" && /^\*\*(问题描述|整改|第 \d+ 次整改)/.test(String(e.content))
              ? [String(e.content)]
              : [],
        );
      };
      expect(shown()).toEqual([
        "**问题描述**\n幸福路菜市场门口堆物，纸箱堆了一地",
        "**整改前**",
        "[照片]",
        "**整改后**（尚未整改）",
      ]);
      await inThread(reportId, p("郑晓红"), { images: [samplePng(310)] });
      await inThread(reportId, p("李秀英"), { text: "驳回 纸箱还在" });
      expect(await statusOf(issue.id)).toBe("accepted");
      expect(shown().slice(3)).toEqual(["**整改后**（尚未整改）", "**第 1 次整改（已驳回）**", "[照片]"]);
      await inThread(reportId, p("郑晓红"), { images: [samplePng(311)] });
      expect(await statusOf(issue.id)).toBe("rectified");
      expect(shown().slice(3)).toEqual(["**整改后**", "[照片]", "**第 1 次整改（已驳回）**", "[照片]"]);
    });

    it("asks for the after-photo when 已整改 comes without one, and refuses a secretary verifying her own fix", async () => {
      const { issue, reportId } = await report(p("何小燕"), "上报 幸福路菜市场门口堆物");
      const asked = await inThread(reportId, p("郑晓红"), { text: "已整改" });
      expect(await statusOf(issue.id)).toBe("assigned");
      expect(answerTo(ORG.chats.xflWork, asked)).toContain("请在本话题中回复整改后的照片，收到照片即登记为已整改。");
      const cardId = await fixOwn(issue.id, reportId, p("李秀英"));
      const own = await h.emu.userClicks({ messageId: cardId, from: p("李秀英"), value: { a: "verify", i: issue.id } });
      expect(own?.toast?.content).toBe("不能验收自己整改的问题，请由其他人验收");
      const other = await h.emu.userClicks({
        messageId: cardId,
        from: p("王建国"),
        value: { a: "verify", i: issue.id },
      });
      expect(other?.toast).toEqual({ type: "success", content: "已验收销项" });
    });

    it("lets the rectifier verify in a chat whose settings turn selfVerify on", async () => {
      await h.bot.db.chatBinding.update({
        where: { chatId: ORG.chats.xflWork },
        data: { settings: { selfVerify: true } },
      });
      const { issue, reportId } = await report(p("李秀英"), "上报 幸福路菜市场门口堆物");
      const cardId = await fixOwn(issue.id, reportId, p("李秀英"));
      const own = await h.emu.userClicks({ messageId: cardId, from: p("李秀英"), value: { a: "verify", i: issue.id } });
      expect(own?.toast).toEqual({ type: "success", content: "已验收销项" });
      expect(await statusOf(issue.id)).toBe("closed");
    });

    it("不予受理 from the card form needs a reason and records it", async () => {
      const { issue } = await report(p("何小燕"), "上报 幸福里商业街公益广告破损");
      const cardId = await card(issue.id);
      const none = await h.emu.userClicks({
        messageId: cardId,
        from: p("李秀英"),
        value: { a: "reject", i: issue.id },
        formValue: { reason: "" },
      });
      expect(none?.toast?.content).toContain("不予受理需要写明原因");
      const done = await h.emu.userClicks({
        messageId: cardId,
        from: p("李秀英"),
        value: { a: "reject", i: issue.id },
        formValue: { reason: "属于在建工地围挡，不在整治范围" },
      });
      expect(done?.toast).toEqual({ type: "success", content: "已标记为不予受理" });
      await h.settle();
      expect(await h.bot.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).toMatchObject({
        status: "rejected",
        rejectReason: "属于在建工地围挡，不在整治范围",
      });
    });

    it("merges with 合并 #编号 in the thread only into another open issue of the same category", async () => {
      const first = await report(p("何小燕"), "上报 幸福路菜市场门口堆物");
      const second = await report(p("郑晓红"), "上报 菜市场门口又堆了杂物");
      await report(p("何小燕"), "上报 幸福里商业街宣传栏破损");
      const rejected = await report(p("何小燕"), "上报 幸福里小区3号楼楼道杂物");
      await h.emu.userClicks({
        messageId: await card(rejected.issue.id),
        from: p("李秀英"),
        value: { a: "reject", i: rejected.issue.id },
        formValue: { reason: "已由物业当场清理" },
      });
      await h.settle();
      expect(second.issue.suspectedDuplicateOfId).toBe(first.issue.id);
      const merge = async (text: string) =>
        answerTo(ORG.chats.xflWork, await inThread(second.reportId, p("李秀英"), { text }));
      expect(await merge("合并 #1002")).toContain("不能合并到问题自己，请写明与哪个问题重复，例如：合并到 #1019");
      expect(await merge("合并到 #1003")).toContain("#1003 是「宣传栏破损」问题，与本问题类别不同，不能合并");
      expect(await merge("合并到#1004")).toContain("#1004 已不予受理，不能合并到它");
      expect(await merge("合并 #9999")).toContain("没有找到问题 #9999，请检查编号。");
      expect(await statusOf(second.issue.id)).toBe("assigned");
      expect(await merge("合并到 #1001")).toBe("");
      expect(await h.bot.db.issue.findUniqueOrThrow({ where: { id: second.issue.id } })).toMatchObject({
        status: "duplicate",
        duplicateOfId: first.issue.id,
      });
    });
  });
}
