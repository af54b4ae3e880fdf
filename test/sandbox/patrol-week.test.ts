import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lastEndedPeriod } from "../../src/domain/briefing-period.ts";
import { unitStats } from "../../src/reports/stats.ts";
import { jumpClock } from "../../src/sandbox/sandbox-actions.ts";
import type { SandboxSession } from "../../src/sandbox/sandbox-session.ts";
import { BRIEFING_FIGURES, FIGURES_HEADER } from "../../src/texts/briefing.ts";
import { readDocx } from "../support/docx.ts";
import { samplePng } from "../support/images.ts";
import { named, startTestSandbox, type TestSandbox } from "./support.ts";

const TZ = "Asia/Shanghai";

describe("a week of patrols in the sandbox (behaviour §14, §15)", () => {
  let t: TestSandbox;
  let session: SandboxSession;
  beforeEach(async () => {
    t = await startTestSandbox();
    const live = t.sandbox.session();
    if (!live) throw new Error("no session");
    session = live;
  });
  afterEach(async () => {
    await t.close();
  });

  /** The digest cards the bot posted in a demo group, as JSON text, oldest first. */
  const digests = (chat: string) =>
    session.emu
      .messages(named(t.chats, chat))
      .filter((m) => m.sender.type === "app")
      .map((m) => JSON.stringify(m.content))
      .filter((c) => /"content":"日清日报 · /.test(c));

  it("shows the demo's plans covered and missed in every evening's digests, then the week's numbered 工作简报", async () => {
    const work = named(t.chats, "幸福里社区创城工作群");
    for (let day = 0; day < 5; day++) {
      await session.emu.userSends({
        chatId: work,
        from: named(t.people, "何小燕"),
        text: day === 2 ? "巡查 幸福路菜市场 门口堆物堆料" : "巡查 幸福路菜市场 无问题",
        images: [samplePng(100 + day)],
      });
      await t.sandbox.settle();
      await jumpClock(session, { action: "advance", minutes: 24 * 60 }, TZ);
      await t.sandbox.settle();
    }
    const community = digests("幸福里社区创城工作群");
    expect(community).toHaveLength(5);
    for (const digest of community.slice(0, 4)) {
      expect(digest).toContain("今日巡查");
      // The 菜市场's community line is met each day; its leader's line and the other four points are not.
      expect(digest).toContain("应巡 6 处、已巡 1 处（一级 0/1 · 三级 1/5）");
      expect(digest).toContain("应巡未巡（5 处，重点点位在前）");
    }
    // Friday: the departments' weekly plans for 幸福里's points fall due too.
    expect(community[4]).toContain("应巡未巡（7 处，重点点位在前）");
    const street = digests("幸福街道创城领导群");
    expect(street).toHaveLength(5);
    expect(street[2]).toContain("发现问题1处（动态1处、静态0处）");
    expect(street[0]).not.toContain("二级");
    expect(street[4]).toContain("二级");
    expect(street[4]).toContain("城管执法中队");
    expect(await session.riqing.db.patrolVisit.count()).toBe(5);

    // On to Monday 09:00: the street's leader group gets that week's 工作简报, numbered after the one sent when the
    // sandbox started (behaviour §15), and the .docx says what the statistics module says of the week.
    await jumpClock(session, { action: "advance", minutes: 2 * 24 * 60 }, TZ);
    await t.sandbox.settle();
    const leaders = session.emu.messages(named(t.chats, "幸福街道创城领导群")).filter((m) => m.sender.type === "app");
    const files = leaders.filter((m) => m.msgType === "file");
    expect(files).toHaveLength(2);
    const fileKey = (files[1]?.content as { file_key?: string } | undefined)?.file_key ?? "";
    const docx = session.emu.resource(fileKey)?.data;
    if (!docx) throw new Error("the briefing's file was not uploaded");
    const doc = await readDocx(Buffer.from(docx));
    expect(doc.paragraphs).toContain("（周报）第2期");
    const week = lastEndedPeriod("week", session.clock.now(), TZ);
    const stats = await unitStats(session.riqing.db, "xfjd", week, session.clock.now());
    expect(stats.found).toBeGreaterThan(0);
    const figures = doc.tables.find((table) => JSON.stringify(table[0]) === JSON.stringify(FIGURES_HEADER)) ?? [];
    for (const key of ["found", "rectified", "closed", "open", "overdue"] as const) {
      const row = figures.find((r) => r[0] === BRIEFING_FIGURES[key]);
      expect(Number(row?.[1]), key).toBe(stats[key]);
    }
    // Five days of the sandbox's sweeps, digests and charts: longer than the default on a loaded machine.
  }, 180_000);
});
