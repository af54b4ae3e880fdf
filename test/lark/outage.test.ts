// behaviour §13.6
import { afterEach, describe, expect, it } from "vitest";
import { type BotHarness, ORG, startBot } from "../support/bot.ts";

const HOUR = 3_600_000;

describe("Lark's retries after an outage (webhook)", () => {
  let h: BotHarness;
  afterEach(async () => {
    await h.close();
  });

  it("processes every event Lark re-pushes after a 2-hour outage exactly once, and refuses a day-old replay", async () => {
    h = await startBot({ mode: "webhook" });
    const reporter = h.people.get("何小燕") ?? "";
    await h.stop();
    // While the bot is down, people keep writing; every push fails (nobody listens).
    const texts = ["待办", "帮助", "统计"];
    const sent = [];
    for (const text of texts)
      sent.push(await h.emu.userSends({ chatId: h.emu.p2pChatId(reporter), from: reporter, text }));
    expect(sent.every((s) => s.delivery?.ok === false)).toBe(true);

    h.clock.advance(2 * HOUR);
    await h.restart();
    // Lark's later retries (the 6-hour one) carry the first push's signature, two hours old by now.
    for (const s of sent) expect((await h.emu.redeliver(s.eventId ?? ""))?.status).toBe(200);
    for (const s of sent) expect((await h.emu.redeliver(s.eventId ?? ""))?.status).toBe(200);
    await h.settle();
    const answers = h.emu.messages(h.emu.p2pChatId(reporter)).filter((m) => m.sender.type === "app");
    expect(answers).toHaveLength(texts.length);
    expect(await h.bot.inboxDb.inboundEvent.count()).toBe(texts.length);

    // A day later the same request is a replay: refused, nothing stored.
    h.clock.advance(23 * HOUR);
    expect((await h.emu.redeliver(sent[0]?.eventId ?? ""))?.status).toBe(401);
    const fresh = await h.emu.userSends({ chatId: ORG.chats.xflWork, from: reporter, text: "帮助", mentionBot: true });
    expect(fresh.delivery?.status).toBe(200);
  });
});
