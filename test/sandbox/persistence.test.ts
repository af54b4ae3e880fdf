import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ClockAnswer, MessageView, SandboxState } from "../../src/sandbox/api-types.ts";
import { named, postToSandbox, startTestSandbox, type TestSandbox, tempDataDir } from "./support.ts";

const WORK_GROUP = "幸福里社区创城工作群";
const LEADER_GROUP = "幸福街道创城领导群";

/** 09:00 today in Shanghai, worked out independently of the code under test. */
function nineToday(): number {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
  return Date.parse(`${today}T09:00:00+08:00`);
}

async function get<T>(t: TestSandbox, path: string): Promise<T> {
  return (await (await fetch(`${t.origin}/sandbox/api/${path}`)).json()) as T;
}

async function post<T>(t: TestSandbox, path: string, body: unknown): Promise<T> {
  const response = await postToSandbox(t.origin, path, body);
  expect(response.ok).toBe(true);
  return (await response.json()) as T;
}

async function report(t: TestSandbox, text: string): Promise<void> {
  const chatId = named(t.chats, WORK_GROUP);
  await post(t, "messages", { chatId, from: named(t.people, "何小燕"), text, photos: [{ sample: "market-boxes" }] });
  await t.sandbox.settle();
}

/**
 * The messages a (re)started sandbox shows once it has settled, less the leader group's: a start may send the
 * street's 工作简报 there on its own (behaviour §15.5), and nothing of the session before is ever in it here.
 */
async function messagesAtStart(t: TestSandbox): Promise<MessageView[]> {
  await t.sandbox.settle();
  const leaders = named(t.chats, LEADER_GROUP);
  return (await get<MessageView[]>(t, "messages")).filter((m) => m.chatId !== leaders);
}

const cardTitle = (m: MessageView | undefined) =>
  (m?.content as { header?: { title?: { content?: string } } } | undefined)?.header?.title?.content;

async function issueCard(t: TestSandbox, number: number): Promise<MessageView | undefined> {
  return (await get<MessageView[]>(t, "messages")).find((m) => cardTitle(m)?.startsWith(`#${number} `));
}

describe("the sandbox across restarts", () => {
  const dataDir = tempDataDir();
  const folder = join(dataDir, "sandbox");
  let t: TestSandbox | undefined;
  let first: { state: SandboxState; messages: MessageView[] };

  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("starts from the demo on first run, its clock at 09:00 local time today", async () => {
    t = await startTestSandbox({ dataDir });
    const state = await get<SandboxState>(t, "state");
    expect(Math.abs(state.now - nineToday())).toBeLessThan(60_000);
    expect(await messagesAtStart(t)).toEqual([]);
  });

  it("saves the chats, the card, the issue and the clock when it stops, and resumes them on the next start", async () => {
    if (!t) throw new Error("no sandbox");
    await report(t, "上报 幸福路菜市场门口堆物堆料");
    const card = await issueCard(t, 1001);
    await post(t, "clicks", {
      messageId: card?.messageId,
      from: named(t.people, "郑晓红"),
      value: { a: "accept", i: 1 },
      tag: "button",
    });
    await t.sandbox.settle();
    await post<ClockAnswer>(t, "clock", { action: "advance", minutes: 90 });
    first = { state: await get<SandboxState>(t, "state"), messages: await get<MessageView[]>(t, "messages") };
    expect(cardTitle(first.messages.find((m) => m.messageId === card?.messageId))).toBe("#1001 堆物堆料 · 整改中");
    await t.close();

    expect(existsSync(join(folder, "sandbox-state.json"))).toBe(true);
    const leftovers = [...readdirSync(folder), ...readdirSync(join(folder, "lark-files"))].filter((f) =>
      f.endsWith(".tmp"),
    );
    expect(leftovers).toEqual([]);

    t = await startTestSandbox({ dataDir });
    const state = await get<SandboxState>(t, "state");
    expect(state.sessionId).toBe(first.state.sessionId);
    expect(state.bot).toEqual(first.state.bot);
    expect(state.people).toEqual(first.state.people);
    // The clock goes on from where it stopped, not from the real time that passed meanwhile.
    expect(state.now).toBeGreaterThanOrEqual(first.state.now);
    expect(state.now - first.state.now).toBeLessThan(60_000);
    expect(await get<MessageView[]>(t, "messages")).toEqual(first.messages);
    const photo = /"img_key":"([^"]+)"/.exec(JSON.stringify(card?.content))?.[1];
    const image = await fetch(`${t.origin}/sandbox/api/resources/${photo}`);
    expect(image.headers.get("content-type")).toBe("image/png");
    const issue = await t.sandbox.session()?.riqing.db.issue.findUnique({ where: { number: 1001 } });
    expect(issue?.status).toBe("accepted");
  });

  it("goes on working with the resumed chats: the card still updates in place and numbers continue", async () => {
    if (!t) throw new Error("no sandbox");
    const card = await issueCard(t, 1001);
    await post(t, "messages", {
      chatId: named(t.chats, WORK_GROUP),
      from: named(t.people, "郑晓红"),
      replyTo: card?.messageId,
      photos: [{ sample: "market-cleared" }],
    });
    await t.sandbox.settle();
    expect(cardTitle(await issueCard(t, 1001))).toBe("#1001 堆物堆料 · 待验收");
    await report(t, "上报 幸福里小区3号楼楼道堆放杂物");
    expect(cardTitle(await issueCard(t, 1002))).toMatch(/^#1002 /);
  });

  it("starts from the demo with --reset, and again after the page's reset button", async () => {
    if (!t) throw new Error("no sandbox");
    await t.close();
    t = await startTestSandbox({ dataDir, reset: true });
    const state = await get<SandboxState>(t, "state");
    expect(state.sessionId).not.toBe(first.state.sessionId);
    expect(Math.abs(state.now - nineToday())).toBeLessThan(60_000);
    expect(await messagesAtStart(t)).toEqual([]);
    expect(await t.sandbox.session()?.riqing.db.issue.count()).toBe(0);

    await report(t, "上报 幸福路菜市场门口堆物堆料");
    expect(await issueCard(t, 1001)).toBeDefined();
    await post(t, "clock", { action: "advance", minutes: 120 });
    await post(t, "reset", {});
    await expect
      .poll(async () => (await get<SandboxState>(t as TestSandbox, "state").catch(() => undefined))?.sessionId, {
        timeout: 20_000,
      })
      .not.toBeOneOf([undefined, state.sessionId]);
    expect(await messagesAtStart(t)).toEqual([]);
    expect(Math.abs((await get<SandboxState>(t, "state")).now - nineToday())).toBeLessThan(60_000);
  });

  it("starts from the demo when the saved chats and the database do not belong together", async () => {
    if (!t) throw new Error("no sandbox");
    await report(t, "上报 幸福路菜市场门口堆物堆料");
    const kept = (await get<SandboxState>(t, "state")).sessionId;
    await t.close();
    rmSync(join(folder, "riqing.db"));
    t = await startTestSandbox({ dataDir });
    const state = await get<SandboxState>(t, "state");
    expect(state.sessionId).not.toBe(kept);
    expect(await messagesAtStart(t)).toEqual([]);
  });
});
