// behaviour §13.5
import { afterEach, describe, expect, it } from "vitest";
import { type BotHarness, reportProblem, startBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

describe("long lists", () => {
  let h: BotHarness;
  afterEach(async () => {
    await h.close();
  });

  it("answers 待办 with 200 open issues in full, fifty lines to a message", async () => {
    h = await startBot({ mode: "ws" });
    const head = h.people.get("郑晓红") ?? "";
    await reportProblem(h, { from: "何小燕", images: [samplePng(1)] });
    const {
      id: _,
      number,
      sourceMessageId: __,
      cardMessageId: ___,
      ...filed
    } = await h.bot.db.issue.findFirstOrThrow();
    await h.bot.db.issue.createMany({
      data: Array.from({ length: 199 }, (_, i) => ({ ...filed, number: number + 1 + i })),
    });

    const asked = await h.emu.userSends({ chatId: h.emu.p2pChatId(head), from: head, text: "待办" });
    await h.settle();
    const answers = h.emu
      .messages(h.emu.p2pChatId(head))
      .filter((m) => m.sender.type === "app" && m.parentId === asked.messageId)
      .map((m) => (m.content as { text: string }).text);
    // 201 lines (the heading and 200 issues) make five pages of at most fifty lines each.
    expect(answers).toHaveLength(5);
    expect(answers[0]).toMatch(/^郑晓红的待办（截至 .+）（第 1\/5 页）\n\n【我负责的】200 件\n/);
    expect(answers[4]).toMatch(/^郑晓红的待办（截至 .+）（第 5\/5 页）\n/);
    for (const answer of answers) expect(answer.split("\n").length).toBeLessThanOrEqual(52);
    const listed = answers.flatMap((a) => [...a.matchAll(/^ {2}#(\d+) /gm)].map((m) => Number(m[1])));
    expect(new Set(listed).size).toBe(200);
  });
});
