/**
 * The inbox's promises (issue 3) shown through the real bot: createRiqing with the real SDK against the emulator, by
 * webhook and by long connection.
 */
import { afterEach, describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client.ts";
import { closeInboxDb, openInboxDb } from "../../src/db/inbox-db.ts";
import type { CardActionHandler } from "../../src/features/router.ts";
import { enqueue } from "../../src/lark/outbox.ts";
import { card } from "../../src/presenters/card.ts";
import { markdown } from "../../src/presenters/markdown.ts";
import { TEXTS } from "../../src/texts/messages.ts";
import { refusal } from "../../src/texts/permissions.ts";
import { type BotHarness, ORG, startBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";
import { testPostgres } from "../support/postgres.ts";
import { until } from "./outbound-support.ts";

/** A trigger that fails the write marking an event done, as a process dying right before it would. */
const CRASH_BEFORE_DONE = testPostgres()
  ? [
      `CREATE FUNCTION crash_before_done() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.status = 'done' THEN RAISE EXCEPTION 'the process died here'; END IF; RETURN NEW; END $$`,
      `CREATE TRIGGER crash_before_done BEFORE UPDATE OF status ON "InboundEvent"
       FOR EACH ROW EXECUTE FUNCTION crash_before_done()`,
    ]
  : [
      `CREATE TRIGGER crash_before_done BEFORE UPDATE OF status ON "InboundEvent" WHEN NEW.status = 'done'
       BEGIN SELECT RAISE(ABORT, 'the process died here'); END`,
    ];

/** A card click the test holds in its handler until it lets go; the handler then answers `answer`. */
function heldClick(answer: Awaited<ReturnType<CardActionHandler>>) {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const state = { started: false, release: () => release() };
  const handler: CardActionHandler = async (_deps, action) => {
    if ((action.value as { test?: unknown }).test !== "held") return undefined;
    state.started = true;
    await gate;
    return answer;
  };
  return { state, handler };
}

/** Posts a card from the bot to a chat, to be clicked. */
async function botCard(h: BotHarness, chatId: string): Promise<string> {
  const sent = await h.bot.client.send({
    receiveIdType: "chat_id",
    receiveId: chatId,
    msgType: "interactive",
    content: card({ header: { title: "测试卡片" }, elements: [markdown("请点击")] }) as unknown as Record<
      string,
      unknown
    >,
  });
  return sent.messageId;
}

describe.each(["webhook", "ws"] as const)("inbox through the real bot (%s)", (mode) => {
  let h: BotHarness;
  afterEach(async () => {
    await h.close();
  });

  it("keeps 200 events to 20 chats in order within each chat", async () => {
    h = await startBot({ mode });
    const users = Array.from({ length: 20 }, (_, i) => `ou_order${String(i).padStart(2, "0")}`);
    for (const [i, openId] of users.entries()) h.emu.addUser({ openId, name: `群众${i}` });
    const chats = users.map((openId) => h.emu.p2pChatId(openId));
    const sent = new Map<string, string[]>(chats.map((chat) => [chat, []]));
    for (let seq = 0; seq < 10; seq++) {
      await Promise.all(
        users.map(async (from, i) => {
          const chatId = chats[i] ?? "";
          const { messageId } = await h.emu.userSends({ chatId, from, text: `待办 ${seq}` });
          sent.get(chatId)?.push(messageId);
        }),
      );
    }
    await h.settle();
    expect(await h.bot.inboxDb.inboundEvent.count({ where: { status: "done" } })).toBe(200);
    for (const chat of chats) {
      // Each message is answered once, and the answers came out in the order the messages went in.
      const answers = h.emu.messages(chat).filter((m) => m.sender.type === "app");
      expect(answers.map((m) => m.parentId)).toEqual(sent.get(chat));
      expect(answers.map((m) => (m.content as { text: string }).text)).toEqual(Array(10).fill(refusal("use_commands")));
    }
    // 200 events through the whole bot: about 8 s alone, several times that beside other test files on 2 cores.
  }, 120_000);

  it("answers a slow card click with the holding toast within the budget, finishes the work, and posts its refusal to the card's thread", async () => {
    const held = heldClick({ toast: { type: "warning", content: "这张卡片已经处理过了" } });
    h = await startBot({ mode, extensions: { cardActions: [held.handler] } });
    const clicker = h.people.get("何小燕") ?? "";
    const cardId = await botCard(h, ORG.chats.xflWork);
    const answer = await h.emu.userClicks({ messageId: cardId, from: clicker, value: { test: "held" }, tag: "button" });
    // The handler was still held when Lark got its answer: the answer can only be the holding toast.
    expect(held.state.started).toBe(true);
    expect(answer).toEqual({ toast: { type: "info", content: TEXTS.working } });
    held.state.release();
    await h.settle();
    expect(
      await h.bot.inboxDb.inboundEvent.findFirstOrThrow({ where: { eventType: "card.action.trigger" } }),
    ).toMatchObject({ status: "done" });
    const notices = h.emu.messages(ORG.chats.xflWork).filter((m) => m.sender.type === "app" && m.parentId === cardId);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ msgType: "text", rootId: cardId, mentions: [{ openId: clicker }] });
    expect(JSON.stringify(notices[0]?.content)).toContain("这张卡片已经处理过了");
    expect(notices[0]?.threadId).toBeTruthy();
  });

  it("processes after a restart a report whose work committed before the process died, once, with one card", async () => {
    h = await startBot({ mode });
    // The process "dies" between the report's transaction and marking the event done: that write never lands.
    for (const sql of CRASH_BEFORE_DONE) await h.bot.inboxDb.$executeRawUnsafe(sql);
    const reporter = h.people.get("何小燕") ?? "";
    await h.emu.userSends({
      chatId: ORG.chats.xflWork,
      from: reporter,
      text: "上报 幸福路菜市场门口堆物",
      images: [samplePng(1)],
    });
    await until(async () => (await h.bot.db.issue.count()) === 1, "the report to be filed");
    expect(await h.bot.inboxDb.inboundEvent.findFirstOrThrow()).toMatchObject({ status: "pending" });

    await h.restart(async () => {
      const db = await openDb(h.databaseUrl);
      const inboxDb = await openInboxDb(h.databaseUrl, db);
      await inboxDb.$executeRawUnsafe(`DROP TRIGGER crash_before_done${testPostgres() ? ` ON "InboundEvent"` : ""}`);
      await closeInboxDb(inboxDb, db);
      await db.$disconnect();
    });
    await h.settle();
    expect(await h.bot.inboxDb.inboundEvent.findFirstOrThrow()).toMatchObject({ status: "done" });
    expect(await h.bot.db.issue.count()).toBe(1);
    const cards = h.emu.messages(ORG.chats.xflWork).filter((m) => m.sender.type === "app");
    expect(cards.map((m) => m.msgType)).toEqual(["interactive"]);
  });
});

describe("inbox through the real bot: shutdown and metrics", () => {
  let h: BotHarness;
  afterEach(async () => {
    await h.close();
  });

  it("on stop() finishes the event being processed and the message being sent, and takes no new event", async () => {
    const held = heldClick({ toast: { type: "success", content: "好的" } });
    h = await startBot({ mode: "webhook", extensions: { cardActions: [held.handler] } });
    const clicker = h.people.get("何小燕") ?? "";
    const cardId = await botCard(h, ORG.chats.xflWork);
    const click = h.emu.userClicks({ messageId: cardId, from: clicker, value: { test: "held" }, tag: "button" });
    await until(() => held.state.started, "the click to be handled");

    let answerSent: () => void = () => {};
    const sending = new Promise<void>((resolve) => {
      answerSent = resolve;
    });
    h.emu.failNext({ method: "POST", path: "/open-apis/im/v1/messages" }, { kind: "hold", until: sending });
    const arrived = new Promise((resolve) => h.emu.once("message", resolve));
    await enqueue(h.bot.db, {
      key: "shutdown-test",
      kind: "send",
      target: ORG.chats.xflWork,
      msgType: "text",
      content: { text: "发送中" },
    });
    await arrived; // Lark has the message; its answer is held

    const stopped = h.stop();
    const healthz = `http://127.0.0.1:${h.bot.port}/healthz`;
    await until(
      () =>
        fetch(healthz).then(
          () => false,
          () => true,
        ),
      "the bot to stop taking requests",
    );
    const late = await h.emu.userSends({ chatId: ORG.chats.xflWork, from: clicker, text: "上报 新的问题" });
    expect(late.delivery?.ok).toBe(false);

    held.state.release();
    answerSent();
    await stopped;
    await click;
    const db = await openDb(h.databaseUrl);
    const inboxDb = await openInboxDb(h.databaseUrl, db);
    try {
      expect(await inboxDb.inboundEvent.findMany({ select: { eventType: true, status: true } })).toEqual([
        { eventType: "card.action.trigger", status: "done" },
      ]);
      expect(await db.outboxMessage.findUniqueOrThrow({ where: { key: "shutdown-test" } })).toMatchObject({
        status: "sent",
        messageId: expect.stringMatching(/^om_/),
      });
    } finally {
      await closeInboxDb(inboxDb, db);
      await db.$disconnect();
    }
  });

  it("exports every series of /metrics after a small flow", async () => {
    h = await startBot({ mode: "webhook" });
    const reporter = h.people.get("何小燕") ?? "";
    const url = `http://127.0.0.1:${h.bot.port}`;
    // The report's card is refused for good (the bot was just removed); the private answer goes out.
    h.emu.failNext(
      { method: "POST", path: /\/reply$/ },
      { status: 400, code: 230002, msg: "Bot/User can NOT be out of the chat." },
    );
    const report = await h.emu.userSends({
      chatId: ORG.chats.xflWork,
      from: reporter,
      text: "上报 幸福路菜市场门口堆物",
    });
    await h.settle();
    await h.emu.redeliver(report.eventId ?? "");
    const stale = h.emu.buildWebhookRequest(h.emu.buildEnvelope("im.message.receive_v1", {}), { tamper: "stale" });
    expect((await fetch(`${url}/lark/events`, { method: "POST", ...stale })).status).toBe(401);
    await h.emu.userSends({ chatId: h.emu.p2pChatId(reporter), from: reporter, text: "待办" });
    await h.settle();

    // The outbox gauge is what the sender's latest pass read (a pass may have read just before the last send): it
    // reaches 0 by the next pass, within the poll interval.
    let metrics = "";
    const value = (series: string) => {
      const line = metrics.split("\n").find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    await expect
      .poll(
        async () => {
          metrics = await (await fetch(`${url}/metrics`)).text();
          return value("riqing_outbox_pending");
        },
        { timeout: 10_000 },
      )
      .toBe(0);
    const message = 'type="im.message.receive_v1"';
    expect(value(`riqing_events_received_total{${message},outcome="stored"}`)).toBe(2);
    expect(value(`riqing_events_received_total{${message},outcome="duplicate"}`)).toBe(1);
    expect(value('riqing_webhook_rejected_total{reason="stale timestamp"}')).toBe(1);
    expect(value(`riqing_event_processing_seconds_count{${message},outcome="done"}`)).toBe(2);
    expect(value(`riqing_event_processing_seconds_sum{${message},outcome="done"}`)).toBeGreaterThan(0);
    expect(value('riqing_lark_send_total{kind="reply",outcome="failed",code="230002"}')).toBe(1);
    expect(value('riqing_lark_send_total{kind="reply",outcome="sent",code="0"}')).toBe(1);
  });
});
