// behaviour §11.6
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/commands/create-api-key.ts";
import { startTestSandbox, type TestSandbox } from "../sandbox/support.ts";
import { type BotHarness, ORG, startBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

const MB = 1024 * 1024;

/**
 * POSTs `bytes` of JSON-looking text in 64 KB chunks with no Content-Length (chunked transfer encoding) and resolves
 * with the status, whenever the server answers — a server that refuses early may stop reading.
 */
function postChunked(url: string, bytes: number, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Transfer-Encoding": "chunked", ...headers },
    });
    request.on("response", (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("error", reject);
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", pump);
      }
      request.end();
    };
    request.write('{"text":"');
    pump();
  });
}

/** POSTs `body` as it is and resolves with the status. */
async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

describe("malformed messages, clicks and bodies", () => {
  let h: BotHarness;
  let p: (name: string) => string;
  let base: string;
  beforeAll(async () => {
    h = await startBot({ mode: "webhook" });
    p = (name) => h.people.get(name) ?? "";
    base = `http://127.0.0.1:${h.bot.port}`;
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });
  /** Events no handler could finish: malformed input must leave none. */
  const failedEvents = () => h.bot.inboxDb.inboundEvent.count({ where: { status: "failed" } });

  it("files a text with a lone surrogate, with U+FFFD in its place", async () => {
    const sent = await h.emu.userSends({
      chatId: ORG.chats.xflWork,
      from: p("何小燕"),
      text: "上报 幸福路菜市场门口堆物\uD83D堆料",
      images: [samplePng(11)],
    });
    await h.settle();
    const issue = await h.bot.db.issue.findFirstOrThrow({ where: { sourceMessageId: sent.messageId } });
    expect(issue.text).toContain("堆物\uFFFD堆料");
    expect(issue.cardMessageId).toBeTruthy();
    expect(await failedEvents()).toBe(0);
  });

  it("files a post with null lines and nodes from its good parts: the text and the photo", async () => {
    const sent = await h.emu.userSends({
      chatId: ORG.chats.xflWork,
      from: p("何小燕"),
      images: [samplePng(12)],
      content: ([key]) => ({
        title: null,
        content: [
          null,
          [{ tag: "text", text: "上报 幸福里小游园长椅损坏" }, null, { tag: "text", text: 5 }],
          "not a line",
          [{ tag: "img", image_key: key }],
          [{ tag: "img" }],
        ],
      }),
    });
    await h.settle();
    const issue = await h.bot.db.issue.findFirstOrThrow({
      where: { sourceMessageId: sent.messageId },
      include: { photos: true },
    });
    expect(issue.text).toContain("幸福里小游园长椅损坏");
    expect(issue.photos).toHaveLength(1);
    expect(await failedEvents()).toBe(0);
  });

  it("answers a click whose value is missing or wrong with a toast, and changes nothing", async () => {
    const sent = await h.emu.userSends({
      chatId: ORG.chats.xflWork,
      from: p("何小燕"),
      text: "上报 幸福里小区3号楼楼道堆物",
      images: [samplePng(13)],
    });
    await h.settle();
    const issue = await h.bot.db.issue.findFirstOrThrow({ where: { sourceMessageId: sent.messageId } });
    const history = await h.bot.db.issueEvent.count();
    const incomplete = "这个按钮的数据不完整，请在卡片上重新操作";
    const values: unknown[] = [
      { a: "accept" },
      { a: "fly", i: issue.id },
      { rm: "snooze" },
      { lb: "maybe", i: issue.id },
      { dg: "overdue", u: "x", d: "2026-11-23" },
      { rv: "read" },
      { bd: "open" },
      "accept",
      null,
      [issue.id],
    ];
    for (const value of values) {
      const answer = await h.emu.userClicks({
        messageId: issue.cardMessageId ?? "",
        from: p("李秀英"),
        value: value as Record<string, unknown>,
      });
      expect(answer?.toast?.content, JSON.stringify(value)).toBe(incomplete);
    }
    // A well-formed value naming a unit that is not there is a stale button, answered as such.
    const gone = await h.emu.userClicks({
      messageId: issue.cardMessageId ?? "",
      from: p("王建国"),
      value: { dg: "overdue", u: 99_999, d: "2026-11-23" },
    });
    expect(gone?.toast?.content).toBe("这个按钮已失效，请在最新的卡片上操作");
    await h.settle();
    expect(await h.bot.db.issueEvent.count()).toBe(history);
    expect(await failedEvents()).toBe(0);
    // The card still works.
    const accepted = await h.emu.userClicks({
      messageId: issue.cardMessageId ?? "",
      from: p("李秀英"),
      value: { a: "assign", i: issue.id },
      option: p("李秀英"),
    });
    expect(accepted?.toast?.content).toBe("已派单");
    await h.settle();
  });

  it("answers a click Lark's shape does not fit (no operator, no card) with a toast at once", async () => {
    const history = await h.bot.db.issueEvent.count();
    for (const event of [
      {
        action: { value: { a: "accept", i: 1 } },
        context: { open_message_id: "om_x", open_chat_id: ORG.chats.xflWork },
      },
      { operator: { open_id: p("李秀英") }, action: { value: { a: "accept", i: 1 } } },
    ]) {
      const request = h.emu.buildWebhookRequest(h.emu.buildEnvelope("card.action.trigger", event));
      const response = await fetch(`${base}/lark/events`, {
        method: "POST",
        headers: request.headers,
        body: request.body,
      });
      expect(await response.json()).toEqual({
        toast: { type: "warning", content: "这个按钮的数据不完整，请在卡片上重新操作" },
      });
    }
    await h.settle();
    expect(await h.bot.db.issueEvent.count()).toBe(history);
    expect(await failedEvents()).toBe(0);
  });

  it("answers 413 to a chunked body over the limit and 400 to malformed JSON on the webhook and the Open311 API", async () => {
    const xfjd = await h.bot.db.unit.findUniqueOrThrow({ where: { code: "xfjd" } });
    const { key } = await createApiKey(h.bot.db, { name: "热线", unitId: xfjd.id, write: true, rateLimit: 600 });
    const open311 = `${base}/open311/v2/requests.json?api_key=${key}`;
    expect(await postChunked(`${base}/lark/events`, 2 * MB)).toBe(413);
    expect(await postChunked(open311, 2 * MB)).toBe(413);
    expect(await post(`${base}/lark/events`, '{"schema":"2.0",')).toBe(400);
    expect(await post(open311, '{"service_code":')).toBe(400);
    // A JSON escape of half an emoji is filed with U+FFFD in its place, like a chat report.
    const filed = await post(
      open311,
      '{"address_id":"xfl-02-01","description":"市民来电：小游园长椅损坏\\ud83d","x_riqing_ticket":"GD1"}',
    );
    expect(filed).toBe(200);
    await h.settle();
    const issue = await h.bot.db.issue.findFirstOrThrow({ where: { externalId: "GD1" } });
    expect(issue.text).toContain("长椅损坏\uFFFD");
    // The server goes on serving.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});

describe("the sandbox's body limits", () => {
  let t: TestSandbox;
  beforeAll(async () => {
    t = await startTestSandbox();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("answers 413 to a chunked body over the limit and 400 to malformed JSON", async () => {
    const same = { Origin: t.origin, "Sec-Fetch-Site": "same-origin" };
    expect(await postChunked(`${t.origin}/sandbox/api/messages`, 41 * MB, same)).toBe(413);
    expect(await post(`${t.origin}/sandbox/api/messages`, '{"chatId":', same)).toBe(400);
    expect((await fetch(`${t.origin}/sandbox/api/messages`)).status).toBe(200);
  });
});
