import { readFileSync } from "node:fs";
import { join } from "node:path";
import exifr from "exifr";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueBoardToken } from "../../src/access/board-token.ts";
import type { EmulatedMessage } from "../../src/emulator/index.ts";
import { clockDriver } from "../jobs/clock-harness.ts";
import { BOARD_SECRET, type BotHarness, ORG, startBot } from "../support/bot.ts";
import { photoWithGps, samplePng } from "../support/images.ts";

/** The board token in the last link the bot sent a person privately. */
function linkTokenOf(h: BotHarness, openId: string): string {
  const texts = h.emu
    .messages(h.emu.p2pChatId(openId))
    .filter((m) => m.sender.type === "app" && m.msgType === "text")
    .map((m) => (m.content as { text: string }).text);
  const token = /\/board#t=([\w.-]+)/.exec(texts.at(-1) ?? "")?.[1];
  if (!token) throw new Error(`no board link sent to ${openId}: ${texts.join(" | ")}`);
  return token;
}

describe("the 挂图作战 board", () => {
  let h: BotHarness;
  let base: string;
  const person = (name: string) => h.people.get(name) as string;
  const api = async (path: string, token: string) => {
    const response = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const report = async (chatId: string, from: string, text: string, seed: number, image = samplePng(seed)) => {
    const sent = await h.emu.userSends({ chatId, from: person(from), text, images: [image] });
    await h.settle();
    return h.bot.db.issue.findFirstOrThrow({ where: { sourceMessageId: sent.messageId } });
  };

  beforeAll(async () => {
    h = await startBot({ mode: "ws" });
    base = `http://127.0.0.1:${h.bot.port}`;
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it("answers 挂图 with a personal link: in a private chat directly, from a group privately, scoped to the group", async () => {
    await h.emu.userSends({ chatId: h.emu.p2pChatId(person("王建国")), from: person("王建国"), text: "挂图" });
    await h.settle();
    const leader = linkTokenOf(h, person("王建国"));
    const view = await api("/board/api/view", leader);
    expect(view.status).toBe(200);
    expect(view.body.unit).toMatchObject({ name: "幸福街道", level: "street" });
    expect((view.body.areas as { name: string }[]).map((a) => a.name)).toEqual([
      "幸福里社区",
      "东风路社区",
      "和平社区",
    ]);

    // The command centre's dispatcher sees the street; a secretary asking in her group gets her community.
    await h.emu.userSends({ chatId: ORG.chats.xflWork, from: person("李秀英"), text: "挂图", mentionBot: true });
    await h.settle();
    const thread = h.emu
      .messages(ORG.chats.xflWork)
      .filter((m) => m.sender.type === "app")
      .at(-1);
    expect((thread?.content as { text: string } | undefined)?.text).toBe("挂图作战链接已私信发给你，12 小时内有效。");
    const secretary = linkTokenOf(h, person("李秀英"));
    expect((await api("/board/api/view", secretary)).body.unit).toMatchObject({ name: "幸福里社区" });
    // A grid worker asking in the community group sees only her grid.
    await h.emu.userSends({ chatId: ORG.chats.xflWork, from: person("何小燕"), text: "挂图", mentionBot: true });
    await h.settle();
    expect((await api("/board/api/view", linkTokenOf(h, person("何小燕")))).body.unit).toMatchObject({
      name: "幸福里第一网格",
    });
  });

  it("shows open issues and the digest's figures of the link's units only, with details and photos", async () => {
    const xfl = await report(ORG.chats.xflWork, "何小燕", "上报 幸福路菜市场门口堆物堆料", 1);
    const dfl = await report(ORG.chats.dflWork, "高鹏", "上报 东风路小学门口有流动摊贩占道经营", 2);
    const secretary = linkTokenOf(h, person("李秀英"));
    const view = await api("/board/api/view", secretary);
    const numbers = (view.body.issues as { number: number }[]).map((i) => i.number);
    expect(numbers).toEqual([xfl.number]);
    expect(view.body.issues).toEqual([
      expect.objectContaining({ number: xfl.number, state: "new", grid: "幸福里第一网格", point: "幸福路菜市场" }),
    ]);
    expect(view.body.headline).toMatchObject({ found: 1, open: 1, overdue: 0 });
    expect((view.body.ranking as { title: string }).title).toBe("各网格今日综合指标排名");

    const detail = await api(`/board/api/issues/${xfl.number}`, secretary);
    expect(detail.body).toMatchObject({ title: `#${xfl.number} 堆物堆料`, reporter: "何小燕", status: "待接单" });
    const [photo] = (detail.body.photos as { before: string[] }).before;
    const image = await fetch(`${base}${photo}`);
    expect([image.status, image.headers.get("content-type")]).toEqual([200, "image/png"]);

    // Not hers: another community's issue is neither listed nor shown.
    expect((await api(`/board/api/issues/${dfl.number}`, secretary)).status).toBe(404);
    const street = await api("/board/api/view", linkTokenOf(h, person("王建国")));
    expect((street.body.issues as { number: number }[]).map((i) => i.number).sort()).toEqual([xfl.number, dfl.number]);
  });

  it("shows a phone photo without where it was taken, and keeps the original as it came (behaviour §14.8)", async () => {
    const phone = await photoWithGps(128, 40, 20);
    expect(await exifr.gps(phone)).toBeTruthy();
    const issue = await report(ORG.chats.xflWork, "何小燕", "上报 幸福里小游园垃圾桶满了", 3, phone);
    const detail = await api(`/board/api/issues/${issue.number}`, linkTokenOf(h, person("李秀英")));
    const [photo] = (detail.body.photos as { before: string[] }).before;
    const shown = Buffer.from(await (await fetch(`${base}${photo}`)).arrayBuffer());
    expect((await sharp(shown).metadata()).width).toBe(40);
    expect(await exifr.gps(shown)).toBeUndefined();
    const stored = await h.bot.db.photo.findFirstOrThrow({ where: { issueId: issue.id } });
    expect(await exifr.gps(readFileSync(join(h.dir, stored.path)))).toBeTruthy();
  });

  it("refuses forged and expired links with 401, and a person who lost their duty with 403", async () => {
    const secretary = linkTokenOf(h, person("李秀英"));
    const forged = issueBoardToken("another-secret-0123456789abcdef-xx", {
      openId: person("李秀英"),
      units: [1],
      expiresAt: new Date(h.clock.epoch() + 3_600_000),
    });
    expect(await api("/board/api/view", forged)).toMatchObject({ status: 401, body: { reason: "invalid" } });
    expect(await api("/board/api/view", `${secretary}x`)).toMatchObject({ status: 401, body: { reason: "invalid" } });
    expect((await api("/board/api/view", "")).status).toBe(401);
    const widened = issueBoardToken(BOARD_SECRET, {
      openId: person("何小燕"),
      units: [(await h.bot.db.unit.findUniqueOrThrow({ where: { code: "xfjd" } })).id],
      expiresAt: new Date(h.clock.epoch() + 3_600_000),
    });
    // A correctly signed link never shows more than its person may see: 何小燕's stays her grid.
    expect((await api("/board/api/view", widened)).body.unit).toMatchObject({ name: "幸福里第一网格" });

    const events = await fetch(`${base}/board/api/events`, { headers: { Authorization: "Bearer nope" } });
    expect(events.status).toBe(401);
    expect(((await events.json()) as { error: string }).error).toContain("向日清发送“挂图”");

    const worker = await h.bot.db.person.findUniqueOrThrow({ where: { openId: person("高鹏") } });
    await h.emu.userSends({ chatId: h.emu.p2pChatId(person("高鹏")), from: person("高鹏"), text: "挂图" });
    await h.settle();
    const gaoPeng = linkTokenOf(h, person("高鹏"));
    expect((await api("/board/api/view", gaoPeng)).status).toBe(200);
    await h.bot.db.duty.deleteMany({ where: { personId: worker.id } });
    expect(await api("/board/api/view", gaoPeng)).toMatchObject({ status: 403, body: { reason: "no_scope" } });

    h.clock.advance(12 * 3_600_000 + 60_000);
    expect(await api("/board/api/view", secretary)).toMatchObject({
      status: 401,
      body: { reason: "expired", error: expect.stringContaining("挂图链接已过期") },
    });
  });

  it("streams changes of the link's units within seconds, and not of others", async () => {
    await h.emu.userSends({ chatId: h.emu.p2pChatId(person("李秀英")), from: person("李秀英"), text: "挂图" });
    await h.settle();
    const token = linkTokenOf(h, person("李秀英"));
    const controller = new AbortController();
    const response = await fetch(`${base}/board/api/events`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
    const events: unknown[] = [];
    const reading = (async () => {
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buffer += value;
        for (const line of buffer.split("\n")) if (line.startsWith("data: ")) events.push(JSON.parse(line.slice(6)));
        buffer = buffer.slice(buffer.lastIndexOf("\n") + 1);
      }
    })();

    const other = await report(ORG.chats.hpWork, "罗婷", "上报 和平广场东侧堆物堆料", 3);
    const mine = await report(ORG.chats.xflWork, "何小燕", "上报 幸福里小游园里有人乱扔垃圾", 4);
    const started = Date.now();
    await expect
      .poll(() => events.some((e) => JSON.stringify(e).includes(String(mine.number))), { timeout: 5000, interval: 100 })
      .toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(events.some((e) => JSON.stringify(e).includes(String(other.number)))).toBe(false);
    controller.abort();
    await reading;
  });

  it("puts a 挂图作战 button on the street digest that sends the clicker a link of the street", async () => {
    const clock = clockDriver(h);
    const day = new Date(h.clock.epoch() + 32 * 3_600_000).toISOString().slice(0, 10);
    clock.advanceTo(`${day} 19:01`); // the demo street's leader group gets its digest at 19:00
    await clock.tick();
    const card = h.emu
      .messages(ORG.chats.leaders)
      .find((m: EmulatedMessage) => m.msgType === "interactive" && JSON.stringify(m.content).includes("挂图作战"));
    if (!card) throw new Error("no street digest with the board button");
    const street = await h.bot.db.unit.findUniqueOrThrow({ where: { code: "xfjd" } });
    const answer = await h.emu.userClicks({
      messageId: card.messageId,
      from: person("王建国"),
      value: { bd: "open", u: street.id },
    });
    expect(answer?.toast).toEqual({ type: "success", content: "挂图作战链接已私信发给你，12 小时内有效。" });
    await h.settle();
    expect((await api("/board/api/view", linkTokenOf(h, person("王建国")))).body.unit).toMatchObject({
      name: "幸福街道",
    });
  });
});
