import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measureCard } from "../../src/lark/card-limits.ts";
import { digestCard } from "../../src/presenters/digest-card.ts";
import {
  buildDigest,
  buildDigests,
  type DigestData,
  digestChartInput,
  digestFigures,
  digestText,
} from "../../src/reports/digest.ts";
import type { IssueSeed } from "../reports/stats-fixture.ts";
import { type ClockFixture, createClockFixture, PEOPLE, sh, TZ } from "./support.ts";

/**
 * 西苑社区 C2 on Monday 2026-11-23, observed at 18:00. A fourth grid G24 is added. Categories: DUI 堆物堆料 and
 * TING 乱停车 are dynamic, XCL 宣传栏破损 and WMSJ 文明实践站 static.
 *
 *  #     grid cat   status     reported      deadline      rectified     closed
 *  2001  G21  DUI   closed     23 08:00      —             23 10:00      23 11:00
 *  2002  G21  TING  closed     23 09:00      —             23 13:00      23 14:00
 *  2003  G21  XCL   closed     20 09:00      27 09:00      22 09:00      23 09:00
 *  2017  G21  DUI   closed     20 09:00      —             20 12:00      21 09:00
 *  2004  G22  DUI   closed     23 10:00      —             23 11:00      23 12:00
 *  2005  G22  DUI   assigned   23 11:00      24 11:00
 *  2006  G22  WMSJ  accepted   19 09:00      22 09:00
 *  2007  G23  DUI   closed     23 07:00      —             23 08:00      23 09:00
 *  2008  G23  TING  closed     22 10:00      —             23 10:00      23 16:00
 *  2009  G23  DUI   rectified  23 12:00      24 12:00      23 15:00
 *  2010  G23  TING  assigned   21 08:00      22 08:00
 *  2011  G23  XCL   rectified  16 09:00      23 09:00      22 17:00
 *  2012  G23  DUI   accepted   23 13:00      24 13:00                                   rebound of #2008,
 *                                                                                          accepted 23 14:30
 *  2013  G24  DUI   rejected   23 14:00
 *  2014  G24  DUI   assigned   23 15:00      24 15:00
 *  2015  G24  DUI   duplicate  23 16:00
 *  2016  G24  —     reported   23 16:30      —
 */
const SEEDS: IssueSeed[] = [
  closedIssue(2001, "G21", "DUI", "23 08:00", "23 10:00", "23 11:00"),
  closedIssue(2002, "G21", "TING", "23 09:00", "23 13:00", "23 14:00"),
  closedIssue(2003, "G21", "XCL", "20 09:00", "22 09:00", "23 09:00", "27 09:00"),
  closedIssue(2017, "G21", "DUI", "20 09:00", "20 12:00", "21 09:00"),
  closedIssue(2004, "G22", "DUI", "23 10:00", "23 11:00", "23 12:00"),
  openIssue(2005, "G22", "DUI", "assigned", "23 11:00", "24 11:00"),
  openIssue(2006, "G22", "WMSJ", "accepted", "19 09:00", "22 09:00"),
  closedIssue(2007, "G23", "DUI", "23 07:00", "23 08:00", "23 09:00"),
  closedIssue(2008, "G23", "TING", "22 10:00", "23 10:00", "23 16:00"),
  { ...openIssue(2009, "G23", "DUI", "rectified", "23 12:00", "24 12:00"), rectifiedAt: nov("23 15:00") },
  openIssue(2010, "G23", "TING", "assigned", "21 08:00", "22 08:00"),
  { ...openIssue(2011, "G23", "XCL", "rectified", "16 09:00", "23 09:00"), rectifiedAt: nov("22 17:00") },
  {
    ...openIssue(2012, "G23", "DUI", "accepted", "23 13:00", "24 13:00"),
    reboundOf: 2008,
    acceptedAt: nov("23 14:30"),
  },
  { number: 2013, grid: "G24", category: "DUI", status: "rejected", reportedAt: nov("23 14:00") },
  openIssue(2014, "G24", "DUI", "assigned", "23 15:00", "24 15:00"),
  { number: 2015, grid: "G24", category: "DUI", status: "duplicate", reportedAt: nov("23 16:00") },
  { number: 2016, grid: "G24", category: null, status: "reported", reportedAt: nov("23 16:30") },
];

/** "23 08:00" → 2026-11-23 08:00 in Shanghai. */
function nov(dayTime: string): Date {
  return sh(`2026-11-${dayTime}`);
}

function closedIssue(
  number: number,
  grid: string,
  category: string,
  reported: string,
  rectified: string,
  closed: string,
  deadline?: string,
): IssueSeed {
  return {
    number,
    grid,
    category,
    status: "closed",
    reportedAt: nov(reported),
    rectifiedAt: nov(rectified),
    closedAt: nov(closed),
    deadline: deadline ? nov(deadline) : null,
  };
}

function openIssue(
  number: number,
  grid: string,
  category: string,
  status: IssueSeed["status"],
  reported: string,
  deadline: string,
): IssueSeed {
  return { number, grid, category, status, reportedAt: nov(reported), deadline: nov(deadline) };
}

describe("digest of a community for a hand-computed day", () => {
  let f: ClockFixture;
  let data: DigestData;
  beforeAll(async () => {
    f = await createClockFixture();
    const g24 = await f.t.db.unit.create({
      data: { code: "G24", name: "西苑四网格", level: "grid", parentId: f.org.units.C2 as number, aliases: [] },
    });
    f.org.units.G24 = g24.id;
    await f.addIssues(SEEDS);
    data = await buildDigest(f.t.db, {
      unitId: f.org.units.C2 as number,
      date: "2026-11-23",
      now: sh("2026-11-23 18:00"),
      timeZone: TZ,
      minRankedIssues: 3,
    });
  });
  afterAll(async () => {
    await f.close();
  });

  it("counts every figure as worked out by hand", () => {
    const s = data.stats;
    // Found today: reported on the 23rd, not rejected (2013) or duplicate (2015):
    // 2001 2002 2004 2005 2007 2009 2012 2014 2016 = 9; dynamic all but 2016, which has no category.
    expect(s.found).toBe(9);
    expect(s.byKind).toEqual({ dynamic: 8, static: 0, none: 1 });
    // Rectified today and still counting as rectified: 2001 2002 2004 2007 2008 2009 = 6 (2003 and 2011 on the 22nd).
    expect(s.rectified).toBe(6);
    // 整改用时: 2001 2, 2002 4, 2004 1, 2007 1, 2008 24, 2009 3 → 35 / 6 = 5.83.
    expect(s.durations.rectification.averageHours).toBeCloseTo(35 / 6, 10);
    // 响应用时: those fixed today without 接单 responded with the fix, and 2012 was accepted after 1.5 h → 36.5 / 7.
    expect(s.durations.response).toMatchObject({ count: 7, averageHours: 36.5 / 7 });
    // 办结用时: closed today 2001 3, 2002 5, 2003 72, 2004 2, 2007 2, 2008 30 → 114 / 6 = 19.
    expect(s.durations.completion).toMatchObject({ count: 6, averageHours: 19 });
    // Closed today: 2001 2002 2003 2004 2007 2008 = 6 (2017 closed on the 21st).
    expect(s.closed).toBe(6);
    // Open now: 2005 2006 2009 2010 2011 2012 2014 2016 = 8; overdue at 18:00: 2006 2010 = 2 (2011 is past its
    // deadline but awaiting 验收, which is not overdue); awaiting 验收: 2009 2011.
    expect(s.open).toBe(8);
    expect(s.overdue).toBe(2);
    expect(s.awaitingVerification).toBe(2);
    // Rate: closed 6 ÷ (6 + overdue 2 + open reported today 2005 2009 2012 2014 2016 = 5) = 6/13.
    expect(s.rate).toEqual({ closed: 6, open: 7, rate: 6 / 13 });
    // Cumulative: closed up to tonight 6 + 2017 = 7; open terms the same 8 → 7/15.
    expect(s.cumulativeRate).toEqual({ closed: 7, open: 8, rate: 7 / 15 });
    // Rebounds found today: 2012.
    expect(s.rebound).toBe(1);
  });

  it("words the figures for people", () => {
    expect(digestFigures(data)).toEqual([
      { label: "今日发现", value: "9 件（动态 8 · 静态 0 · 未分类 1）" },
      { label: "今日整改", value: "6 件（销项 6 件）" },
      { label: "未销项", value: "8 件（超期 2 件，已整改待验收 2 件）" },
      { label: "反弹", value: "1 件" },
      { label: "今日整改率", value: "46.2%（6/13）" },
      { label: "累计整改率", value: "46.7%（7/15）" },
      { label: "平均响应用时", value: "5.2 小时（7 件）" },
      { label: "平均整改用时", value: "5.8 小时（6 件）" },
      { label: "平均办结用时", value: "19 小时（6 件）" },
    ]);
  });

  it("lists the overdue issues earliest first and what is in hand and falls due tomorrow", () => {
    expect(data.overdue.map((i) => i.number)).toEqual([2010, 2006]);
    // 2009 is due tomorrow too, but fixed and waiting for 验收: nothing for its assignee to do.
    expect(data.dueTomorrow.map((i) => i.number)).toEqual([2005, 2012, 2014]);
    const text = digestText(data);
    // 2010 was due on the 22nd at 08:00: 34 hours before 18:00 on the 23rd.
    expect(text).toContain("#2010 乱停车 · 西苑三网格 G23号路口 · 已超期 1 天 10 小时（期限 昨天 08:00） · 李四");
    expect(text).toContain(
      "#2006 文明实践站更新不到位 · 西苑二网格 G22号路口 · 已超期 1 天 9 小时（期限 昨天 09:00） · 李四",
    );
    expect(text).not.toContain("#2011");
    expect(text).toContain("#2005 堆物堆料 · 西苑二网格 G22号路口 · 距整改期限还有 17 小时（明天 11:00 前） · 李四");
  });

  it("accounts for every issue open today in buckets that add up", () => {
    // Open at some time today: open now (8) or closed today (6). Closed 2001 2002 2003 2004 2007 2008; awaiting 验收
    // 2009 2011; overdue 2006 2010; due tomorrow 2005 2012 2014; no deadline yet 2016.
    expect(data.today).toEqual({
      total: 14,
      closed: 6,
      awaiting: 2,
      overdue: 2,
      dueToday: 0,
      dueTomorrow: 3,
      rest: 1,
    });
    expect(digestText(data)).toContain(
      "今日在办 14 件 = 已销项 6 + 待验收 2 + 超期 2 + 今日到期未完成 0 + 明日到期 3 + 其余在办 1",
    );
  });

  it("ranks grids with too-small grids left out", () => {
    // 综合指标值 = 按期处置率 × 60 + 结案率 × 30 + (1 − 返工率) × 10. These rows have no history, so nothing is
    // 处置 today and no unit has 返工: G21 closed 2001 2002 2003, nothing overdue: 应处置 0 (counts in full),
    // 结案 3/3 → 60 + 30 + 10 = 100. G23 closed 2007 2008, 2010 overdue (2011 awaits 验收): 按期处置 0/1, 结案
    // 2/3 → 0 + 20 + 10 = 30. G22 (closed 2004, 2006 overdue: 应结案 2) and G24 (nothing in 应结案数) are not
    // ranked with the minimum of 3.
    const ranking = data.ranking.map((e) => [e.stats.unit.code, e.rank, e.flag]);
    expect(ranking).toEqual([
      ["G21", 1, "red"],
      ["G23", 2, "yellow"],
      ["G22", null, null],
      ["G24", null, null],
    ]);
    const text = digestText(data);
    expect(text).toContain("🚩 第 1 名 西苑一网格 100 分（按期处置 0/0 · 结案 3/3 · 返工 0）");
    expect(text).toContain("🟨 第 2 名 西苑三网格 30 分（按期处置 0/1 · 结案 2/3 · 返工 0）");
    expect(text).toContain("不参与排名（应结案少于 3 件）：西苑二网格、西苑四网格");
    expect(digestChartInput(data)).toEqual({
      title: "各网格今日综合指标排名",
      subtitle: "西苑社区 · 11月23日",
      bars: [
        { label: "西苑一网格", value: 100, flag: "red" },
        { label: "西苑三网格", value: 30, flag: "yellow" },
      ],
      valueFormat: "count",
    });
  });

  it("flags only past the chat's thresholds and scores with its weights", async () => {
    const request = {
      unitId: f.org.units.C2 as number,
      date: "2026-11-23",
      now: sh("2026-11-23 18:00"),
      timeZone: TZ,
      minRankedIssues: 3,
    };
    const weights = { onTimeDisposal: 60, closure: 30, noRework: 10 };
    // G21's 100 reaches 100; G23's 30 is not below 30.
    const strict = await buildDigest(f.t.db, {
      ...request,
      scoring: { weights, redFlagAtLeast: 100, yellowCardBelow: 30 },
    });
    expect(strict.ranking.map((e) => e.flag)).toEqual(["red", null, null, null]);
    // Weighing only 结案率: G21 3/3 → 100, G23 2/3 → 66.7, and the unranked G22 1/2 → 50, G24 none.
    const closure = { onTimeDisposal: 0, closure: 100, noRework: 0 };
    const byClosure = await buildDigest(f.t.db, {
      ...request,
      scoring: { weights: closure, redFlagAtLeast: null, yellowCardBelow: null },
    });
    expect(byClosure.ranking.map((e) => [e.stats.unit.code, e.score])).toEqual([
      ["G21", 100],
      ["G23", expect.closeTo(200 / 3, 10)],
      ["G22", 50],
      ["G24", null],
    ]);
    expect(digestText(byClosure)).toContain("综合指标值 = 按期处置率×0 + 结案率×100 + （1−返工率）×0");
  });

  it("shows the street the indicators of each community and each department", async () => {
    const street = await buildDigest(f.t.db, {
      unitId: f.org.units.S as number,
      date: "2026-11-23",
      now: sh("2026-11-23 18:00"),
      timeZone: TZ,
      minRankedIssues: 3,
    });
    const text = digestText(street);
    // 西苑社区 = its four grids: 立案 9, 按期处置 0/2 (2006 2010 overdue), 结案 6/8 → 0 + 22.5 + 10 = 32.5.
    expect(text).toContain("各社区考核指标");
    expect(text).toContain(
      "西苑社区：综合指标值 32.5 · 立案数 9 · 按期处置率 0% · 结案率 75% · 返工率 — · 延期数 0 · 挂账数 0 · 超期数（当前） 2",
    );
    expect(text).toContain("各部门考核指标");
    expect(text).toContain("城管中队：综合指标值 — · 立案数 0");
    expect(JSON.stringify(digestCard(street, { imageKey: null }))).toContain("各部门考核指标");
    // A community's digest has no such sections.
    expect(digestText(data)).not.toContain("考核指标");
  });

  it("presents the card with mentions, the chart, the buttons, the review form and the definitions", () => {
    const card = digestCard(data, { imageKey: "img_v2_chart", late: true });
    const json = JSON.stringify(card);
    expect(card.header?.title.content).toBe("日清日报 · 西苑社区 · 11月23日（补发）");
    expect(json).toContain("46.2%（6/13）");
    expect(json).toContain(
      `#2010 乱停车 · 西苑三网格 G23号路口 · 已超期 1 天 10 小时（期限 昨天 08:00） · <at id=${PEOPLE.gridHead}></at>`,
    );
    expect(json).toContain('"img_key":"img_v2_chart"');
    expect(json).toContain("查看超期");
    expect(json).toContain("导出台账");
    expect(json).toContain("提交审阅意见");
    expect(json).toContain("整改率 = 期内销项数");
    const { bytes, elements } = measureCard(card);
    expect(bytes).toBeLessThan(30 * 1024);
    expect(elements).toBeLessThanOrEqual(200);
  });

  it("cuts long lists to ten lines with 等 N 件", async () => {
    const many = Array.from({ length: 25 }, (_, i) =>
      openIssue(2100 + i, "G21", "DUI", "assigned", "20 09:00", "21 09:00"),
    );
    await f.addIssues(many);
    const big = await buildDigest(f.t.db, {
      unitId: f.org.units.C2 as number,
      date: "2026-11-23",
      now: sh("2026-11-23 18:00"),
      timeZone: TZ,
      minRankedIssues: 3,
    });
    const json = JSON.stringify(digestCard(big, { imageKey: null }));
    expect(big.overdue).toHaveLength(10);
    expect(json).toContain("超期问题（27 件）");
    expect(json).toContain("等 27 件，点「查看超期」看全部");
    expect(json).not.toContain("img_key");
  });

  it("counts all that falls due tomorrow, built alone or with other digests", async () => {
    await f.addIssues(
      Array.from({ length: 12 }, (_, i) => openIssue(2200 + i, "G21", "DUI", "assigned", "23 10:00", "24 10:00")),
    );
    const request = (unit: string) => ({
      unitId: f.org.units[unit] as number,
      date: "2026-11-23",
      now: sh("2026-11-23 18:00"),
      timeZone: TZ,
      minRankedIssues: 3,
    });
    const alone = await buildDigest(f.t.db, request("C2"));
    const [together] = await buildDigests(f.t.db, [request("C2"), request("C1")]);
    expect(alone.dueTomorrow).toHaveLength(10);
    expect(alone.today.dueTomorrow).toBe(together?.today.dueTomorrow);
    expect(alone.today.dueTomorrow).toBeGreaterThanOrEqual(12);
  });
});
