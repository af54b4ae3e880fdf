// behaviour §7.5
import { describe, expect, it } from "vitest";
import type { EmulatedMessage } from "../../src/emulator/index.ts";
import { demoBotPerTest } from "../jobs/clock-harness.ts";
import { sh } from "../jobs/support.ts";
import { ORG } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

describe("who may act on the digest's buttons", () => {
  const demo = demoBotPerTest();
  const p = (name: string) => demo.h.people.get(name) ?? "";
  const json = (m: EmulatedMessage | undefined) => {
    const message = m ? demo.h.emu.message(m.messageId) : undefined;
    return message ? JSON.stringify(message.updates.at(-1)?.content ?? message.content) : "";
  };

  it("查看超期 by someone without a duty on the digest's unit is refused with a toast, and nothing is listed", async () => {
    const { h, clock } = demo;
    const sent = await h.emu.userSends({
      chatId: ORG.chats.xflWork,
      from: p("何小燕"),
      text: "上报 幸福路菜市场门口堆物堆料",
      images: [samplePng(1)],
    });
    await h.settle();
    const issue = await h.bot.db.issue.findFirstOrThrow({ where: { sourceMessageId: sent.messageId } });
    await h.bot.db.issue.update({ where: { id: issue.id }, data: { deadline: sh("2026-11-23 12:00") } });
    clock.advanceTo("2026-11-23 18:00");
    await clock.tick();
    const digest = h.emu
      .messages(ORG.chats.xflWork)
      .find((m) => m.sender.type === "app" && !m.parentId && json(m).includes("日清日报"));
    const xfl = await h.bot.db.unit.findUniqueOrThrow({ where: { code: "xfl" } });
    const value = { dg: "overdue", u: xfl.id, d: "2026-11-23" };

    // 高鹏 works in 东风路社区: the card reached him (a forward, a shared group), the duty did not.
    for (const outsider of ["高鹏", "何小燕"]) {
      const refused = await h.emu.userClicks({ messageId: digest?.messageId ?? "", from: p(outsider), value });
      expect(refused?.toast).toEqual({
        type: "error",
        content: "只有社区书记、包片领导、派单员或管理员可以查看超期问题",
      });
    }
    await h.settle();
    expect(h.emu.messages(ORG.chats.xflWork).filter((m) => m.parentId === digest?.messageId)).toEqual([]);

    const listed = await h.emu.userClicks({ messageId: digest?.messageId ?? "", from: p("李秀英"), value });
    expect(listed?.toast).toEqual({ type: "success", content: "已在话题中列出 1 件超期问题" });
  });
});
