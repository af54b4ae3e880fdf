import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MONDAY_9AM, startTestSandbox, type TestSandbox, tempDataDir } from "../sandbox/support.ts";
import { HAVE_CHROMIUM, launchChromium, noteIfSkipped, SHOT_DIR } from "./support.ts";

noteIfSkipped("the sandbox layout test");

const WORK_GROUP = "幸福里社区创城工作群";
const WAIT = { timeout: 20_000 };

/** The page's box of an element, or null when it is not rendered. */
async function box(page: Page, selector: string) {
  return page.locator(selector).first().boundingBox();
}

/** How much wider than the window the page is (0 when nothing sticks out sideways). */
function overflow(page: Page): Promise<number> {
  return page.evaluate(
    "document.documentElement.scrollWidth - document.documentElement.clientWidth",
  ) as Promise<number>;
}

describe("the sandbox page on a phone and on a laptop", () => {
  let t: TestSandbox;
  let browser: Browser;
  const dataDir = tempDataDir();

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) return;
    t = await startTestSandbox({ dataDir, clockStart: MONDAY_9AM });
    browser = await launchChromium();
    mkdirSync(SHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function open(width: number, height: number): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width, height },
      locale: "zh-CN",
      timezoneId: "Asia/Shanghai",
    });
    const page = await context.newPage();
    page.on("pageerror", (error) => {
      throw error;
    });
    await page.goto(t.sandbox.url);
    await page.locator(".chat-title", { hasText: WORK_GROUP }).waitFor(WAIT);
    return page;
  }

  it.skipIf(!HAVE_CHROMIUM)(
    "fits 390×844 with the chat list as a drawer, remembers the tip, and says when the server is gone, then reconnects",
    async () => {
      const page = await open(390, 844);
      expect(await overflow(page)).toBe(0);
      // The chat fills the width; the chat list waits off screen until the drawer is opened.
      expect((await box(page, ".chat"))?.width).toBe(390);
      const closed = await box(page, '[data-test="sidebar"]');
      expect((closed?.x ?? 0) + (closed?.width ?? 0)).toBeLessThanOrEqual(0);

      // The tip, once dismissed, stays dismissed after a reload.
      await page.locator(".tip button").click();
      await page.reload();
      await page.locator(".chat-title", { hasText: WORK_GROUP }).waitFor(WAIT);
      expect(await page.locator(".tip").isVisible()).toBe(false);

      await page.locator('[data-test="drawer-toggle"]').click();
      await expect.poll(async () => (await box(page, '[data-test="sidebar"]'))?.x, WAIT).toBe(0);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(SHOT_DIR, "sandbox-phone-drawer.png") });
      await page.locator(`[data-chat="${WORK_GROUP}"]`).click();
      await expect.poll(async () => (await box(page, '[data-test="sidebar"]'))?.x, WAIT).toBeLessThan(0);

      // A report with a photo: the issue card fits the screen.
      const composer = page.locator(".chat > .composer");
      await composer.locator('[data-test="samples"]').click();
      await composer.locator('[data-sample="market-boxes"]').click();
      await composer.locator('[data-test="send"]').click();
      const card = page.locator(".chat .msg.has-card", { has: page.locator(".card-title", { hasText: "#1001 " }) });
      await card.waitFor(WAIT);
      await expect
        .poll(() =>
          card
            .locator(".card-img img")
            .first()
            .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
        )
        .toBeGreaterThan(0);
      const cardBox = await card.locator(".card").boundingBox();
      expect((cardBox?.x ?? 0) + (cardBox?.width ?? 0)).toBeLessThanOrEqual(390);
      expect(await overflow(page)).toBe(0);
      await page.mouse.move(0, 0);
      await card.evaluate((element) => element.scrollIntoView({ block: "start" }));
      await page.screenshot({ path: join(SHOT_DIR, "sandbox-phone.png") });

      // The sandbox stops: the page says so. It comes back on the same port: the page reconnects and catches up.
      const port = t.sandbox.port;
      await t.sandbox.stop();
      await page.locator('[data-test="offline"]').waitFor({ state: "visible", ...WAIT });
      expect(await page.locator('[data-test="offline"]').textContent()).toContain("与沙箱服务的连接断开了");
      t = await startTestSandbox({ dataDir, port });
      await page.locator('[data-test="offline"]').waitFor({ state: "hidden", timeout: 30_000 });
      await page.locator('[data-test="toast"]', { hasText: "已重新连接沙箱" }).waitFor(WAIT);
      await card.waitFor(WAIT);
      await page.context().close();
    },
    120_000,
  );

  it.skipIf(!HAVE_CHROMIUM)("fits 1280×800: chat list, chat and the whole clock bar side by side", async () => {
    const page = await open(1280, 800);
    expect(await overflow(page)).toBe(0);
    const sidebar = await box(page, '[data-test="sidebar"]');
    expect(sidebar?.x).toBe(0);
    expect(await page.locator('[data-test="drawer-toggle"]').isVisible()).toBe(false);
    // Every clock button on one line of a 60-pixel bar, none cut off.
    expect((await box(page, ".topbar"))?.height).toBeLessThanOrEqual(61);
    for (const button of await page.locator(".clock-buttons button").all()) {
      const b = await button.boundingBox();
      expect((b?.x ?? 0) + (b?.width ?? 0)).toBeLessThanOrEqual(1280);
      expect(b?.y ?? 0).toBeLessThan(60);
    }
    await page.locator(".tip button").click();
    const card = page.locator(".chat .msg.has-card").first();
    await card.waitFor(WAIT);
    await page.mouse.move(0, 0);
    await card.evaluate((element) => element.scrollIntoView({ block: "start" }));
    await page.screenshot({ path: join(SHOT_DIR, "sandbox-desktop.png") });
    await page.context().close();
  });
});
