import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotHarness, ORG, startBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

type Format = "post" | "photo-then-text" | "text-then-photo" | "mention-text";
const FORMATS: Format[] = ["post", "photo-then-text", "text-then-photo", "mention-text"];
const JSL = "oc_5a1e0000000000000000000000000001";
const GM = "oc_5a1e0000000000000000000000000002";

/** Who reports where, and what each of their four reports must become. */
const WORKERS: { name: string; chat: string; reports: [string, string, string, string | null, string][] }[] = [
  // [text, category, grid, point, assignee ("—" = waits for dispatch)]
  {
    name: "何小燕",
    chat: ORG.chats.xflWork,
    reports: [
      ["幸福路菜市场门口堆物堆料", "堆物堆料", "幸福里第一网格", "幸福路菜市场", "郑晓红"],
      ["幸福里小游园有人乱扔垃圾", "乱扔垃圾", "幸福里第二网格", "幸福里小游园", "郑晓红"],
      ["幸福里商业街店门口出店经营", "出店经营", "幸福里第四网格", "幸福里商业街", "城管执法中队"],
      ["幸福里小区3号楼楼道乱拉乱挂", "乱拉乱挂", "幸福里第一网格", "幸福里小区3号楼", "郑晓红"],
    ],
  },
  {
    name: "蒋红",
    chat: ORG.chats.xflWork,
    reports: [
      ["幸福路建设路口车辆乱停乱放", "车辆乱停乱放", "幸福里第三网格", "幸福路建设路口", "城管执法中队"],
      ["建设路口宣传栏破损", "宣传栏破损", "幸福里第三网格", "幸福路建设路口", "黄志明"],
      ["幸福里第四网格有小广告", "小广告", "幸福里第四网格", null, "黄志明"],
      ["幸福里三网格道路破损", "道路破损", "幸福里第三网格", null, "黄志明"],
    ],
  },
  {
    name: "高鹏",
    chat: ORG.chats.dflWork,
    reports: [
      ["东风路小学门口占道经营", "占道经营", "东风路第一网格", "东风路小学门口", "城管执法中队"],
      ["东风路公交站小广告", "小广告", "东风路第二网格", "东风路公交站", "马丽"],
      ["东风新村乱扔垃圾", "乱扔垃圾", "东风路第三网格", "东风新村", "胡军"],
      ["东风路小学门口私设地锁", "私设地锁", "东风路第一网格", "东风路小学门口", "城管执法中队"],
    ],
  },
  {
    name: "沈洁",
    chat: ORG.chats.dflWork,
    reports: [
      ["东风路公交站宣传栏破损", "宣传栏破损", "东风路第二网格", "东风路公交站", "马丽"],
      ["东风新村消防设施缺失损坏", "消防设施缺失损坏", "东风路第三网格", "东风新村", "胡军"],
      ["东风路二网格乱拉乱挂", "乱拉乱挂", "东风路第二网格", null, "马丽"],
      ["东风路公交站车辆乱停乱放", "车辆乱停乱放", "东风路第二网格", "东风路公交站", "城管执法中队"],
    ],
  },
  {
    name: "胡军",
    chat: ORG.chats.dflWork,
    reports: [
      ["东风新村垃圾分类不到位", "垃圾分类不到位", "东风路第三网格", "东风新村", "胡军"],
      ["东风路三网格公厕卫生差", "公厕卫生", "东风路第三网格", null, "胡军"],
      ["东风新村绿化带破坏", "绿化带破坏", "东风路第三网格", "东风新村", "胡军"],
      ["东风路三网格不文明养犬", "不文明养犬", "东风路第三网格", null, "胡军"],
    ],
  },
  {
    name: "罗婷",
    chat: ORG.chats.hpWork,
    reports: [
      ["和平广场堆物堆料", "堆物堆料", "和平第一网格", "和平广场", "林涛"],
      ["和平路美食街占道经营", "占道经营", "和平第二网格", "和平路美食街", "城管执法中队"],
      [
        "和平社区文明实践站新时代文明实践站更新不到位",
        "新时代文明实践站更新不到位",
        "和平第三网格",
        "和平社区文明实践站",
        "林涛",
      ],
      ["和平里北门垃圾分类不到位", "垃圾分类不到位", "和平第三网格", "和平里小区北门", "林涛"],
    ],
  },
  {
    name: "宋佳",
    chat: JSL,
    reports: [
      ["建设路农贸市场占道经营", "占道经营", "建设路第一网格", "建设路农贸市场", "城管执法中队"],
      ["农贸市场门口堆物堆料", "堆物堆料", "建设路第一网格", "建设路农贸市场", "彭立新"],
      ["建设路第二小学门口车辆乱停乱放", "车辆乱停乱放", "建设路第二网格", "建设路第二小学", "城管执法中队"],
      ["建设路一网格小广告", "小广告", "建设路第一网格", null, "彭立新"],
    ],
  },
  {
    name: "韩冰",
    chat: JSL,
    reports: [
      ["二小门口乱扔垃圾", "乱扔垃圾", "建设路第二网格", "建设路第二小学", "彭立新"],
      ["建设路二网格公共设施损坏", "公共设施损坏", "建设路第二网格", null, "彭立新"],
      ["建设路第二小学宣传栏破损", "宣传栏破损", "建设路第二网格", "建设路第二小学", "彭立新"],
      ["建设路第二网格乱拉乱挂", "乱拉乱挂", "建设路第二网格", null, "彭立新"],
    ],
  },
  {
    name: "邓丽",
    chat: GM,
    reports: [
      ["光明花园北门堆物堆料", "堆物堆料", "光明第一网格", "光明花园北门", "许志强"],
      ["花园北门飞线充电", "飞线充电", "光明第一网格", "光明花园北门", "物业办"],
      ["光明一网格公益广告破损", "公益广告破损", "光明第一网格", null, "许志强"],
      ["光明花园北门消防通道堵塞", "消防通道堵塞", "光明第一网格", "光明花园北门", "物业办"],
    ],
  },
  {
    name: "冯涛",
    chat: GM,
    reports: [
      ["光明路公交站小广告", "小广告", "光明第二网格", "光明路公交站", "—"],
      ["光明路公交站乱扔垃圾", "乱扔垃圾", "光明第二网格", "光明路公交站", "—"],
      ["光明二网格占道经营", "占道经营", "光明第二网格", null, "城管执法中队"],
      ["光明第二网格道路破损", "道路破损", "光明第二网格", null, "—"],
    ],
  },
];

describe("a realistic morning: 5 communities, 40 reports from 10 workers", () => {
  let h: BotHarness;
  const sources = new Map<string, { text: string; format: Format }>();

  beforeAll(async () => {
    h = await startBot({ mode: "webhook", extraOrg: [join(import.meta.dirname, "../fixtures/morning-org.yaml")] });
    let photo = 100;
    const eventIds: string[] = [];
    const send = async (input: Parameters<BotHarness["emu"]["userSends"]>[0]) => {
      const sent = await h.emu.userSends(input);
      if (sent.eventId) eventIds.push(sent.eventId);
      return sent;
    };
    for (let round = 0; round < 4; round++) {
      // All ten workers at once: chats interleave and pairs of messages arrive from many people together.
      await Promise.all(
        WORKERS.map(async (worker, w) => {
          const from = h.people.get(worker.name) ?? "";
          const own = FORMATS[(round + w) % 4] as Format;
          const [text] = worker.reports[round] ?? [""];
          const words = `上报 ${text}`;
          const image = samplePng(photo++);
          let source: string;
          if (own === "post")
            source = (await send({ chatId: worker.chat, from, text: words, images: [image] })).messageId;
          else if (own === "photo-then-text") {
            await send({ chatId: worker.chat, from, images: [image] });
            source = (await send({ chatId: worker.chat, from, text: words })).messageId;
          } else if (own === "text-then-photo") {
            source = (await send({ chatId: worker.chat, from, text: words })).messageId;
            await send({ chatId: worker.chat, from, images: [image] });
          } else source = (await send({ chatId: worker.chat, from, text, mentionBot: true })).messageId;
          sources.set(source, { text, format: own });
        }),
      );
      h.clock.advance(10 * 60_000);
    }
    // Lark delivers at least once: every fifth event comes again.
    for (const [i, eventId] of eventIds.entries()) if (i % 5 === 0) await h.emu.redeliver(eventId);
    await h.settle();
  }, 120_000);

  afterAll(async () => {
    h.emu.assertClean();
    await h.close();
  });

  it("files exactly the 40 reports, each placed, classed and assigned as a person would", async () => {
    const issues = await h.bot.db.issue.findMany({
      include: {
        category: true,
        grid: true,
        point: true,
        assigneePerson: true,
        assigneeUnit: true,
        photos: true,
        events: { orderBy: { id: "asc" } },
      },
    });
    expect(issues).toHaveLength(40);
    expect(issues.map((i) => i.number).sort()).toEqual(Array.from({ length: 40 }, (_, i) => 1001 + i));
    for (const worker of WORKERS) {
      for (const [text, category, grid, point, assignee] of worker.reports) {
        const issue = issues.find((i) => i.text.endsWith(text));
        const format = [...sources.values()].find((s) => s.text === text)?.format;
        const label = `${worker.name}: ${text} (${format})`;
        expect(issue, label).toBeDefined();
        expect(
          {
            category: issue?.category?.name,
            grid: issue?.grid?.name,
            point: issue?.point?.name ?? null,
            assignee: issue?.assigneePerson?.name ?? issue?.assigneeUnit?.name ?? "—",
            status: issue?.status,
            photos: issue?.photos.length,
            history: issue?.events.map((e) => e.type),
          },
          label,
        ).toEqual({
          category,
          grid,
          point,
          assignee,
          status: assignee === "—" ? "reported" : "assigned",
          photos: format === "mention-text" ? 0 : 1,
          history: format === "text-then-photo" ? ["filed", "photo_added"] : ["filed"],
        });
      }
    }
  });

  it("posts one card per issue in its report's thread, showing the latest state", async () => {
    const issues = await h.bot.db.issue.findMany({ include: { category: true } });
    for (const issue of issues) {
      const chat = issue.sourceChatId ?? "";
      const cards = h.emu
        .messages(chat)
        .filter((m) => m.msgType === "interactive" && m.parentId === issue.sourceMessageId);
      expect(cards, `#${issue.number}`).toHaveLength(1);
      const latest = JSON.stringify(cards[0]?.updates.at(-1)?.content ?? cards[0]?.content);
      expect(latest).toContain(`#${issue.number} ${issue.category?.name}`);
      expect(cards[0]?.messageId).toBe(issue.cardMessageId);
    }
    const stray = await h.bot.db.pendingPhoto.count();
    expect(stray).toBe(0);
  });
});
