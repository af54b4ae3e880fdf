import { join } from "node:path";
import exifr from "exifr";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { clockDriver } from "../jobs/clock-harness.ts";
import { ORG, useBot } from "../support/bot.ts";
import { photoWithGps, samplePng } from "../support/images.ts";

describe("patrol check-ins in chat (behaviour §14.3)", () => {
  const bot = useBot({ mode: "webhook", extraOrg: [join(import.meta.dirname, "../../examples/patrols.yaml")] });

  /** Someone posts in 幸福里's work group; returns the bot's answers to that message. */
  const post = async (from: string, text: string, images: Buffer[] = [], chatId: string = ORG.chats.xflWork) => {
    const h = bot();
    const sent = await h.emu.userSends({ chatId, from: h.people.get(from) ?? "", text, images });
    await h.settle();
    const answers = h.emu
      .messages(chatId)
      .filter((m) => m.parentId === sent.messageId && m.sender.type === "app")
      .map((m) => JSON.stringify(m.content));
    return { messageId: sent.messageId, answers };
  };

  it("records a visit with its photo, shows the photo's position without trusting it, and re-posts no EXIF", async () => {
    const h = bot();
    const photo = await photoWithGps(1);
    const { messageId, answers } = await post("何小燕", "巡查 幸福路菜市场 无问题", [photo]);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toContain("已记录巡查：幸福路菜市场（重点） · 无问题");
    expect(answers[0]).toContain("照片定位：31.23705, 121.43210，距点位约");
    expect(answers[0]).toContain("仅供参考");
    const visit = await h.bot.db.patrolVisit.findUniqueOrThrow({
      where: { sourceMessageId: messageId },
      include: { person: true, point: true, photos: true },
    });
    expect(visit).toMatchObject({ result: "ok", person: { name: "何小燕" }, point: { code: "xfl-01-01" } });
    expect(visit.photoLat).toBeCloseTo(31.23705, 4);
    expect(visit.photos).toHaveLength(1);
    expect(await h.bot.db.issue.count()).toBe(0);
    // The stored original keeps its EXIF; the copy uploaded to Lark has none.
    expect(await exifr.gps(photo)).toBeTruthy();
    const image = await h.bot.db.larkImage.findUniqueOrThrow({ where: { sha256: visit.photos[0]?.sha256 ?? "" } });
    const uploaded = h.emu.resource(image.imageKey)?.data ?? Buffer.alloc(0);
    expect(uploaded.length).toBeGreaterThan(0);
    expect(await exifr.gps(uploaded)).toBeUndefined();
    expect((await sharp(uploaded).metadata()).exif).toBeUndefined();
  });

  it("files the problems a visit finds as issues linked to it, through the normal report path", async () => {
    const h = bot();
    const { messageId, answers } = await post("何小燕", "巡查 幸福路菜市场 门口堆物堆料；电线杆上贴小广告", [
      samplePng(2),
    ]);
    const visit = await h.bot.db.patrolVisit.findUniqueOrThrow({
      where: { sourceMessageId: messageId },
      include: { issues: { include: { category: true, point: true }, orderBy: { number: "asc" } } },
    });
    expect(visit.result).toBe("problems");
    expect(visit.issues.map((i) => [i.point?.code, i.category?.name])).toEqual([
      ["xfl-01-01", "堆物堆料"],
      ["xfl-01-01", "小广告"],
    ]);
    expect(visit.issues[0]?.sourceMessageId).toBe(messageId);
    expect(answers.join()).toContain(
      `发现问题 2 处，已按上报流程登记：#${visit.issues[0]?.number}、#${visit.issues[1]?.number}`,
    );
    // Each issue has its card, as any report does; the first in the check-in's thread.
    expect(visit.issues.every((i) => i.cardMessageId !== null)).toBe(true);
    expect(visit.issues[0]?.assigneePersonId).not.toBeNull();
    expect(await h.bot.db.photo.count({ where: { issueId: visit.issues[1]?.id } })).toBe(1);
  });

  it("takes the photo sent just before the words, and records nothing without a photo", async () => {
    const h = bot();
    const none = await post("何小燕", "巡查 幸福路菜市场 无问题");
    expect(none.answers.join()).toContain("巡查打卡需要现场照片");
    expect(await h.bot.db.patrolVisit.count()).toBe(0);

    await post("何小燕", "", [samplePng(3)]);
    const later = await post("何小燕", "巡查打卡：幸福里小区3号楼，正常");
    expect(later.answers.join()).toContain("已记录巡查：幸福里小区3号楼 · 无问题");
    expect(later.answers.join()).toContain("照片未带定位信息");
    const visit = await h.bot.db.patrolVisit.findUniqueOrThrow({
      where: { sourceMessageId: later.messageId },
      include: { photos: true },
    });
    expect(visit.photos).toHaveLength(1);
    // The held photo went into the visit, not into a report later.
    expect(await h.bot.db.pendingPhoto.count()).toBe(0);
    h.clock.advance(5 * 60_000);
    await post("何小燕", "今天天气不错");
    expect(await h.bot.db.issue.count()).toBe(0);
  });

  it("answers an unknown point, a grid instead of a point, and odd input without recording anything", async () => {
    const h = bot();
    const unknown = await post("何小燕", "巡查 火星基地 无问题", [samplePng(4)]);
    expect(unknown.answers.join()).toContain("没有找到点位“火星基地 无问题”");
    const grid = await post("何小燕", "巡查 幸福里第一网格 无问题", [samplePng(5)]);
    expect(grid.answers.join()).toContain("是网格，不是点位");
    const odd = await post("何小燕", "巡查：：，，", [samplePng(6)]);
    expect(odd.answers.join()).toContain("今日巡查点位");
    expect(await h.bot.db.patrolVisit.count()).toBe(0);
    expect(await h.bot.db.issue.count()).toBe(0);
    // "巡查发现…" is a report, not a check-in.
    await post("何小燕", "上报 巡查发现幸福路菜市场门口堆物", [samplePng(7)]);
    expect(await h.bot.db.patrolVisit.count()).toBe(0);
    expect(await h.bot.db.issue.count()).toBe(1);
  });

  it("refuses people whose role does not reach the point unless a plan names them", async () => {
    const h = bot();
    // 孙浩 is the 城管执法中队's responder: no duty on 幸福里's grids, and no plan for 3号楼.
    const refused = await post("孙浩", "巡查 幸福里小区3号楼 无问题", [samplePng(8)]);
    expect(refused.answers.join()).toContain("可以巡查打卡");
    expect(refused.answers.join()).toContain("只有");
    expect(await h.bot.db.patrolVisit.count()).toBe(0);
    // 幸福里商业街 is on the 城管执法中队's weekly plan: its people may check in there.
    const planned = await post("孙浩", "巡查 幸福里商业街 无问题", [samplePng(9)]);
    expect(planned.answers.join()).toContain("已记录巡查：幸福里商业街（重点）");
    // Another community's grid worker may not check in at 幸福里's points.
    const other = await post("高鹏", "巡查 幸福路菜市场 无问题", [samplePng(10)]);
    expect(other.answers.join()).toContain("只有");
    expect(await h.bot.db.patrolVisit.count()).toBe(1);
  });

  it("lists a patroller's points for today when they send 巡查 alone, in the group or in private", async () => {
    const h = bot();
    await post("王建国", "巡查 幸福路菜市场 无问题", [samplePng(11)]);
    const { answers } = await post("王建国", "巡查");
    const text = answers.join();
    expect(text).toContain("王建国 今日巡查点位");
    expect(text.indexOf("东风路小学门口")).toBeLessThan(text.indexOf("幸福路菜市场"));
    expect(text).toContain("✅ 幸福路菜市场（重点） · 一级 · 工作日 · 王建国 · 今天已巡");
    const p2p = h.emu.p2pChatId(h.people.get("王建国") ?? "");
    const alone = await post("王建国", "巡查", [], p2p);
    expect(alone.answers.join()).toContain("⬜ 和平广场（重点）");
    const elsewhere = await post("王建国", "巡查 和平广场 无问题", [samplePng(12)], p2p);
    expect(elsewhere.answers.join()).toContain("请在点位所在社区或街道的工作群里发送");
  });
});

describe("picking the point from the card of today's points (behaviour §14.3)", () => {
  const bot = useBot({ mode: "webhook", extraOrg: [join(import.meta.dirname, "../../examples/patrols.yaml")] });

  it("checks in without problems with the photo sent just before, and refuses a click without one or by a stranger", async () => {
    const h = bot();
    const chatId = ORG.chats.xflWork;
    const who = (name: string) => h.people.get(name) ?? "";
    const asked = await h.emu.userSends({ chatId, from: who("何小燕"), text: "巡查" });
    await h.settle();
    const card = h.emu.messages(chatId).find((m) => m.parentId === asked.messageId && m.sender.type === "app");
    expect(JSON.stringify(card?.content)).toContain("幸福里小游园 无问题打卡");
    const point = await h.bot.db.point.findUniqueOrThrow({ where: { code: "xfl-02-01" } });
    const click = async (from: string, value: Record<string, unknown> = { pt: "ok", p: point.id }) => {
      const answer = await h.emu.userClicks({ messageId: card?.messageId ?? "", from: who(from), value });
      await h.settle();
      return answer?.toast?.content ?? "";
    };

    expect(await click("何小燕")).toContain("请先在本群发现场照片");
    expect(await h.bot.db.patrolVisit.count()).toBe(0);
    await h.emu.userSends({ chatId, from: who("何小燕"), text: "", images: [samplePng(31)] });
    await h.settle();
    expect(await click("何小燕")).toBe("已记录巡查：幸福里小游园");
    const visit = await h.bot.db.patrolVisit.findFirstOrThrow({ include: { photos: true, person: true } });
    expect(visit).toMatchObject({ result: "ok", person: { name: "何小燕" } });
    expect(visit.photos).toHaveLength(1);
    const reply = h.emu.messages(chatId).find((m) => m.parentId === card?.messageId && m.sender.type === "app");
    expect(JSON.stringify(reply?.content)).toContain("已记录巡查：幸福里小游园 · 无问题");

    await h.emu.userSends({ chatId, from: who("高鹏"), text: "", images: [samplePng(32)] });
    await h.settle();
    expect(await click("高鹏")).toContain("只有");
    expect(await click("何小燕", { pt: "ok" })).toContain("按钮的数据不完整");
    expect(await h.bot.db.patrolVisit.count()).toBe(1);
  });
});

describe("patrol coverage in the digests, 待办, 巡查日报 and 巡查周报 (behaviour §14.4–14.7)", () => {
  const bot = useBot({ mode: "webhook", extraOrg: [join(import.meta.dirname, "../../examples/patrols.yaml")] });

  const send = async (from: string, text: string, chatId: string, images: Buffer[] = [], mentionBot = false) => {
    const h = bot();
    const sent = await h.emu.userSends({ chatId, from: h.people.get(from) ?? "", text, images, mentionBot });
    await h.settle();
    return h.emu
      .messages(chatId)
      .filter((m) => m.parentId === sent.messageId && m.sender.type === "app")
      .map((m) => (m.content as { text?: string }).text ?? JSON.stringify(m.content))
      .join("\n");
  };
  const digestOf = (chatId: string) =>
    JSON.stringify(
      bot()
        .emu.messages(chatId)
        .find((m) => m.sender.type === "app" && !m.parentId && JSON.stringify(m.content).includes("日清日报"))?.content,
    );

  it("lists the day's missed points key first, tells each patroller their points, and reports the street's day", async () => {
    const h = bot();
    const clock = clockDriver(h);
    await send("何小燕", "巡查 幸福路菜市场 无问题", ORG.chats.xflWork, [samplePng(21)]);
    await send("何小燕", "巡查 幸福里小游园 门口堆物堆料", ORG.chats.xflWork, [samplePng(22)]);
    await send("王建国", "巡查 幸福路菜市场 无问题", ORG.chats.xflWork, [samplePng(23)]);

    const p2p = (name: string) => h.emu.p2pChatId(h.people.get(name) ?? "");
    const todo = await send("王建国", "待办", p2p("王建国"));
    expect(todo).toContain("今日巡查点位：还有 2 处未巡（共 3 处）");
    expect(todo.indexOf("⬜ 东风路小学门口（重点）")).toBeLessThan(todo.indexOf("✅ 幸福路菜市场（重点）"));

    const week = await send("李秀英", "巡查周报", p2p("李秀英"));
    expect(week).toContain("巡查覆盖周表 · 幸福里社区");
    expect(week).toContain("何小燕：巡查 2 次，点位 2 个，发现问题 1 次");

    const found = await h.bot.db.issue.count({ where: { patrolVisitId: { not: null } } });
    expect(found).toBe(1);
    const report = await send("陈静", "巡查日报", ORG.chats.leaders, [], true);
    expect(report).toContain("巡查日报 · 幸福街道");
    expect(report).toContain("巡查 3 次（2 人），覆盖点位 2 个，其中发现问题 1 次");
    expect(report).toContain(`发现问题${found}处（动态${found}处、静态0处），整改完成0处，未销项${found}处`);

    clock.advanceTo("2026-11-23 18:00");
    await clock.tick();
    const community = digestOf(ORG.chats.xflWork);
    expect(community).toContain("今日巡查");
    expect(community).toContain("应巡未巡（3 处，重点点位在前）");
    expect(community.indexOf("幸福路建设路口（重点）")).toBeLessThan(community.indexOf("幸福里小区3号楼"));
    expect(community).not.toContain("东风路");
    clock.advanceTo("2026-11-23 19:00");
    await clock.tick();
    const street = digestOf(ORG.chats.leaders);
    expect(street).toContain("巡查日报");
    expect(street).toContain(`发现问题${found}处（动态${found}处、静态0处）`);
    expect(street.indexOf("东风路小学门口（重点） · 一级")).toBeLessThan(street.indexOf("东风新村"));
  });

  it("leaves patrols out of digests and answers 巡查日报 for a unit without plans; refuses people without a duty there", async () => {
    const h = bot();
    await h.bot.db.patrolPlan.deleteMany();
    expect(await send("陈静", "巡查日报", ORG.chats.leaders, [], true)).toContain("还没有导入点位包干分工表");
    const clock = clockDriver(h);
    clock.advanceTo("2026-11-23 18:00");
    await clock.tick();
    expect(digestOf(ORG.chats.xflWork)).toContain("日清日报");
    expect(digestOf(ORG.chats.xflWork)).not.toContain("巡查");
    const stranger = await send("孙浩", "巡查日报", ORG.chats.xflWork, [], true);
    expect(stranger).toContain("只有");
  });
});
