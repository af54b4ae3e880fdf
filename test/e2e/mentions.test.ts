// behaviour §13.2
import { afterEach, describe, expect, it } from "vitest";
import { type BotHarness, ORG, reportProblem, startBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

/** Every @ in a bot message's content as sent: card `<at id=…>` and text `<at user_id="…">`. */
function mentionsIn(content: unknown): string[] {
  const json = JSON.stringify(content);
  return [...json.matchAll(/<at (?:id|user_id)=\\?"?([^"\\\s>]+)/g)].map((m) => m[1] ?? "");
}

describe("mentions of people Lark does not know", () => {
  let h: BotHarness;
  afterEach(async () => {
    await h.close();
  });

  it("checks every open_id at start and names an unknown grid head instead of @-mentioning her", async () => {
    h = await startBot({ mode: "ws", notInLark: ["郑晓红"] });
    const head = h.people.get("郑晓红") ?? "";
    expect(await h.bot.db.person.findUnique({ where: { openId: head } })).toMatchObject({ larkStatus: "unknown" });
    expect(h.emu.calls.some((c) => c.path === "/open-apis/contact/v3/users/batch")).toBe(true);

    await reportProblem(h, { from: "何小燕", images: [samplePng(1)] });
    const sent = h.emu.messages(ORG.chats.xflWork).filter((m) => m.sender.type === "app");
    const card = sent.find((m) => m.msgType === "interactive");
    expect(JSON.stringify(card?.content)).toContain("@郑晓红");
    expect(sent.flatMap((m) => mentionsIn(m.content))).not.toContain(head);
    expect(await h.bot.db.outboxMessage.count({ where: { status: "failed" } })).toBe(0);
    h.emu.assertClean();
  });

  it("sends a card Lark refused for a mention once more without mentions, and remembers the unknown id", async () => {
    h = await startBot({ mode: "ws", notInLark: ["郑晓红"] });
    h.emu.allow(230099, 230001);
    const head = h.people.get("郑晓红") ?? "";
    // Imported after the start's check: nobody has asked Lark about her yet.
    await h.bot.db.person.update({ where: { openId: head }, data: { larkStatus: null } });

    await reportProblem(h, { from: "何小燕", images: [samplePng(2)] });
    const refused = h.emu.calls.filter((c) => c.code === 230099 || c.code === 230001);
    expect(refused.length).toBeGreaterThan(0);
    const sent = h.emu.messages(ORG.chats.xflWork).filter((m) => m.sender.type === "app");
    expect(sent.some((m) => m.msgType === "interactive")).toBe(true);
    expect(sent.flatMap((m) => mentionsIn(m.content))).not.toContain(head);
    expect(await h.bot.db.outboxMessage.count({ where: { status: "failed" } })).toBe(0);
    expect(await h.bot.db.person.findUnique({ where: { openId: head } })).toMatchObject({ larkStatus: "unknown" });
  });
});
