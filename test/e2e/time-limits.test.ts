// behaviour §2.20, §2.21
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ORG, reportIssue, useBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

/** An instant given as Shanghai wall-clock time, "YYYY-MM-DD HH:mm". */
const sh = (local: string) => new Date(`${local.replace(" ", "T")}:00+08:00`);

/**
 * The deadline worked out by hand for a report at `start`, moved by the seconds the bot took to file it (the test
 * clock runs on while it works; both instants lie inside office hours, where every second counts).
 */
function byHand(issue: { reportedAt: Date }, start: string, deadline: string): Date {
  return new Date(sh(deadline).getTime() + (issue.reportedAt.getTime() - sh(start).getTime()));
}

/** The issue card as last drawn. */
function cardOf(h: ReturnType<ReturnType<typeof useBot>>, messageId: string | null): string {
  const message = h.emu.messages(ORG.chats.xflWork).find((m) => m.messageId === messageId);
  return JSON.stringify(message?.updates.at(-1)?.content ?? message?.content);
}

describe("a street's own time limit", () => {
  // Monday 23 November 2026, 16:00 in Shanghai.
  const h = useBot({ mode: "webhook", start: "2026-11-23T08:00:00Z" });

  it("counts an issue in the street's grids by the street's limit, in office hours, and the card says so", async () => {
    // The demo org gives 店招店牌破损 3 工作日, and 幸福街道 (幸福里 lies in it) its own 8 工作时.
    const issue = await reportIssue(h(), { from: "何小燕", text: "上报 幸福路商铺店招破损", images: [samplePng(1)] });
    expect(issue.categoryId).toBe((await h().bot.db.category.findUniqueOrThrow({ where: { code: "shop-signs" } })).id);
    // Monday 16:00–17:30 (1.5 h), Tuesday 08:30–12:00 (3.5 h) and 13:30–16:30 (3 h).
    expect(issue.deadline).toEqual(byHand(issue, "2026-11-23 16:00", "2026-11-24 16:30"));
    const card = cardOf(h(), issue.cardMessageId);
    expect(card).toContain("店招店牌破损（部件 · 静态指标 · 执法）");
    expect(card).toContain("11月24日 16:30 前\\n时限：8工作时");
  });

  it("halves the street's limit for a 紧急 report", async () => {
    const issue = await reportIssue(h(), { from: "何小燕", text: "上报 紧急 幸福路商铺招牌要掉下来了", images: [] });
    // 4 工作时: Monday 16:00–17:30, then Tuesday 08:30–11:00.
    expect(issue.deadline).toEqual(byHand(issue, "2026-11-23 16:00", "2026-11-24 11:00"));
    expect(cardOf(h(), issue.cardMessageId)).toContain("时限：8工作时（紧急，减半计算）");
  });
});

describe("office hours from the configuration", () => {
  const dir = mkdtempSync(join(tmpdir(), "riqing-time-limits-"));
  const extra = join(dir, "limits.yaml");
  writeFileSync(extra, "categories:\n  - { code: piled-materials, limit: 2工作时 }\n");
  // Monday 23 November 2026, 16:30 in Shanghai; the office keeps 09:00–17:00 without a lunch break.
  const h = useBot({
    mode: "webhook",
    start: "2026-11-23T08:30:00Z",
    extraOrg: [extra],
    env: { RIQING_OFFICE_HOURS: "09:00-17:00" },
  });

  it("counts a 工作时 limit in the configured office hours", async () => {
    const issue = await reportIssue(h(), {
      from: "何小燕",
      text: "上报 幸福路菜市场门口堆物堆料",
      images: [samplePng(2)],
    });
    // Monday 16:30–17:00, then Tuesday 09:00–10:30.
    expect(issue.deadline).toEqual(byHand(issue, "2026-11-23 16:30", "2026-11-24 10:30"));
    expect(cardOf(h(), issue.cardMessageId)).toContain("堆物堆料（事件 · 动态指标 · 整治）");
  });
});
