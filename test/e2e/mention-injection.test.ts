// behaviour §13.3
import { afterEach, describe, expect, it } from "vitest";
import { type BotHarness, ORG, reportProblem, startBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

/** The texts of a card's markdown and lark_md parts. */
function markdownOf(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(markdownOf);
  if (typeof node !== "object" || node === null) return [];
  const { tag, content } = node as { tag?: unknown; content?: unknown };
  const own = (tag === "markdown" || tag === "lark_md") && typeof content === "string" ? [content] : [];
  return [...own, ...Object.values(node).flatMap(markdownOf)];
}

const HOSTILE = '<at user_id="all">所有人</at> <at id=all></at> [点我](http://evil.example) :OK: **急**';

describe("text people type never mentions everyone", () => {
  let h: BotHarness;
  afterEach(async () => {
    await h.close();
  });

  it("echoes a 退回 reason and a description as typed, in the thread text and on the card", async () => {
    h = await startBot({ mode: "ws" });
    const report = await reportProblem(h, {
      from: "何小燕",
      text: `上报 幸福路菜市场门口堆物 ${HOSTILE}`,
      images: [samplePng(3)],
    });
    await h.emu.userSends({
      chatId: ORG.chats.xflWork,
      from: h.people.get("郑晓红") ?? "",
      text: `退回 ${HOSTILE}`,
      replyTo: report.messageId,
    });
    await h.settle();
    const sent = h.emu.messages(ORG.chats.xflWork).filter((m) => m.sender.type === "app");
    const notice = sent.find((m) => m.msgType === "text" && JSON.stringify(m.content).includes("被退回"));
    const text = (notice?.content as { text?: string } | undefined)?.text ?? "";
    expect(text).toContain('＜at user_id="all"＞所有人＜/at＞');
    expect(text).not.toContain('<at user_id="all">');
    expect(notice?.mentions.map((m) => m.openId)).not.toContain("all");
    // Markdown parses mentions, links and emoji (plain text shows them as typed).
    const markdown = markdownOf(sent.find((m) => m.msgType === "interactive")?.content).join("\n");
    // The card shows the description without its leading report word (behaviour §3.4).
    expect(markdown).toContain("幸福路菜市场门口堆物 &#60;at user&#95;id=");
    expect(markdown).not.toMatch(/<at (?:user_)?id="?all|:OK:|\[点我\]\(|\*\*急/);
  });
});
