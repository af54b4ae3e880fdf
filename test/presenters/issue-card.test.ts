import { describe, expect, it } from "vitest";
import { ISSUE_STATUSES } from "../../src/domain/types.ts";
import { assertCardWithinLimits, measureCard } from "../../src/lark/card-limits.ts";
import { type IssueView, issueCard } from "../../src/presenters/issue-card.ts";

const TZ = "Asia/Shanghai";
const NOW = new Date("2026-11-23T06:00:00Z"); // 14:00 in Shanghai

function view(overrides: Partial<IssueView> = {}): IssueView {
  return {
    id: 7,
    number: 1024,
    status: "assigned",
    urgent: false,
    text: "幸福路菜市场门口堆物堆料，纸箱堆了一地",
    category: { name: "堆物堆料", kind: "dynamic", class: "cleanup", objectType: "event" },
    limit: { amount: 1, unit: "natural_days" },
    community: "幸福里社区",
    grid: "幸福里第一网格",
    point: "幸福路菜市场",
    reporter: { name: "何小燕", openId: "ou_reporter" },
    reportedAt: new Date("2026-11-23T01:12:00Z"),
    assignee: { name: "郑晓红", mentions: ["ou_head"] },
    dispatchers: ["ou_secretary"],
    deadline: new Date("2026-11-24T01:12:00Z"),
    rectifiedAt: null,
    closedAt: null,
    rejectReason: null,
    suspectedDuplicateOf: null,
    duplicateOf: null,
    reboundOf: null,
    photos: [{ stage: "before", imageKey: "img_v3_before", refused: false, attempt: null }],
    gridOptions: [
      { id: 11, name: "幸福里第一网格" },
      { id: 12, name: "幸福里第二网格" },
    ],
    categoryOptions: [
      { id: 1, name: "堆物堆料" },
      { id: 2, name: "乱扔垃圾" },
    ],
    categorySuggestions: [],
    assignOptions: [
      { openId: "ou_head", name: "郑晓红" },
      { openId: "unit:30", name: "城管执法中队" },
    ],
    history: [{ at: new Date("2026-11-23T01:12:00Z"), actor: "何小燕", text: "上报" }],
    extensionCount: 0,
    extensionRequest: null,
    park: null,
    parkedAt: null,
    ...overrides,
  };
}

const STATES: Record<string, Partial<IssueView>> = {
  reported_unplaced: {
    status: "reported",
    grid: null,
    point: null,
    category: null,
    deadline: null,
    assignee: null,
  },
  reported_category_suggested: {
    status: "reported",
    category: null,
    deadline: null,
    assignee: null,
    categorySuggestions: [
      { id: 1, name: "堆物堆料" },
      { id: 2, name: "乱扔垃圾" },
      { id: 3, name: "消防通道堵塞" },
    ],
  },
  assigned: {},
  assigned_overdue: { deadline: new Date("2026-11-23T02:00:00Z") },
  accepted_urgent: { status: "accepted", urgent: true },
  rectified: {
    status: "rectified",
    rectifiedAt: new Date("2026-11-23T05:00:00Z"),
    photos: [
      { stage: "before", imageKey: "img_v3_before", refused: false, attempt: null },
      { stage: "after", imageKey: "img_v3_refused", refused: true, attempt: 1 },
      { stage: "after", imageKey: "img_v3_after", refused: false, attempt: 2 },
    ],
  },
  rectified_overdue: {
    status: "rectified",
    deadline: new Date("2026-11-23T05:30:00Z"),
    rectifiedAt: new Date("2026-11-23T05:00:00Z"),
  },
  closed: {
    status: "closed",
    rectifiedAt: new Date("2026-11-23T05:00:00Z"),
    closedAt: new Date("2026-11-23T05:30:00Z"),
  },
  rejected: { status: "rejected", rejectReason: "属于在建工地围挡，不在整治范围" },
  duplicate: { status: "duplicate", duplicateOf: 1019 },
  suspected_duplicate: { suspectedDuplicateOf: 1019 },
  rebound: { reboundOf: 998 },
  department: { assignee: { name: "城管执法中队", mentions: ["ou_dept1", "ou_dept2"] } },
};

describe("issue card", () => {
  for (const [name, overrides] of Object.entries(STATES)) {
    it(`renders the ${name} state`, () => {
      const card = issueCard(view(overrides), NOW, TZ);
      expect(card).toMatchSnapshot();
      assertCardWithinLimits(card);
    });
  }

  it("covers every status", () => {
    const statuses = new Set(Object.values(STATES).map((o) => o.status ?? "assigned"));
    expect([...statuses].sort()).toEqual([...ISSUE_STATUSES].sort());
  });

  it("offers the buttons of the status, 修改网格 and 修改类别 while open, and nothing for finished issues", () => {
    const actions = (v: Partial<IssueView>) =>
      (JSON.stringify(issueCard(view(v), NOW, TZ)).match(/"a":"[a-z_]+"/g) ?? []).map((a) => a.slice(5, -1));
    const inHand = ["accept", "rectify", "assign", "send_back", "reject"];
    expect(actions({})).toEqual([...inHand, "request_extension", "park", "park", "set_grid", "set_category"]);
    expect(actions({ status: "rectified" })).toEqual(["verify", "refuse", "set_grid", "set_category"]);
    expect(actions({ status: "reported", grid: null, category: null })).toEqual([
      "set_grid",
      "set_category",
      "assign",
      "reject",
      "park",
      "park",
    ]);
    // behaviour §2.15, §2.17: a waiting request is answered on the card; a parked issue offers to come back.
    const request = { until: NOW, reason: "需要协调施工队", approvers: ["ou_secretary"] };
    expect(actions({ extensionRequest: request })).toEqual([
      ...inHand,
      "approve_extension",
      "decline_extension",
      "park",
      "park",
      "set_grid",
      "set_category",
    ]);
    const park = { kind: "parked", until: NOW, plan: "列入明年改造计划" } as const;
    expect(actions({ park, parkedAt: NOW })).toEqual([...inHand, "unpark", "set_grid", "set_category"]);
    expect(actions({ deadline: null })).toEqual([...inHand, "park", "park", "set_grid", "set_category"]);
    for (const status of ["closed", "rejected", "duplicate"] as const) expect(actions({ status })).toEqual([]);
  });

  it("says 修改 once grid and category are known and asks while they are not", () => {
    const placeholders = (v: Partial<IssueView>) =>
      JSON.stringify(issueCard(view(v), NOW, TZ)).match(/(修改|选择)(网格|类别|问题类别)/g);
    expect(placeholders({})).toEqual(["修改网格", "修改类别"]);
    expect(placeholders({ status: "reported", grid: null, category: null })).toEqual(["选择网格", "选择问题类别"]);
  });

  it("shows the description without the 上报 its messages open with", () => {
    const text = (v: Partial<IssueView>) => JSON.stringify(issueCard(view(v), NOW, TZ));
    expect(text({ text: "上报 幸福路菜市场门口堆物\n上报：纸箱堆了一地" })).toContain(
      "**问题描述**\\n幸福路菜市场门口堆物\\n纸箱堆了一地",
    );
    expect(text({ text: "上报" })).toContain("（未附文字说明）");
  });

  // behaviour §2.20, §2.21
  it("shows whether the category is a 部件 or an 事件, and the time limit in its unit beside the deadline", () => {
    const text = (v: Partial<IssueView>) => JSON.stringify(issueCard(view(v), NOW, TZ));
    expect(text({})).toContain("**类别**\\n堆物堆料（事件 · 动态指标 · 整治）");
    expect(text({})).toContain("11月24日 09:12 前\\n时限：1自然日");
    const board = {
      category: { name: "宣传栏破损", kind: "static", class: "management", objectType: "component" },
      limit: { amount: 2, unit: "work_hours" },
    } as const;
    expect(text(board)).toContain("宣传栏破损（部件 · 静态指标 · 管理）");
    expect(text(board)).toContain("时限：2工作时");
    expect(text({ ...board, urgent: true })).toContain("时限：2工作时（紧急，减半计算）");
    expect(text({ limit: { amount: 0.5, unit: "work_days" } })).toContain("时限：0.5工作日");
    // No limit until the category is known.
    expect(text({ category: null, limit: null, deadline: null })).not.toContain("时限：");
  });

  it("calls an issue of unknown category 类别待定", () => {
    const card = issueCard(view(STATES.reported_unplaced), NOW, TZ);
    expect(card.header?.title.content).toBe("#1024 类别待定 · 待派单");
    expect(JSON.stringify(card)).toContain("**类别**\\n待定");
  });

  it("labels photos 整改前 and 整改后, with a placeholder while there are none, and marks refused ones 已驳回", () => {
    const labels = (v: Partial<IssueView>) =>
      issueCard(view(v), NOW, TZ).elements.flatMap((e) =>
        e.tag === "img"
          ? [`[${e.img_key}]`]
          : e.tag === "markdown" && /^\*\*(第 \d+ 次)?整改/.test(String(e.content))
            ? [String(e.content)]
            : [],
      );
    expect(labels({})).toEqual(["**整改前**", "[img_v3_before]", "**整改后**（尚未整改）"]);
    expect(labels({ status: "reported", photos: [] })).toEqual(["**整改前**（未附照片）", "**整改后**（尚未整改）"]);
    expect(labels(STATES.rectified ?? {})).toEqual([
      "**整改前**",
      "[img_v3_before]",
      "**整改后**",
      "[img_v3_after]",
      "**第 1 次整改（已驳回）**",
      "[img_v3_refused]",
    ]);
    expect(labels({ status: "closed", closedAt: NOW })).toEqual([
      "**整改前**",
      "[img_v3_before]",
      "**整改后**（未附照片）",
    ]);
    expect(labels({ status: "rejected", rejectReason: "不属于本网格" })).toEqual(["**整改前**", "[img_v3_before]"]);
  });

  it("offers the likeliest categories as buttons that set the category, and the select for any other", () => {
    const card = issueCard(view(STATES.reported_category_suggested), NOW, TZ);
    const rows = card.elements.filter((e) => e.tag === "action") as unknown as { actions: Record<string, unknown>[] }[];
    const suggested = rows.find((r) =>
      r.actions.every((b) => b.tag === "button" && b.value && "c" in (b.value as object)),
    );
    expect(suggested?.actions.map((b) => [(b.text as { content: string }).content, b.value])).toEqual([
      ["堆物堆料", { a: "set_category", i: 7, c: 1 }],
      ["乱扔垃圾", { a: "set_category", i: 7, c: 2 }],
      ["消防通道堵塞", { a: "set_category", i: 7, c: 3 }],
    ]);
    expect(JSON.stringify(card)).toContain("问题类别还没确定，可能是以下几类，请点选：");
    expect(JSON.stringify(card)).toContain("都不是？选择其他类别");
    // Once the category is known the suggestions are gone.
    expect(
      JSON.stringify(
        issueCard(
          view({
            ...STATES.reported_category_suggested,
            category: { name: "堆物堆料", kind: "dynamic", class: "cleanup", objectType: "event" },
          }),
          NOW,
          TZ,
        ),
      ),
    ).not.toContain('"c":');
  });

  it("does not call a fix awaiting verification overdue, as the digest does not: the responder has done their part", () => {
    const header = (v: Partial<IssueView>) => issueCard(view(v), NOW, TZ).header;
    expect(header(STATES.rectified_overdue ?? {})?.title.content).toBe("#1024 堆物堆料 · 待验收");
    expect(header(STATES.rectified ?? {})?.title.content).toBe("#1024 堆物堆料 · 待验收");
  });

  // behaviour §3.7
  it("lists a stage's photos on the card, up to nine in a grid, and says how many there are beyond", () => {
    const beforePhotos = (count: number, uploaded = count) =>
      Array.from(
        { length: count },
        (_, i) =>
          ({ stage: "before", imageKey: i < uploaded ? `img_v3_${i}` : null, refused: false, attempt: null }) as const,
      );
    const photoParts = (photos: IssueView["photos"]) =>
      issueCard(view({ photos }), NOW, TZ).elements.flatMap((e) =>
        e.tag === "img_combination"
          ? [`grid ${e.combination_mode}: ${(e.img_list as { img_key: string }[]).map((x) => x.img_key).join(" ")}`]
          : e.tag === "img"
            ? [`[${e.img_key}]`]
            : e.tag === "markdown" && /^(\*\*整改前|（)/.test(String(e.content))
              ? [String(e.content)]
              : [],
      );
    expect(photoParts(beforePhotos(1))).toEqual(["**整改前**", "[img_v3_0]"]);
    expect(photoParts(beforePhotos(2))).toEqual(["**整改前**（2 张）", "grid bisect: img_v3_0 img_v3_1"]);
    expect(photoParts(beforePhotos(4, 3))).toEqual([
      "**整改前**（4 张）",
      "grid trisect: img_v3_0 img_v3_1 img_v3_2",
      "（1 张照片上传中）",
    ]);
    expect(photoParts(beforePhotos(12))).toEqual([
      "**整改前**（共 12 张，卡片上显示前 9 张，全部照片见台账）",
      `grid trisect: ${Array.from({ length: 9 }, (_, i) => `img_v3_${i}`).join(" ")}`,
    ]);
  });

  it("stays within Lark's limits with the longest description, nine photos and a long history", () => {
    const card = issueCard(
      view({
        text: "很长的描述".repeat(20_000),
        photos: Array.from(
          { length: 9 },
          (_, i) =>
            ({
              stage: i < 5 ? "before" : "after",
              imageKey: `img_v3_${i}`,
              refused: i < 8 && i >= 5,
              attempt: i < 5 ? null : i - 4,
            }) as const,
        ),
        history: Array.from({ length: 500 }, (_, i) => ({
          at: NOW,
          actor: "某某某",
          text: `第 ${i} 次处置，附带说明文字`,
        })),
        assignOptions: Array.from({ length: 300 }, (_, i) => ({ openId: `ou_${i}`, name: `人员${i}` })),
        gridOptions: Array.from({ length: 100 }, (_, i) => ({ id: i, name: `某某社区第${i}网格` })),
        categoryOptions: Array.from({ length: 100 }, (_, i) => ({ id: i, name: `问题类别名称${i}` })),
        extensionRequest: {
          until: NOW,
          reason: "很长的理由".repeat(40),
          approvers: Array.from({ length: 10 }, (_, i) => `ou_approver_${i}`),
        },
      }),
      NOW,
      TZ,
      { fullHistory: true },
    );
    const size = measureCard(card);
    expect(size.bytes).toBeLessThan(30 * 1024);
    expect(size.elements).toBeLessThan(200);
  });
});
