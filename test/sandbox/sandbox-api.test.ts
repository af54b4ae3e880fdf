import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClickAnswer, ClockAnswer, MessageView, SandboxEvent, SandboxState } from "../../src/sandbox/api-types.ts";
import { connects, otherAddresses } from "../support/addresses.ts";
import { samplePng } from "../support/images.ts";
import { MONDAY_9AM, named, postToSandbox, startTestSandbox, type TestSandbox } from "./support.ts";

const HOUR = 3_600_000;

describe("the sandbox API with the real bot", () => {
  let t: TestSandbox;
  let workGroup: string;
  const person = (name: string) => named(t.people, name);

  async function call<T>(path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const response =
      body === undefined ? await fetch(`${t.origin}/sandbox/api/${path}`) : await postToSandbox(t.origin, path, body);
    return { status: response.status, json: (await response.json()) as T };
  }
  /** A request with exactly these headers (fetch would not let a test set Host). */
  function raw(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; json: unknown }> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        {
          host: "127.0.0.1",
          port: t.sandbox.port,
          method,
          path,
          headers: { "Content-Type": "application/json", ...headers },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let json: unknown = text;
            try {
              json = JSON.parse(text);
            } catch {
              // Not JSON (the page): compared by status only.
            }
            resolve({ status: response.statusCode ?? 0, json });
          });
        },
      );
      request.on("error", reject);
      request.end(body);
    });
  }
  const messages = async () => (await call<MessageView[]>("messages")).json.filter((m) => m.chatId === workGroup);
  const cardTitle = (m: MessageView) => (m.content as { header: { title: { content: string } } }).header.title.content;

  beforeAll(async () => {
    t = await startTestSandbox();
    workGroup = named(t.chats, "幸福里社区创城工作群");
  });
  afterAll(async () => {
    await t?.close();
  });

  it("listens on 127.0.0.1 only: the page server and the emulator refuse connections on other addresses", async () => {
    expect(t.sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sandbox$/);
    const emulatorPort = Number(new URL(t.sandbox.session()?.emu.baseUrl ?? "").port);
    const others = otherAddresses();
    expect(others.length).toBeGreaterThan(0);
    for (const port of [t.sandbox.port, emulatorPort]) {
      expect(await connects("127.0.0.1", port)).toBe(true);
      for (const address of others)
        expect({ address, port, open: await connects(address, port) }).toMatchObject({ open: false });
    }
  });

  it("refuses requests for another host name or from another origin, with 403 and a sentence", async () => {
    const refused = {
      status: 403,
      json: { error: "拒绝访问：沙箱只接受本机沙箱页面（127.0.0.1 或 localhost）发来的请求" },
    };
    const port = t.sandbox.port;
    // DNS rebinding: a foreign name that resolves to 127.0.0.1.
    expect(await raw("GET", "/sandbox/api/state", { Host: `evil.example:${port}` })).toEqual(refused);
    expect((await raw("GET", "/sandbox", { Host: `evil.example:${port}` })).status).toBe(403);
    // A page on another site posting to the sandbox (a form or fetch sends its Origin).
    expect(await raw("POST", "/sandbox/api/reset", { Origin: "http://evil.example" }, "{}")).toEqual(refused);
    expect(await raw("POST", "/sandbox/api/reset", { Origin: "null" }, "{}")).toEqual(refused);
    expect(await raw("POST", "/sandbox/api/reset", { Origin: `http://localhost:${port + 1}` }, "{}")).toEqual(refused);
    // The sandbox page itself, under either name.
    expect((await raw("GET", "/sandbox/api/state", { Host: `localhost:${port}` })).status).toBe(200);
    const own = await raw("POST", "/sandbox/api/messages", { Origin: `http://127.0.0.1:${port}` }, "{}");
    expect(own.status).toBe(400);
    expect(
      (await raw("GET", "/sandbox/api/state", { Origin: `http://localhost:${port}`, Host: `localhost:${port}` }))
        .status,
    ).toBe(200);
  });

  // behaviour §10.5
  it("changes nothing for a request that is not a same-origin JSON request from the page itself: 403", async () => {
    const session = t.sandbox.session();
    if (!session) throw new Error("no session");
    const db = session.riqing.db;
    const snapshot = async () => ({
      messages: (await call<MessageView[]>("messages")).json.length,
      issues: await db.issue.count(),
      bindings: await db.chatBinding.count(),
    });
    // What the sandbox sends at its start (the Monday 09:00 工作简报) is out before the count is taken.
    await t.sandbox.settle();
    const before = await snapshot();
    const port = t.sandbox.port;
    const own = `http://127.0.0.1:${port}`;
    const report = JSON.stringify({ chatId: workGroup, from: person("何小燕"), text: "上报 幸福路菜市场门口堆物" });
    const unbind = JSON.stringify({ chatId: workGroup, from: person("李秀英"), text: "解绑", mentionBot: true });
    const forged: [string, Record<string, string>][] = [
      // A form or a no-cors fetch from another site: text/plain, which needs no preflight.
      ["text/plain from another site", { "Content-Type": "text/plain", Origin: "http://evil.example" }],
      ["text/plain, even claiming the page's origin", { "Content-Type": "text/plain", Origin: own }],
      ["text/plain with no Origin", { "Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site" }],
      ["JSON from a cross-site page", { "Sec-Fetch-Site": "cross-site" }],
      ["JSON from a sibling site", { "Sec-Fetch-Site": "same-site" }],
      ["JSON naming the page's origin from a cross-site page", { Origin: own, "Sec-Fetch-Site": "cross-site" }],
      ["JSON that does not say where it comes from", {}],
      // DNS rebinding: evil.example resolves to 127.0.0.1, so the page's origin is evil.example's.
      ["JSON for another host name", { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` }],
      ["JSON for the right name on another port", { Host: `127.0.0.1:${port + 1}`, Origin: own }],
    ];
    for (const [what, headers] of forged) {
      for (const body of [report, unbind]) {
        expect({ what, status: (await raw("POST", "/sandbox/api/messages", headers, body)).status }).toEqual({
          what,
          status: 403,
        });
      }
      expect({ what, status: (await raw("POST", "/sandbox/api/reset", headers, "{}")).status }).toEqual({
        what,
        status: 403,
      });
    }
    await t.sandbox.settle();
    expect(await snapshot()).toEqual(before);
    // The page itself passes, under each loopback name, by its Origin or by Sec-Fetch-Site (then refused as empty).
    const fromPage: Record<string, string>[] = [
      { Origin: own },
      { Host: `localhost:${port}`, Origin: `http://localhost:${port}` },
      { Host: `[::1]:${port}`, Origin: `http://[::1]:${port}`, "Sec-Fetch-Site": "same-origin" },
      { "Sec-Fetch-Site": "same-origin" },
      { Origin: own, "Content-Type": "application/json; charset=utf-8" },
    ];
    for (const headers of fromPage) {
      expect({ headers, status: (await raw("POST", "/sandbox/api/messages", headers, "{}")).status }).toEqual({
        headers,
        status: 400,
      });
    }
    expect((await raw("GET", "/sandbox/api/state", { Host: `[::1]:${port}` })).status).toBe(200);
  });

  it("serves the page, its bundled script, its fonts and the sample photos", async () => {
    const page = await fetch(t.sandbox.url);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("/sandbox/assets/app.js");
    const script = await fetch(`${t.origin}/sandbox/assets/app.js`);
    expect(script.headers.get("content-type")).toContain("javascript");
    expect(await script.text()).toContain("EventSource");
    const font = await fetch(`${t.origin}/sandbox/assets/font-regular.otf`, { method: "HEAD" });
    expect(font.headers.get("content-type")).toBe("font/otf");
    const sample = await fetch(`${t.origin}/sandbox/api/samples/market-boxes.png`);
    expect(sample.headers.get("content-type")).toBe("image/png");
    expect(
      Buffer.from(await sample.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
    expect((await fetch(`${t.origin}/sandbox/assets/nope.js`)).status).toBe(404);
    const root = await fetch(`${t.origin}/`, { redirect: "manual" });
    expect(root.headers.get("location")).toBe("/sandbox");
  });

  it("describes the demo: people with their roles, the bound groups, samples and the virtual time", async () => {
    const { json: state } = await call<SandboxState>("state");
    expect(state.people).toHaveLength(17);
    expect(state.people.find((p) => p.name === "郑晓红")?.roles).toEqual([
      "幸福里第一网格 · 网格长",
      "幸福里第二网格 · 网格长",
    ]);
    expect(state.people.every((p) => p.p2pChatId.startsWith("oc_"))).toBe(true);
    expect(state.chats.map((c) => [c.name, c.purpose])).toContainEqual(["幸福街道创城领导群", "领导群"]);
    expect(state.samples.map((s) => s.id)).toContain("market-cleared");
    expect(state.now).toBeGreaterThanOrEqual(MONDAY_9AM.getTime());
    expect(state.now - MONDAY_9AM.getTime()).toBeLessThan(60_000);
    expect(state.timeZone).toBe("Asia/Shanghai");
  });

  it("posts a photo report as a worker, streams the bot's card, and takes clicks as the grid head", async () => {
    const events: SandboxEvent[] = [];
    const stream = await fetch(`${t.origin}/sandbox/api/events`);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const reader = stream.body?.pipeThrough(new TextDecoderStream()).getReader();
    const reading = (async () => {
      let buffer = "";
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) return;
        buffer += chunk.value;
        const blocks = buffer.split("\n\n");
        buffer = blocks.pop() ?? "";
        for (const block of blocks) {
          if (block.startsWith("data: ")) events.push(JSON.parse(block.slice(6)) as SandboxEvent);
        }
      }
    })();

    const sent = await call<{ messageId: string }>("messages", {
      chatId: workGroup,
      from: person("何小燕"),
      text: "上报 幸福路菜市场门口堆物堆料，纸箱堆了一地",
      photos: [{ sample: "market-boxes" }],
    });
    expect(sent.status).toBe(200);
    await t.sandbox.settle();
    const card = (await messages()).find((m) => m.msgType === "interactive" && m.parentId === sent.json.messageId);
    if (!card) throw new Error("no issue card");
    expect(cardTitle(card)).toBe("#1001 堆物堆料 · 待接单");
    expect(card.sender).toEqual({ kind: "bot", name: "日清" });
    const report = (await messages()).find((m) => m.messageId === sent.json.messageId);
    expect(report?.msgType).toBe("post");
    expect(report?.sender).toMatchObject({ kind: "user", name: "何小燕" });

    const imgKey = /"img_key":"([^"]+)"/.exec(JSON.stringify(card.content))?.[1];
    const photo = await fetch(`${t.origin}/sandbox/api/resources/${imgKey}`);
    expect(photo.headers.get("content-type")).toBe("image/png");

    const denied = await call<ClickAnswer>("clicks", {
      messageId: card.messageId,
      from: person("高鹏"),
      value: { a: "accept", i: 1 },
      tag: "button",
    });
    expect(denied.json.toast).toEqual({ type: "error", content: "只有本网格的网格长或责任人 郑晓红 可以接单" });
    const accepted = await call<ClickAnswer>("clicks", {
      messageId: card.messageId,
      from: person("郑晓红"),
      value: { a: "accept", i: 1 },
      tag: "button",
    });
    expect(accepted.json.toast).toEqual({ type: "success", content: "已接单" });
    await t.sandbox.settle();
    const updated = (await messages()).find((m) => m.messageId === card.messageId);
    expect(updated && cardTitle(updated)).toBe("#1001 堆物堆料 · 整改中");
    expect(updated?.updates).toBeGreaterThan(0);

    await expect
      .poll(() => events.some((e) => e.type === "message.updated" && e.message.messageId === card.messageId))
      .toBe(true);
    expect(events.some((e) => e.type === "message" && e.message.messageId === sent.json.messageId)).toBe(true);
    await reader?.cancel();
    await reading;
  });

  it("accepts an uploaded photo and a reply in the thread: the after-photo rectifies the issue", async () => {
    const card = (await messages()).find((m) => m.msgType === "interactive");
    const reply = await call<{ messageId: string }>("messages", {
      chatId: workGroup,
      from: person("郑晓红"),
      replyTo: card?.messageId,
      photos: [{ base64: samplePng(7).toString("base64") }],
    });
    expect(reply.status).toBe(200);
    await t.sandbox.settle();
    const after = (await messages()).find((m) => m.messageId === card?.messageId);
    expect(after && cardTitle(after)).toBe("#1001 堆物堆料 · 待验收");
  });

  it("moves the clock: by minutes, to the next 18:00, and to the next time the bot sends something", async () => {
    const before = (await call<SandboxState>("state")).json.now;
    const plus = await call<ClockAnswer>("clock", { action: "advance", minutes: 90 });
    expect(plus.json.now - before).toBeGreaterThanOrEqual(1.5 * HOUR);
    expect(plus.json.now - before).toBeLessThan(1.5 * HOUR + 30_000);

    const evening = await call<ClockAnswer>("clock", { action: "until", time: "18:00" });
    expect(new Date(evening.json.now).toISOString()).toMatch(/^2026-11-23T10:00:0\d/);
    await t.sandbox.settle();
    const digest = (await messages()).find((m) => m.msgType === "interactive" && cardTitle(m).startsWith("日清日报"));
    expect(digest && cardTitle(digest)).toBe("日清日报 · 幸福里社区 · 11月23日");

    // 和平社区's digest is at 18:30, the leader group's at 19:00.
    const peace = await call<ClockAnswer>("clock", { action: "next" });
    expect(new Date(peace.json.now).toISOString()).toMatch(/^2026-11-23T10:30:0\d/);
    const leaders = await call<ClockAnswer>("clock", { action: "next" });
    expect(new Date(leaders.json.now).toISOString()).toMatch(/^2026-11-23T11:00:0\d/);

    await call("messages", {
      chatId: workGroup,
      from: person("何小燕"),
      text: "上报 幸福里小游园乱扔垃圾",
      photos: [{ sample: "flyers" }],
    });
    await t.sandbox.settle();
    const session = t.sandbox.session();
    const issue = await session?.riqing.db.issue.findFirst({ where: { number: 1002 } });
    if (!issue?.deadline) throw new Error("the second report has no deadline");
    // Due at 19:00 tomorrow: the next thing is its reminder two hours before.
    const reminder = await call<ClockAnswer>("clock", { action: "next" });
    expect(reminder.json.now - (issue.deadline.getTime() - 2 * HOUR)).toBeGreaterThanOrEqual(0);
    expect(reminder.json.now - (issue.deadline.getTime() - 2 * HOUR)).toBeLessThan(30_000);
    await t.sandbox.settle();
    expect(
      (await messages()).some((m) =>
        JSON.stringify(m.content).includes("#1002 距整改期限还有 2 小时（今天 19:00 前）"),
      ),
    ).toBe(true);
  });

  it("answers mistakes with a sentence and a 4xx, never a crash", async () => {
    const unknown = await call<{ error: string }>("messages", { chatId: workGroup, from: "ou_nobody", text: "你好" });
    expect(unknown).toEqual({ status: 400, json: { error: "没有这个演示人员" } });
    const empty = await call<{ error: string }>("messages", { chatId: workGroup, from: person("何小燕"), text: "  " });
    expect(empty).toEqual({ status: 400, json: { error: "请输入文字或添加照片" } });
    const notJson = await call<{ error: string }>("messages", "{not json");
    expect(notJson.status).toBe(400);
    const badSample = await call<{ error: string }>("messages", {
      chatId: workGroup,
      from: person("何小燕"),
      photos: [{ sample: "nope" }],
    });
    expect(badSample.json.error).toBe("没有这张示例照片");
    const notImage = await call<{ error: string }>("messages", {
      chatId: workGroup,
      from: person("何小燕"),
      photos: [{ base64: Buffer.from("hello").toString("base64") }],
    });
    expect(notImage.json.error).toBe("只能上传图片（JPG、PNG、GIF、WEBP 等）");
    const otherPrivate = await call<{ error: string }>("messages", {
      chatId: (await call<SandboxState>("state")).json.people[0]?.p2pChatId,
      from: person("何小燕"),
      text: "待办",
    });
    expect(otherPrivate.status).toBe(403);
    const backwards = await call<{ error: string }>("clock", { action: "advance", minutes: -5 });
    expect(backwards.status).toBe(400);
    const notACard = await call<{ error: string }>("clicks", {
      messageId: "om_nope",
      from: person("何小燕"),
      value: {},
      tag: "button",
    });
    expect(notACard.status).toBe(404);
  });

  it("offers files the bot sends for download under their name", async () => {
    const session = t.sandbox.session();
    if (!session) throw new Error("no session");
    const fileKey = await session.riqing.client.uploadFile({
      file: Buffer.from("ledger"),
      fileType: "xls",
      fileName: "幸福里社区台账.xlsx",
    });
    await session.riqing.client.send({
      receiveIdType: "chat_id",
      receiveId: workGroup,
      msgType: "file",
      content: { file_key: fileKey },
    });
    const file = (await messages()).find((m) => m.msgType === "file");
    expect(file?.file).toEqual({ name: "幸福里社区台账.xlsx", size: 6 });
    const download = await fetch(`${t.origin}/sandbox/api/resources/${fileKey}`);
    expect(download.headers.get("content-disposition")).toBe(
      `attachment; filename*=UTF-8''${encodeURIComponent("幸福里社区台账.xlsx")}`,
    );
    expect(await download.text()).toBe("ledger");
  });

  it("resets to the demo state on the same port", async () => {
    const before = (await call<SandboxState>("state")).json;
    const port = t.sandbox.port;
    const reset = await call<{ ok: boolean }>("reset", {});
    expect(reset.status).toBe(202);
    await expect
      .poll(
        async () => (await call<SandboxState>("state").catch(() => undefined))?.json.sessionId ?? before.sessionId,
        {
          timeout: 20_000,
        },
      )
      .not.toBe(before.sessionId);
    expect(t.sandbox.port).toBe(port);
    expect(await messages()).toEqual([]);
    const session = t.sandbox.session();
    expect(await session?.riqing.db.issue.count()).toBe(0);
    expect(await session?.riqing.db.person.count()).toBe(17);
    const after = (await call<SandboxState>("state")).json;
    expect(after.now - MONDAY_9AM.getTime()).toBeLessThan(60_000);
  });
});
