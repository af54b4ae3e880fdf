import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { jumpClock } from "../../src/sandbox/sandbox-actions.ts";
import type { SandboxSession } from "../../src/sandbox/sandbox-session.ts";
import { sh } from "../jobs/support.ts";
import { samplePng } from "../support/images.ts";
import { named, startTestSandbox, type TestSandbox } from "./support.ts";

const TZ = "Asia/Shanghai";

describe("jumping the sandbox clock", () => {
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

  /** The bot's messages in a demo group: card title (or text) and the local time it was sent. */
  const botMessages = (chat: string) =>
    session.emu
      .messages(named(t.chats, chat))
      .filter((m) => m.sender.type === "app")
      .map((m) => {
        const content = m.content as { header?: { title?: { content?: string } }; text?: string };
        const local = new Date(m.createTime + 8 * 3_600_000).toISOString().slice(5, 16).replace("T", " ");
        return `${local} ${content.header?.title?.content ?? content.text ?? m.msgType}`;
      });

  it("sends everything a 24-hour jump passes, each at its own time: the evening digests and both reminders", async () => {
    const sent = await session.emu.userSends({
      chatId: named(t.chats, "幸福里社区创城工作群"),
      from: named(t.people, "何小燕"),
      text: "上报 幸福里小游园乱扔垃圾",
      images: [samplePng(3)],
    });
    await t.sandbox.settle();
    // Due at 09:00 tomorrow.
    await session.riqing.db.issue.update({
      where: { sourceMessageId: sent.messageId },
      data: { deadline: sh("2026-11-24 09:00") },
    });

    const answer = await jumpClock(session, { action: "advance", minutes: 24 * 60 }, TZ);
    expect(answer.note).toBeUndefined();
    expect(answer.now - sh("2026-11-24 09:00").getTime()).toBeGreaterThanOrEqual(0);
    await t.sandbox.settle();

    const work = botMessages("幸福里社区创城工作群");
    // Besides the issue card in the report's thread:
    expect(work.filter((m) => !/^\S+ \S+ #1001 /.test(m))).toEqual([
      "11-23 18:00 日清日报 · 幸福里社区 · 11月23日",
      // 2 hours before is 07:00, in the quiet hours: held to 08:00.
      "11-24 08:00 ⏰ #1001 距整改期限还有 1 小时（今天 09:00 前）",
      "11-24 09:00 ⏰ #1001 已到整改期限（今天 09:00）",
    ]);
    expect(botMessages("幸福街道创城领导群")).toEqual([
      // The weekly 工作简报, due at the 09:00 the sandbox starts at: its card and its .docx.
      "11-23 09:00 创文工作简报 第1期 · 幸福街道 · 2026年第47周（11月16日—11月22日）",
      "11-23 09:00 file",
      "11-23 19:00 日清日报 · 幸福街道 · 11月23日",
    ]);
    expect(botMessages("和平社区创城工作群")).toEqual(["11-23 18:30 日清日报 · 和平社区 · 11月23日"]);
  });

  it("jumps to the next time the bot sends something, and stops stepping after a bounded number of stops", async () => {
    const next = await jumpClock(session, { action: "next" }, TZ);
    expect(next.now - sh("2026-11-23 18:00").getTime()).toBeGreaterThanOrEqual(0);
    expect(next.now - sh("2026-11-23 18:00").getTime()).toBeLessThan(30_000);

    // A week with two stops allowed: 18:30 and 19:00 go out on the way, the rest only as the destination finds it.
    const far = await jumpClock(session, { action: "advance", minutes: 7 * 24 * 60 }, TZ, 2);
    expect(far.note).toBe("跳过的时间太长：途中前 2 个提醒时刻已逐一处理，之后的只在到达时处理，可能有遗漏。");
    await t.sandbox.settle();
    expect(botMessages("幸福街道创城领导群")).toEqual([
      "11-23 09:00 创文工作简报 第1期 · 幸福街道 · 2026年第47周（11月16日—11月22日）",
      "11-23 09:00 file",
      "11-23 19:00 日清日报 · 幸福街道 · 11月23日",
      // Due at 09:00 on the 30th, after the last stop: found at the destination.
      "11-30 18:00 创文工作简报 第2期 · 幸福街道 · 2026年第48周（11月23日—11月29日）",
      "11-30 18:00 file",
    ]);
    expect(far.now - sh("2026-11-30 18:00").getTime()).toBeGreaterThanOrEqual(0);
  });
});
