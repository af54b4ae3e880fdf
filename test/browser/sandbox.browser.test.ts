import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageView, SandboxState } from "../../src/sandbox/api-types.ts";
import { named, startTestSandbox, type TestSandbox } from "../sandbox/support.ts";

/** Debian's Chromium; the test drives it with playwright-core and never downloads a browser. */
const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) {
  console.warn(
    `SKIPPED the sandbox browser test: ${CHROMIUM} not found. Install Debian's chromium package ` +
      "(apt-get install -y chromium) to run it.",
  );
}

/** Screenshots go to test-results/ (ignored by git); RIQING_SCREENSHOTS=docs refreshes the ones README shows. */
const SHOT_DIR = join(
  import.meta.dirname,
  "../..",
  process.env.RIQING_SCREENSHOTS === "docs" ? "docs" : "test-results",
);

const WORK_GROUP = "幸福里社区创城工作群";
const LEADER_GROUP = "幸福街道创城领导群";
const WAIT = { timeout: 20_000 };

/** Reports from the other communities: [group, reporter, sample photo, text]. */
const MORNING: [string, string, string, string][] = [
  ["东风路社区创城工作群", "高鹏", "street-stall", "上报 东风路小学门口有流动摊贩占道经营"],
  ["东风路社区创城工作群", "高鹏", "flyers", "上报 东风路公交站站牌上贴满小广告"],
  ["东风路社区创城工作群", "高鹏", "flying-wire", "上报 东风新村有人飞线充电"],
  ["和平社区创城工作群", "罗婷", "market-boxes", "上报 和平广场东侧堆物堆料"],
  ["和平社区创城工作群", "罗婷", "street-stall", "上报 和平路美食街占道经营"],
  ["和平社区创城工作群", "罗婷", "flyers", "上报 和平里北门墙上小广告"],
  ["幸福里社区创城工作群", "何小燕", "street-stall", "上报 幸福里商业街有流动摊贩占道经营"],
];

describe("the sandbox page in Chromium", () => {
  let t: TestSandbox;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) return;
    t = await startTestSandbox();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const context = await browser.newContext({
      viewport: { width: 1440, height: 1000 },
      locale: "zh-CN",
      timezoneId: "Asia/Shanghai",
    });
    page = await context.newPage();
    page.on("pageerror", (error) => {
      throw error;
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Messages of a chat from the API (for finding what the page must show). */
  async function apiMessages(chat: string): Promise<MessageView[]> {
    const state = (await (await fetch(`${t.origin}/sandbox/api/state`)).json()) as SandboxState;
    const chatId = state.chats.find((c) => c.name === chat)?.chatId;
    const all = (await (await fetch(`${t.origin}/sandbox/api/messages`)).json()) as MessageView[];
    return all.filter((m) => m.chatId === chatId);
  }

  async function actAs(name: string): Promise<void> {
    await page.locator('[data-test="persona"]').click();
    await page.locator(`[data-persona="${name}"]`).click();
    await expect.poll(() => page.locator('[data-test="persona"] .person-name').textContent()).toBe(name);
  }

  async function openChat(name: string): Promise<void> {
    await page.locator(`[data-chat="${name}"]`).click();
    await page.locator(".chat-title", { hasText: name }).waitFor(WAIT);
  }

  async function postSample(sample: string, text?: string): Promise<void> {
    const composer = page.locator(".chat > .composer");
    await composer.locator('[data-test="samples"]').click();
    await composer.locator(`[data-sample="${sample}"]`).click();
    if (text !== undefined) await composer.locator('[data-test="composer-text"]').fill(text);
    await composer.locator('[data-test="send"]').click();
  }

  /** The message row holding the issue card whose title starts with `#number`. */
  function issueCard(number: number): Locator {
    return page.locator(".chat .msg.has-card", { has: page.locator(".card-title", { hasText: `#${number} ` }) });
  }

  async function cardTitle(number: number): Promise<string> {
    return (await issueCard(number).locator(".card-title").textContent()) ?? "";
  }

  async function toast(text: string): Promise<void> {
    await page.locator('[data-test="toast"]', { hasText: text }).first().waitFor(WAIT);
  }

  /** Waits for a bot message in `chat` (after `since`) that mentions `needle`, then for the page to show it. */
  async function seeBotMessage(chat: string, needle: string, since: number): Promise<void> {
    let found: MessageView | undefined;
    await expect
      .poll(
        async () => {
          found = (await apiMessages(chat)).find(
            (m) => m.sender.kind === "bot" && m.createTime >= since && JSON.stringify(m.content).includes(needle),
          );
          return found !== undefined;
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    await openChat(chat);
    await page.locator(`.chat [data-message-id="${found?.messageId}"]`).waitFor(WAIT);
  }

  async function jump(button: string): Promise<number> {
    const before = await page.locator('[data-test="clock"]').textContent();
    await page.locator(`[data-jump="${button}"]`).click();
    await expect.poll(() => page.locator('[data-test="clock"]').textContent()).not.toBe(before);
    const state = (await (await fetch(`${t.origin}/sandbox/api/state`)).json()) as SandboxState;
    return state.now;
  }

  /**
   * Saves the page, made tall enough to show a whole card, with `focus` scrolled to the top of the chat, the pointer
   * out of the way and only happy toasts.
   */
  async function screenshot(name: string, focus: Locator): Promise<void> {
    mkdirSync(SHOT_DIR, { recursive: true });
    await page.setViewportSize({ width: 1440, height: 1400 });
    await page.mouse.move(0, 0);
    await focus.evaluate((element) => element.scrollIntoView({ block: "start" }));
    // Page-side code as a string: this file is compiled without the DOM library.
    await page.evaluate(`(async () => {
      for (const toast of document.querySelectorAll(".toast-error")) toast.remove();
      await document.fonts.ready;
    })()`);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOT_DIR, name) });
    await page.setViewportSize({ width: 1440, height: 1000 });
  }

  it.skipIf(!HAVE_CHROMIUM)(
    "plays a day: photo report, accept, after-photo, verify, an overdue report, reminders and the digest",
    async () => {
      await page.goto(t.sandbox.url);
      await page.locator(".chat-item").first().waitFor(WAIT);
      await page.locator(".tip button").click();
      await openChat(WORK_GROUP);

      // A grid worker reports piled boxes with a photo.
      await actAs("何小燕");
      await postSample("market-boxes");
      await issueCard(1001).waitFor(WAIT);
      expect(await cardTitle(1001)).toBe("#1001 堆物堆料 · 待接单");
      await expect
        .poll(() =>
          issueCard(1001)
            .locator(".card-img img")
            .first()
            .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
        )
        .toBeGreaterThan(0);
      await expect.poll(() => issueCard(1001).locator(".mention").first().textContent()).toBe("@郑晓红");

      // The worker may not accept; the grid head does.
      await issueCard(1001).getByRole("button", { name: "接单" }).click();
      await toast("只有责任人可以接单");
      await actAs("郑晓红");
      await issueCard(1001).getByRole("button", { name: "接单" }).click();
      await toast("已接单");
      await expect.poll(() => cardTitle(1001), WAIT).toBe("#1001 堆物堆料 · 整改中");
      await screenshot("sandbox-issue-card.png", page.locator(".chat .msg-group").first());

      // The grid head replies to the card with an after-photo.
      await issueCard(1001).hover();
      await issueCard(1001).locator(".tool-reply").click();
      await postSample("market-cleared");
      await expect.poll(() => cardTitle(1001), WAIT).toBe("#1001 堆物堆料 · 待验收");

      // The community secretary verifies.
      await actAs("李秀英");
      await issueCard(1001).getByRole("button", { name: "验收通过" }).click();
      await toast("已验收销项");
      await expect.poll(() => cardTitle(1001), WAIT).toBe("#1001 堆物堆料 · 已销项");

      // A second report, which nobody fixes.
      await actAs("何小燕");
      await postSample("flyers");
      await issueCard(1002).waitFor(WAIT);
      expect(await cardTitle(1002)).toMatch(/^#1002 小广告 · 待接单/);

      // The rest of the street's morning arrives through the API, so every community has issues to rank.
      for (const [chat, name, sample, text] of MORNING) {
        const sent = await fetch(`${t.origin}/sandbox/api/messages`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({
            chatId: named(t.chats, chat),
            from: named(t.people, name),
            text,
            photos: [{ sample }],
          }),
        });
        expect(sent.status).toBe(200);
      }
      await t.sandbox.settle();

      // 18:00: the community digest; 19:00: the street digest, with its ranking chart, in the leader group.
      let since = await jump("18:00");
      await seeBotMessage(WORK_GROUP, "日报", since - 60_000);
      await page.locator('[data-test="jump-time"]').selectOption("19:00");
      since = await jump("time");
      await seeBotMessage(LEADER_GROUP, "日报", since - 60_000);
      await screenshot("sandbox-digest.png", page.locator(".chat .msg-group").last());

      // Overnight the reminders wait for 08:00; past #1002's deadline its reminder comes, a day later the
      // escalation to the leader group.
      await jump("08:00");
      since = await jump("deadline");
      await seeBotMessage(WORK_GROUP, "1002", since - 60_000);
      await page.locator(".clock-group .hours").fill("24");
      since = await jump("hours");
      await seeBotMessage(LEADER_GROUP, "1002", since - 60_000);
    },
    240_000,
  );
});
