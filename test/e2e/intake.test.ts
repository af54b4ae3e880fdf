import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BotHarness, ORG, startBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

const MINUTE = 60_000;

for (const mode of ["webhook", "ws"] as const) {
  describe(`recognising and filing reports (${mode})`, () => {
    let h: BotHarness;
    let p: (name: string) => string;
    beforeEach(async () => {
      h = await startBot({ mode });
      p = (name) => h.people.get(name) ?? "";
    });
    afterEach(async () => {
      h.emu.assertClean();
      await h.close();
    });

    const issues = () =>
      h.bot.db.issue.findMany({
        orderBy: { number: "asc" },
        include: { category: true, grid: true, point: true, photos: true, assigneePerson: true, assigneeUnit: true },
      });
    /** A report with a photo, sent and processed. */
    const reportIn = async (chatId: string, from: string, text: string, seed: number) => {
      const sent = await h.emu.userSends({ chatId, from, text, images: [samplePng(seed)] });
      await h.settle();
      return sent;
    };
    const cardJson = (issueId: number) =>
      h.bot.db.outboxMessage
        .findMany({ where: { key: { startsWith: `card:${issueId}` } }, orderBy: { id: "asc" } })
        .then((rows) => rows.at(-1)?.content ?? "");

    it("joins a photo and the report text sent a minute later into one report", async () => {
      await h.emu.userSends({ chatId: ORG.chats.xflWork, from: p("何小燕"), images: [samplePng(1)] });
      h.clock.advance(MINUTE);
      await h.emu.userSends({ chatId: ORG.chats.xflWork, from: p("何小燕"), text: "上报 3号楼下有人飞线充电" });
      await h.settle();
      const [issue, ...rest] = await issues();
      expect(rest).toHaveLength(0);
      expect(issue?.category?.name).toBe("飞线充电");
      expect(issue?.point?.name).toBe("幸福里小区3号楼");
      expect(issue?.photos).toHaveLength(1);
    });

    it("joins a report text and the photo sent after it", async () => {
      await h.emu.userSends({ chatId: ORG.chats.xflWork, from: p("何小燕"), text: "上报 幸福里小游园乱扔垃圾" });
      await h.settle();
      h.clock.advance(90_000);
      await h.emu.userSends({ chatId: ORG.chats.xflWork, from: p("何小燕"), images: [samplePng(2)] });
      await h.emu.userSends({ chatId: ORG.chats.xflWork, from: p("何小燕"), images: [samplePng(3)] });
      await h.settle();
      const [issue, ...rest] = await issues();
      expect(rest).toHaveLength(0);
      expect(issue?.grid?.name).toBe("幸福里第二网格");
      expect(issue?.photos).toHaveLength(2);
      expect(await cardJson(issue?.id ?? 0)).toContain("**整改前**");
    });

    it("keeps a lone photo in a work group out of the ledger when no report text follows, and forgets it", async () => {
      await h.emu.userSends({ chatId: ORG.chats.xflWork, from: p("何小燕"), images: [samplePng(4)] });
      await h.emu.userSends({ chatId: ORG.chats.dflWork, from: p("高鹏"), images: [samplePng(40)] });
      await h.settle();
      expect(await h.bot.db.pendingPhoto.count()).toBe(2);
      h.clock.advance(3 * MINUTE);
      await h.emu.userSends({ chatId: ORG.chats.xflWork, from: p("郑晓红"), text: "大家辛苦了" });
      await h.settle();
      // The next message in the chat forgets the expired photo; another chat's photo waits for that chat's next one.
      expect((await h.bot.db.pendingPhoto.findMany()).map((x) => x.chatId)).toEqual([ORG.chats.dflWork]);
      await h.emu.userSends({ chatId: ORG.chats.xflWork, from: p("何小燕"), text: "上报 幸福里商业街占道经营" });
      await h.settle();
      const [issue] = await issues();
      expect(issue?.photos).toHaveLength(0);
      expect(h.emu.messages(ORG.chats.xflWork).filter((m) => m.sender.type === "app")).toHaveLength(1);
    });

    it("files a post with text and two photos, and sends street vending to the enforcement department", async () => {
      await h.emu.userSends({
        chatId: ORG.chats.xflWork,
        from: p("何小燕"),
        mentionBot: true,
        text: "幸福里商业街有摊贩占道经营，三个流动摊",
        images: [samplePng(5), samplePng(6)],
      });
      await h.settle();
      const [issue] = await issues();
      expect(issue?.photos).toHaveLength(2);
      expect(issue?.category?.name).toBe("占道经营");
      expect(issue?.assigneeUnit?.name).toBe("城管执法中队");
      expect(issue?.status).toBe("assigned");
      expect(await cardJson(issue?.id ?? 0)).toContain(`<at id=${p("孙浩")}></at>`);
    });

    it("files every photo in a patrol group; the text that follows completes it and pings the new assignee", async () => {
      await h.emu.userSends({ chatId: ORG.chats.xflPatrol, from: p("何小燕"), images: [samplePng(7)] });
      await h.settle();
      let [issue] = await issues();
      expect(issue?.status).toBe("reported");
      expect(issue?.text).toBe("");
      h.clock.advance(30_000);
      await h.emu.userSends({ chatId: ORG.chats.xflPatrol, from: p("何小燕"), text: "幸福里商业街小广告贴满了" });
      await h.settle();
      [issue] = await issues();
      expect(issue?.category?.name).toContain("小广告");
      expect(issue?.point?.name).toBe("幸福里商业街");
      expect(issue?.assigneePerson?.name).toBe("黄志明");
      const events = await h.bot.db.issueEvent.findMany({ where: { issueId: issue?.id }, orderBy: { id: "asc" } });
      expect(events.map((e) => [e.type, e.fromStatus, e.toStatus])).toEqual([
        ["filed", null, "reported"],
        ["photo_added", "reported", "assigned"],
      ]);
      const notices = h.emu
        .messages(ORG.chats.xflPatrol)
        .filter((m) => m.sender.type === "app" && m.msgType === "text")
        .map((m) => ({ text: (m.content as { text: string }).text, inThread: m.threadId !== undefined }));
      expect(notices).toEqual([
        { text: `#1001 已派给 黄志明 <at user_id="${p("黄志明")}"></at>，请及时接单处理`, inThread: true },
      ]);
    });

    it("files a text to the bot that names only a grid or a point alias as a report, not a command", async () => {
      for (const text of ["幸福里二网格这边需要处理一下", "小游园那边有情况"]) {
        await h.emu.userSends({ chatId: ORG.chats.xflWork, from: p("何小燕"), text, mentionBot: true });
      }
      await h.settle();
      expect((await issues()).map((i) => [i.grid?.name, i.point?.name ?? null, i.status])).toEqual([
        ["幸福里第二网格", null, "reported"],
        ["幸福里第二网格", "幸福里小游园", "reported"],
      ]);
      expect(JSON.stringify(h.emu.messages(ORG.chats.xflWork))).not.toContain("使用说明");
    });

    it("offers 修改类别 and 修改网格 on an open issue to the reporter and the secretary, and to nobody else", async () => {
      const report = await reportIn(ORG.chats.xflWork, p("何小燕"), "上报 幸福路菜市场门口堆物", 14);
      const [filed] = await issues();
      expect(await cardJson(filed?.id ?? 0)).toContain("修改类别");
      expect(await cardJson(filed?.id ?? 0)).toContain("修改网格");
      const cardId = (await h.bot.db.issue.findUniqueOrThrow({ where: { id: filed?.id } })).cardMessageId ?? "";
      const litter = await h.bot.db.category.findUniqueOrThrow({ where: { name: "乱扔垃圾" } });
      const grid2 = await h.bot.db.unit.findUniqueOrThrow({ where: { code: "xfl-02" } });
      const click = (from: string, a: string, option: number) =>
        h.emu.userClicks({ messageId: cardId, from, value: { a, i: filed?.id }, option: String(option) });
      expect((await click(p("郑晓红"), "set_category", litter.id))?.toast).toEqual({
        type: "error",
        content: "只有本社区书记、街道派单员、管理员或上报人 何小燕 可以修改问题",
      });
      expect((await click(p("何小燕"), "set_category", litter.id))?.toast).toEqual({
        type: "success",
        content: "已修改类别",
      });
      expect((await click(p("李秀英"), "set_grid", grid2.id))?.toast).toEqual({
        type: "success",
        content: "已修改网格",
      });
      await h.settle();
      const [edited] = await issues();
      expect([edited?.category?.name, edited?.grid?.name, edited?.point, edited?.status]).toEqual([
        "乱扔垃圾",
        "幸福里第二网格",
        null,
        "assigned",
      ]);
      expect(report.messageId).toBe(edited?.sourceMessageId);
      const card = JSON.parse(await cardJson(edited?.id ?? 0)) as { header: { title: { content: string } } };
      expect(card.header.title.content).toBe("#1001 乱扔垃圾 · 待接单");
    });

    it("asks for the grid and the category on the card when the report names neither, and files it once answered", async () => {
      const report = await reportIn(ORG.chats.dflWork, p("张伟"), "上报 这里有个问题需要处理", 8);
      let [issue] = await issues();
      expect(issue).toMatchObject({ status: "reported", gridId: null, categoryId: null, deadline: null });
      const card = h.emu
        .messages(ORG.chats.dflWork)
        .find((m) => m.parentId === report.messageId && m.msgType === "interactive");
      const json = JSON.stringify(card?.content);
      expect(json).toContain("选择网格");
      expect(json).toContain("选择问题类别");
      const grid = await h.bot.db.unit.findUniqueOrThrow({ where: { code: "dfl-02" } });
      const category = await h.bot.db.category.findUniqueOrThrow({ where: { name: "堆物堆料" } });
      const cardId = card?.messageId ?? "";
      expect(
        (
          await h.emu.userClicks({
            messageId: cardId,
            from: p("张伟"),
            value: { a: "set_grid", i: issue?.id },
            option: String(grid.id),
          })
        )?.toast?.content,
      ).toBe("已修改网格");
      await h.settle();
      await h.emu.userClicks({
        messageId: cardId,
        from: p("张伟"),
        value: { a: "set_category", i: issue?.id },
        option: String(category.id),
      });
      await h.settle();
      [issue] = await issues();
      expect(issue?.status).toBe("assigned");
      expect(issue?.assigneePerson?.name).toBe("马丽");
      expect(issue?.deadline?.getTime()).toBe((issue?.reportedAt.getTime() ?? 0) + 24 * 3_600_000);
    });

    it("asks with the three likeliest categories as buttons when unsure, and a click on one files it", async () => {
      const report = await reportIn(
        ORG.chats.xflWork,
        p("何小燕"),
        "上报 幸福路菜市场门口的摊贩把纸箱堆在路上，三轮车也乱停",
        15,
      );
      let [issue] = await issues();
      expect(issue).toMatchObject({ status: "reported", categoryId: null, deadline: null });
      expect(issue?.point?.name).toBe("幸福路菜市场");
      const cardMessage = () =>
        h.emu.messages(ORG.chats.xflWork).find((m) => m.parentId === report.messageId && m.msgType === "interactive");
      type Button = { text: { content: string }; value: Record<string, unknown> };
      type CardContent = { elements?: { tag: string; actions?: Button[] }[] };
      const suggested = () =>
        ((cardMessage()?.content as CardContent | undefined)?.elements ?? [])
          .flatMap((e) => (e.tag === "action" ? (e.actions ?? []) : []))
          .filter((b) => b.value.a === "set_category" && "c" in b.value);
      const buttons = suggested();
      expect(buttons.map((b) => b.text.content)).toEqual(["堆物堆料", "车辆乱停乱放", "占道经营"]);
      expect(JSON.stringify(cardMessage()?.content)).toContain("问题类别还没确定，可能是以下几类，请点选：");

      const vending = buttons.find((b) => b.text.content === "占道经营");
      const answer = await h.emu.userClicks({
        messageId: cardMessage()?.messageId ?? "",
        from: p("何小燕"),
        value: vending?.value ?? {},
      });
      expect(answer?.toast).toEqual({ type: "success", content: "已修改类别" });
      await h.settle();
      [issue] = await issues();
      expect([issue?.category?.name, issue?.status, issue?.assigneeUnit?.name]).toEqual([
        "占道经营",
        "assigned",
        "城管执法中队",
      ]);
      // The card now shows the category and no longer asks.
      expect(JSON.stringify(cardMessage()?.content)).toContain("占道经营（事件 · 动态指标");
      expect(suggested()).toEqual([]);
    });

    it("flags a suspected duplicate, and merging it closes it as a duplicate of the original", async () => {
      await reportIn(ORG.chats.xflWork, p("何小燕"), "上报 幸福路菜市场门口堆物", 9);
      h.clock.advance(3 * 3_600_000);
      await reportIn(ORG.chats.xflWork, p("郑晓红"), "上报 菜市场门口又堆了杂物", 10);
      const [first, second] = await issues();
      expect(second?.suspectedDuplicateOfId).toBe(first?.id);
      expect(await cardJson(second?.id ?? 0)).toContain("疑似重复");
      const card = await h.bot.db.issue.findUniqueOrThrow({ where: { id: second?.id } });
      const answer = await h.emu.userClicks({
        messageId: card.cardMessageId ?? "",
        from: p("李秀英"),
        value: { a: "merge", i: second?.id },
      });
      expect(answer?.toast).toEqual({ type: "success", content: "已合并为重复问题" });
      await h.settle();
      const merged = await h.bot.db.issue.findUniqueOrThrow({ where: { id: second?.id } });
      expect(merged).toMatchObject({ status: "duplicate", duplicateOfId: first?.id, suspectedDuplicateOfId: null });
    });

    it("flags a rebound when a closed problem comes back at the same point within 30 days", async () => {
      await reportIn(ORG.chats.hpWork, p("罗婷"), "上报 和平路美食街占道经营", 11);
      const [original] = await issues();
      await h.bot.db.issue.update({ where: { id: original?.id }, data: { status: "closed", closedAt: h.clock.now() } });
      h.clock.advance(5 * 24 * 3_600_000);
      await reportIn(ORG.chats.hpWork, p("罗婷"), "上报 美食街又有人摆摊", 12);
      const [, rebound] = await issues();
      expect(rebound?.reboundOfId).toBe(original?.id);
      expect(await cardJson(rebound?.id ?? 0)).toContain("反弹问题");
    });

    it("tells an unbound group once how to bind it", async () => {
      h.emu.addChat({ chatId: "oc_unbound0000000000000000000001", name: "新建群", members: [p("何小燕")] });
      await h.emu.userSends({
        chatId: "oc_unbound0000000000000000000001",
        from: p("何小燕"),
        text: "上报 有垃圾",
        images: [samplePng(13)],
      });
      await h.emu.userSends({ chatId: "oc_unbound0000000000000000000001", from: p("何小燕"), text: "上报 又有垃圾" });
      await h.settle();
      const notes = h.emu.messages("oc_unbound0000000000000000000001").filter((m) => m.sender.type === "app");
      expect(notes).toHaveLength(1);
      expect(JSON.stringify(notes[0]?.content)).toContain("绑定");
      expect(await issues()).toHaveLength(0);
    });
  });
}
