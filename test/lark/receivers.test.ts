import { Session } from "node:inspector/promises";
import { Worker } from "node:worker_threads";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BotHarness, ORG, startBot } from "../support/bot.ts";
import { testPostgres } from "../support/postgres.ts";

describe("webhook receiver: verification, limits and acknowledge-first", () => {
  let h: BotHarness;
  let url: string;
  let logLines: string[];
  beforeEach(async () => {
    logLines = [];
    h = await startBot({ mode: "webhook", logLines });
    url = `http://127.0.0.1:${h.bot.port}/lark/events`;
  });
  afterEach(async () => {
    await h.close();
  });

  const post = (request: { headers: Record<string, string>; body: string }) =>
    fetch(url, { method: "POST", headers: request.headers, body: request.body });
  const stored = () => h.bot.inboxDb.inboundEvent.count();
  const messageEvent = (text: string, messageId = `om_${Math.random().toString(16).slice(2).padEnd(32, "0")}`) =>
    h.emu.buildEnvelope("im.message.receive_v1", {
      sender: { sender_id: { open_id: h.people.get("何小燕") }, sender_type: "user", tenant_key: "t" },
      message: {
        message_id: messageId,
        create_time: String(h.clock.epoch()),
        chat_id: ORG.chats.xflWork,
        chat_type: "group",
        message_type: "text",
        content: JSON.stringify({ text }),
      },
    });

  it("answers the url_verification challenge, plain and encrypted", async () => {
    expect(await h.emu.verifyUrl(url, { encrypt: false })).toEqual({ ok: true, status: 200 });
    expect(await h.emu.verifyUrl(url, { encrypt: true })).toEqual({ ok: true, status: 200 });
    const wrong = h.emu.buildUrlVerification({ encrypt: false, tamper: "token" });
    expect((await post(wrong.request)).status).toBe(401);
  });

  it("rejects a forged signature, a stale timestamp and a wrong token with 401 and stores nothing", async () => {
    for (const tamper of ["signature", "stale", "token"] as const) {
      const response = await post(h.emu.buildWebhookRequest(messageEvent("上报 测试"), { encrypt: true, tamper }));
      expect(response.status, tamper).toBe(401);
    }
    expect(await stored()).toBe(0);
  });

  it("answers 400 to malformed JSON, 413 to an oversized body, and 200 (ignored) to unknown event types", async () => {
    expect((await fetch(url, { method: "POST", body: "{not json" })).status).toBe(400);
    const big = JSON.stringify({ encrypt: "x".repeat(1024 * 1024 + 10) });
    expect((await fetch(url, { method: "POST", body: big })).status).toBe(413);
    const unknown = await post(
      h.emu.buildWebhookRequest(h.emu.buildEnvelope("contact.user.updated_v3", {}), { encrypt: true }),
    );
    expect(unknown.status).toBe(200);
    expect(await stored()).toBe(0);
  });

  it("stores an event once however often it is delivered, and processes it once", async () => {
    // These events are built here, for messages the emulator never saw: the card replying to one is refused.
    h.emu.allow(230001);
    const request = h.emu.buildWebhookRequest(messageEvent("上报 幸福路菜市场门口堆物"), { encrypt: true });
    for (let i = 0; i < 5; i++) expect((await post(request)).status).toBe(200);
    // Lark may also resend the same message under a new event id.
    const sameMessage = JSON.parse(JSON.stringify(messageEvent("x"))) as { event: { message: { message_id: string } } };
    const first = JSON.parse(JSON.stringify(messageEvent("x"))) as typeof sameMessage;
    sameMessage.event.message.message_id = "om_same0000000000000000000000000001";
    first.event.message.message_id = "om_same0000000000000000000000000001";
    await post(h.emu.buildWebhookRequest(first, { encrypt: true }));
    await post(h.emu.buildWebhookRequest(sameMessage, { encrypt: true }));
    await h.settle();
    expect(await stored()).toBe(2);
    expect(await h.bot.db.issue.count()).toBe(1);
  });

  it("stores and acknowledges an event while the bot's main thread is held up: the receiver thread answers", async () => {
    h.emu.allow(230001); // the card replies to a message the emulator never saw
    const request = h.emu.buildWebhookRequest(messageEvent("上报 主线程正忙时的上报"), { encrypt: true });
    // [0]: 1 once answered, 2 when the request failed; [1]: the status.
    const answered = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
    const client = new Worker(
      `const { workerData: { url, request, answered } } = require("node:worker_threads");
      const cells = new Int32Array(answered);
      const done = (outcome, status) => {
        Atomics.store(cells, 1, status);
        Atomics.store(cells, 0, outcome);
        Atomics.notify(cells, 0);
      };
      fetch(url, { method: "POST", headers: request.headers, body: request.body }).then(
        (response) => done(1, response.status),
        () => done(2, 0),
      );`,
      { eval: true, workerData: { url, request, answered: answered.buffer } },
    );
    // This thread (the bot's main thread: processing, the app, the emulator) waits without turning its event loop,
    // so only another thread can receive, store and acknowledge the event.
    const waited = Atomics.wait(answered, 0, 0, 20_000);
    await client.terminate();
    expect(waited).not.toBe("timed-out");
    expect([...answered]).toEqual([1, 200]);
    expect(await stored()).toBe(1);
    await h.settle();
    expect(await h.bot.db.issue.count()).toBe(1);
  });

  /**
   * Ends the receiver thread as if it had crashed. Nothing in the bot can kill it, so the test does, through the
   * inspector: the worker whose workerData marks it as the receiver exits.
   */
  const killReceiverThread = async () => {
    const inspector = new Session();
    inspector.connect();
    const workers: string[] = [];
    inspector.on("NodeWorker.attachedToWorker", (message) => workers.push(message.params.sessionId));
    await inspector.post("NodeWorker.enable", { waitForDebuggerOnStart: false });
    expect(workers.length).toBeGreaterThan(0);
    const exitIfReceiver = `(() => {
      const data = process.getBuiltinModule("node:worker_threads").workerData;
      if (data && typeof data === "object" && "riqing.receiverThread" in data) process.exit(1);
    })()`;
    for (const sessionId of workers) {
      await inspector.post("NodeWorker.sendMessageToWorker", {
        sessionId,
        message: JSON.stringify({ id: 1, method: "Runtime.evaluate", params: { expression: exitIfReceiver } }),
      });
    }
    inspector.disconnect();
  };
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Whether a connection to the bot's public port is refused. */
  const isRefused = () =>
    fetch(`http://127.0.0.1:${h.bot.port}/healthz`).then(
      () => false,
      () => true,
    );
  /** Waits (up to 5 s) until nothing listens on the bot's public port. */
  const refused = async () => {
    const deadline = Date.now() + 5_000;
    while (!(await isRefused())) {
      expect(Date.now()).toBeLessThan(deadline);
      await pause(20);
    }
  };

  it("starts a new receiver thread on the same port when the thread dies, and receives again", async () => {
    h.emu.allow(230001); // the card replies to a message the emulator never saw
    await killReceiverThread();
    await refused();

    const request = h.emu.buildWebhookRequest(messageEvent("上报 收件线程重启后的上报"), { encrypt: true });
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      status = await post(request).then(
        (response) => response.status,
        () => 0,
      );
      if (status !== 200) await pause(50);
    }
    expect(status).toBe(200);
    expect(await stored()).toBe(1);
    await h.settle();
    expect(await h.bot.db.issue.count()).toBe(1);
  });

  it("starts no new receiver thread once the bot is stopped while its dead thread waits to be replaced", async () => {
    // The start-up sweep done, the stop reaches the receiving at once, within the second before a new thread.
    await h.bot.scheduled();
    await killReceiverThread();
    // The bot has seen its thread die.
    const deadline = Date.now() + 5_000;
    while (!logLines.some((line) => line.includes("the receiver thread stopped;"))) {
      expect(Date.now()).toBeLessThan(deadline);
      await pause(10);
    }
    await h.stop();
    // A new thread would come 1 s after the old one died: watch the port for twice that.
    const until = Date.now() + 2_000;
    while (Date.now() < until) {
      expect(await isRefused()).toBe(true);
      await pause(100);
    }
  });

  it("serves health and Prometheus metrics", async () => {
    const health = await fetch(`http://127.0.0.1:${h.bot.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      status: "ok",
      checks: { database: "ok", lark: "ok" },
      database: { kind: testPostgres() ? "PostgreSQL" : "SQLite", version: expect.stringMatching(/^\d+\.\d+/) },
    });
    await post(h.emu.buildWebhookRequest(messageEvent("上报 测试"), { encrypt: true, tamper: "stale" }));
    const metrics = await (await fetch(`http://127.0.0.1:${h.bot.port}/metrics`)).text();
    expect(metrics).toContain('riqing_webhook_rejected_total{reason="stale timestamp"} 1');
    h.emu.failNext({ path: "/open-apis/bot/v3/info" }, { status: 500, code: 500, msg: "down" });
    h.emu.failNext({ path: "/open-apis/bot/v3/info" }, { status: 500, code: 500, msg: "down" });
    h.emu.failNext({ path: "/open-apis/bot/v3/info" }, { status: 500, code: 500, msg: "down" });
    expect((await fetch(`http://127.0.0.1:${h.bot.port}/healthz`)).status).toBe(503);
  });
});
