import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LimitUnit } from "../../src/domain/deadline.ts";
import type { CategoryClass, CategoryKind, ObjectType } from "../../src/domain/types.ts";
import { deadlineDate } from "../../src/texts/deadline.ts";
import { escapeMarkdown } from "../../src/texts/escape.ts";
import { CLASS_LABELS, KIND_LABELS, limitLabel, OBJECT_TYPE_LABELS } from "../../src/texts/labels.ts";
import { formatDateTime } from "../../src/texts/messages.ts";
import { type BotHarness, ORG, startBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

/**
 * How a worker sends a report: one post; a photo, then the text; the text, then a photo; text to the bot without a
 * photo; or a photo, then the text, with the photo delivered only after the text (Lark retried it).
 */
type Format = "post" | "photo-then-text" | "text-then-photo" | "mention-text" | "late-photo";
const FORMATS: Format[] = ["post", "photo-then-text", "text-then-photo", "mention-text", "late-photo"];
const TZ = "Asia/Shanghai";
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

/** What the issue card says, read from its JSON (card 1.0 as lark/cards builds it). */
interface CardFacts {
  title: string;
  template: string;
  fields: string[];
  markdown: string[];
  images: number;
  history: string[];
  actions: string[];
}

function cardFacts(json: string): CardFacts {
  type Element = {
    tag: string;
    content?: string;
    fields?: { text: { content: string } }[];
    elements?: Element[];
    actions?: Element[];
    value?: { a?: string };
  };
  const card = JSON.parse(json) as { header: { title: { content: string }; template: string }; elements: Element[] };
  const tagged = (tag: string) => card.elements.filter((e) => e.tag === tag);
  return {
    title: card.header.title.content,
    template: card.header.template,
    fields: tagged("div").flatMap((e) => (e.fields ?? []).map((f) => f.text.content)),
    markdown: tagged("markdown").map((e) => e.content ?? ""),
    images: tagged("img").length,
    history: tagged("note").flatMap((e) => (e.elements?.[0]?.content ?? "").split("\n")),
    actions: card.elements
      .flatMap((e) => [...(e.actions ?? []), ...(e.elements ?? []).filter((x) => x.tag === "button")])
      .map((a) => a.value?.a ?? ""),
  };
}

describe("a realistic morning: 5 communities, 40 reports from 10 workers", () => {
  let h: BotHarness;
  const sources = new Map<string, { text: string; format: Format; worker: string }>();

  beforeAll(async () => {
    h = await startBot({ mode: "webhook", extraOrg: [join(import.meta.dirname, "../fixtures/morning-org.yaml")] });
    const receiver = { mode: "webhook", url: `http://127.0.0.1:${h.bot.port}/lark/events` } as const;
    let photo = 100;
    const eventIds: string[] = [];
    const send = async (input: Parameters<BotHarness["emu"]["userSends"]>[0]) => {
      const sent = await h.emu.userSends(input);
      if (sent.eventId) eventIds.push(sent.eventId);
      return sent;
    };
    const sendReport = async (worker: (typeof WORKERS)[number], format: Format, round: number) => {
      const from = h.people.get(worker.name) ?? "";
      const [text] = worker.reports[round] ?? [""];
      const words = `上报 ${text}`;
      const image = samplePng(photo++);
      const chatId = worker.chat;
      let source: string;
      if (format === "post") source = (await send({ chatId, from, text: words, images: [image] })).messageId;
      else if (format === "photo-then-text") {
        await send({ chatId, from, images: [image] });
        source = (await send({ chatId, from, text: words })).messageId;
      } else if (format === "text-then-photo") {
        source = (await send({ chatId, from, text: words })).messageId;
        await send({ chatId, from, images: [image] });
      } else if (format === "late-photo") {
        // The photo's first push fails; Lark pushes it again after the text got through.
        h.emu.deliverTo({ mode: "webhook", url: "http://127.0.0.1:9/lark/events", retryDelaysMs: [] });
        const lost = await send({ chatId, from, images: [image] });
        h.emu.deliverTo(receiver);
        source = (await send({ chatId, from, text: words })).messageId;
        await h.emu.redeliver(lost.eventId ?? "");
      } else source = (await send({ chatId, from, text, mentionBot: true })).messageId;
      sources.set(source, { text, format, worker: worker.name });
    };
    for (let round = 0; round < 4; round++) {
      const formatOf = (w: number) => FORMATS[(round + w) % FORMATS.length] as Format;
      // All ten workers at once: chats interleave and pairs of messages arrive from many people together.
      await Promise.all(
        WORKERS.map((worker, w) => (formatOf(w) === "late-photo" ? undefined : sendReport(worker, formatOf(w), round))),
      );
      // A failed push changes where events go, so the late photos are sent one after another.
      for (const [w, worker] of WORKERS.entries()) {
        if (formatOf(w) === "late-photo") await sendReport(worker, "late-photo", round);
      }
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

  const loadIssues = () =>
    h.bot.db.issue.findMany({
      include: {
        category: true,
        grid: true,
        point: true,
        reporter: true,
        assigneePerson: true,
        assigneeUnit: true,
        photos: true,
        events: { orderBy: { id: "asc" }, include: { actor: true } },
      },
    });
  /** The issue filed for a worker's report, with how it was sent. */
  const filed = (issues: Awaited<ReturnType<typeof loadIssues>>, text: string) => {
    const source = [...sources.entries()].find(([, s]) => s.text === text);
    const issue = issues.find((i) => i.sourceMessageId === source?.[0]);
    if (!source || !issue) throw new Error(`no issue for ${text}`);
    return { issue, format: source[1].format };
  };

  it("files exactly the 40 reports, each placed, classed and assigned as a person would, with its history", async () => {
    const issues = await loadIssues();
    expect(issues).toHaveLength(40);
    expect(issues.map((i) => i.number).sort()).toEqual(Array.from({ length: 40 }, (_, i) => 1001 + i));
    expect(new Set([...sources.values()].map((s) => s.format))).toEqual(new Set(FORMATS));
    for (const worker of WORKERS) {
      for (const [text, category, grid, point, assignee] of worker.reports) {
        const { issue, format } = filed(issues, text);
        const status = assignee === "—" ? "reported" : "assigned";
        const completed = format === "text-then-photo" || format === "late-photo";
        expect(
          {
            text: issue.text,
            category: issue.category?.name,
            grid: issue.grid?.name,
            point: issue.point?.name ?? null,
            reporter: issue.reporter?.name,
            assignee: issue.assigneePerson?.name ?? issue.assigneeUnit?.name ?? "—",
            status: issue.status,
            photos: issue.photos.map((x) => x.stage),
            history: issue.events.map((e) => [e.type, e.actor?.name, e.fromStatus, e.toStatus]),
          },
          `${worker.name}: ${text} (${format})`,
        ).toEqual({
          text: format === "mention-text" ? text : `上报 ${text}`,
          category,
          grid,
          point,
          reporter: worker.name,
          assignee,
          status,
          photos: format === "mention-text" ? [] : ["before"],
          history: [
            ["filed", worker.name, null, status],
            ...(completed ? [["photo_added", worker.name, status, status]] : []),
          ],
        });
      }
    }
  });

  it("posts one card per issue in its report's thread, saying exactly what the issue is", async () => {
    const issues = await loadIssues();
    const openIds = new Map((await h.bot.db.person.findMany()).map((x) => [x.name, x.openId]));
    const at = (name: string) => `<at id=${openIds.get(name)}></at>`;
    const secretaries: Record<string, string> = {
      [ORG.chats.xflWork]: "李秀英",
      [ORG.chats.dflWork]: "张伟",
      [ORG.chats.hpWork]: "刘芳",
      [JSL]: "曹建华",
      [GM]: "唐敏",
    };
    const responders: Record<string, string> = { 城管执法中队: "孙浩", 物业办: "吴强" };
    for (const worker of WORKERS) {
      for (const [text, category, grid, point, assignee] of worker.reports) {
        const { issue, format } = filed(issues, text);
        const cards = h.emu
          .messages(worker.chat)
          .filter((m) => m.msgType === "interactive" && m.parentId === issue.sourceMessageId);
        expect(cards, `#${issue.number}`).toHaveLength(1);
        expect(cards[0]?.messageId).toBe(issue.cardMessageId);
        const facts = cardFacts(JSON.stringify(cards[0]?.updates.at(-1)?.content ?? cards[0]?.content));
        const kind = KIND_LABELS[issue.category?.kind as CategoryKind];
        const cls = CLASS_LABELS[issue.category?.class as CategoryClass];
        const type = OBJECT_TYPE_LABELS[issue.category?.objectType as ObjectType];
        const limit = limitLabel({
          amount: issue.category?.limitAmount ?? 0,
          unit: issue.category?.limitUnit as LimitUnit,
        });
        const waiting = assignee === "—";
        const deadline = deadlineDate(issue.deadline ?? new Date(0), TZ);
        const reported = formatDateTime(issue.reportedAt, TZ);
        const completed = format === "text-then-photo" || format === "late-photo";
        expect(facts, `#${issue.number} ${text} (${format})`).toEqual({
          title: `#${issue.number} ${category} · ${waiting ? "待派单" : "待接单"}`,
          template: waiting ? "orange" : "blue",
          fields: [
            `**网格**\n${grid}`,
            `**点位**\n${point ?? "—"}`,
            `**类别**\n${category}（${type} · ${kind}指标 · ${cls}）`,
            `**上报**\n${worker.name} ${reported}`,
            waiting
              ? `**责任人**\n待派单，请 ${at(secretaries[worker.chat] ?? "")} 派单`
              : `**责任人**\n${assignee} ${at(responders[assignee] ?? assignee)}`,
            `**整改期限**\n${deadline} 前\n时限：${limit}`,
          ],
          markdown: [
            `**问题描述**\n${escapeMarkdown(issue.text.replace(/^上报\s*/gm, ""))}`,
            format === "mention-text" ? "**整改前**（未附照片）" : "**整改前**",
            "**整改后**（尚未整改）",
          ],
          images: format === "mention-text" ? 0 : 1,
          history: [
            `${formatDateTime(issue.events[0]?.at ?? new Date(0), TZ)} ${worker.name} 上报`,
            ...(completed
              ? [`${formatDateTime(issue.events[1]?.at ?? new Date(0), TZ)} ${worker.name} 补充上报内容`]
              : []),
          ],
          // 申请延期 needs a responder and a deadline; 挂账 and 缓办 (one button each) are open to every open issue.
          actions: waiting
            ? ["assign", "reject", "park", "park", "set_grid", "set_category"]
            : [
                "accept",
                "rectify",
                "assign",
                "send_back",
                "reject",
                "request_extension",
                "park",
                "park",
                "set_grid",
                "set_category",
              ],
        });
      }
    }
    expect(await h.bot.db.pendingPhoto.count()).toBe(0);
  });
});
