import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../../src/generated/prisma/client.ts";
import { named, postToSandbox, startTestSandbox, type TestSandbox } from "../sandbox/support.ts";

/** Debian's Chromium, driven by playwright-core; nothing is downloaded. */
const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) {
  console.warn(`SKIPPED the board browser test: ${CHROMIUM} not found (apt-get install -y chromium).`);
}

/** Screenshots go to test-results/; RIQING_SCREENSHOTS=docs refreshes the ones README shows. */
const SHOT_DIR = join(
  import.meta.dirname,
  "../..",
  process.env.RIQING_SCREENSHOTS === "docs" ? "docs" : "test-results",
);
const WAIT = { timeout: 20_000 };

/** Reports of the morning, posted as the demo people: [group, reporter, sample photo, text]. */
const REPORTS: [string, string, string, string][] = [
  ["幸福里社区创城工作群", "何小燕", "market-boxes", "上报 幸福路菜市场门口堆物堆料，纸箱堆了一地"],
  ["幸福里社区创城工作群", "何小燕", "flying-wire", "上报 3号楼楼下有人飞线充电"],
  ["幸福里社区创城工作群", "何小燕", "street-stall", "上报 幸福里商业街有流动摊贩占道经营"],
  ["东风路社区创城工作群", "高鹏", "street-stall", "上报 东风路小学门口有流动摊贩占道经营"],
  ["东风路社区创城工作群", "高鹏", "flyers", "上报 东风路公交站站牌上贴满小广告"],
  ["和平社区创城工作群", "罗婷", "market-boxes", "上报 和平广场东侧堆物堆料"],
  ["和平社区创城工作群", "罗婷", "flyers", "上报 和平里北门墙上小广告"],
];

describe.skipIf(!HAVE_CHROMIUM)("the 挂图作战 board in Chromium", () => {
  let t: TestSandbox;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  const post = async (group: string, from: string, sample: string, text: string) => {
    const response = await postToSandbox(t.origin, "messages", {
      chatId: named(t.chats, group),
      from: named(t.people, from),
      text,
      photos: [{ sample }],
    });
    expect(response.status).toBe(200);
  };
  const linkFor = async (name: string) => {
    const response = await fetch(`${t.origin}/sandbox/api/board-link?as=${named(t.people, name)}`);
    return ((await response.json()) as { url: string }).url;
  };
  const open = async (viewport: { width: number; height: number }, url: string, mobile = false): Promise<Page> => {
    const context = await browser.newContext({
      viewport,
      deviceScaleFactor: 1,
      isMobile: mobile,
      hasTouch: mobile,
      locale: "zh-CN",
      timezoneId: "Asia/Shanghai",
    });
    contexts.push(context);
    const page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(url);
    return page;
  };
  const shoot = async (page: Page, name: string, fullPage = false) => {
    mkdirSync(SHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SHOT_DIR, name), fullPage });
  };
  const numbers = async () =>
    (await t.sandbox.session()?.riqing.db.issue.findMany({ orderBy: { number: "asc" } })) ?? [];

  beforeAll(async () => {
    t = await startTestSandbox();
    for (const [group, from, sample, text] of REPORTS) await post(group, from, sample, text);
    await t.sandbox.settle();
    // Some colour on the board (and in the screenshots): one in hand, one fixed, one overdue, one on the books.
    const db = t.sandbox.session()?.riqing.db;
    const now = t.sandbox.session()?.clock.epoch() ?? 0;
    const hours = (h: number) => new Date(now + h * 3_600_000);
    await db?.issue.update({ where: { number: 1002 }, data: { status: "accepted", acceptedAt: hours(0) } });
    await db?.issue.update({ where: { number: 1005 }, data: { status: "rectified", rectifiedAt: hours(0) } });
    await db?.issue.update({ where: { number: 1003 }, data: { reportedAt: hours(-30), deadline: hours(-3) } });
    await db?.issue.update({ where: { number: 1006 }, data: { reportedAt: hours(-80), deadline: hours(-40) } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    });
  }, 120_000);
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  it("fills the command centre's 1920×1080 screen with the map, and shows a report filed in chat within 5 seconds", async () => {
    const url = await linkFor("王建国");
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/board#t=/);
    const page = await open({ width: 1920, height: 1080 }, `${url}&screen`);
    await page.locator("[data-test=map] canvas").first().waitFor(WAIT);
    expect(await page.locator("[data-test=unit]").textContent()).toBe("幸福街道");
    expect(page.url()).not.toContain("t=");
    expect(await page.locator(".filters").count()).toBe(0);
    await expect.poll(() => page.locator("[data-test=issues] li").count(), WAIT).toBe(REPORTS.length);
    await page.locator("[data-test=live]:not(.off)").waitFor(WAIT);
    await shoot(page, "board-screen.png");

    const started = Date.now();
    await post("和平社区创城工作群", "罗婷", "flying-wire", "上报 和平路美食街有人飞线充电");
    const filed = (await numbers()).at(-1)?.number;
    await page.locator(`[data-test=issues] li[data-issue="${filed}"]`).waitFor({ timeout: 5000 });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("fits a leader's phone (390 px), opens an issue with its photos, and filters by state", async () => {
    const page = await open({ width: 390, height: 844 }, await linkFor("王建国"), true);
    await page.locator("[data-test=headline] .figure").first().waitFor(WAIT);
    await page.locator("[data-test=map] canvas").first().waitFor(WAIT);
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await shoot(page, "board-phone.png", true);

    const [first] = await numbers();
    await page.locator(`[data-test=issues] li[data-issue="${first?.number}"]`).click();
    const detail = page.locator("[data-test=detail]");
    await detail.waitFor(WAIT);
    expect(await detail.locator("h2").textContent()).toBe(`#${first?.number} 堆物堆料`);
    await expect
      .poll(
        () =>
          detail
            .locator("img")
            .first()
            .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
        WAIT,
      )
      .toBeGreaterThan(0);
    await detail.locator(".close").click();

    await page.locator("[data-filter=state]").selectOption("overdue");
    expect(
      await page.locator("[data-test=issues] li").evaluateAll((li) => li.map((i) => i.getAttribute("data-issue"))),
    ).toEqual(["1003"]);
    await page.locator("[data-filter=state]").selectOption("on_books");
    expect(await page.locator("[data-test=issues] li .state").allTextContents()).toEqual(["挂账"]);
  });

  it("reloads without an error while the map has no size, and draws it once it has", async () => {
    const page = await open({ width: 1280, height: 900 }, await linkFor("王建国"));
    await page.locator("[data-test=map] canvas").first().waitFor(WAIT);
    await page.locator("[data-test=live]:not(.off)").waitFor(WAIT);
    const hidden = await page.addStyleTag({
      content: "section.map { width: 0 !important; padding: 0 !important; border: 0 !important; }",
    });
    await post("东风路社区创城工作群", "高鹏", "flyers", "上报 东风路菜场北门小广告");
    const filed = (await numbers()).at(-1)?.number;
    await page.locator(`[data-test=issues] li[data-issue="${filed}"]`).waitFor(WAIT);
    await hidden.evaluate((style) => style.remove());
    await page.locator("[data-test=map] canvas").first().waitFor(WAIT);
    expect(
      await page
        .locator("[data-test=map] canvas")
        .first()
        .evaluate((c) => c.clientWidth),
    ).toBeGreaterThan(0);
  });

  it("shows a grid worker only her grid, and lays out tiles when the org has no outlines", async () => {
    const page = await open({ width: 1280, height: 900 }, await linkFor("何小燕"));
    await page.locator("[data-test=issues]").waitFor(WAIT);
    expect(await page.locator("[data-test=unit]").textContent()).toBe("幸福里第一网格");
    const listed = await page
      .locator("[data-test=issues] li")
      .evaluateAll((items) => items.map((i) => i.getAttribute("data-issue")));
    const mine = (await numbers()).filter(
      (i) => i.gridId !== null && i.sourceChatId === named(t.chats, "幸福里社区创城工作群"),
    );
    const grid = await t.sandbox.session()?.riqing.db.unit.findUniqueOrThrow({ where: { code: "xfl-01" } });
    const expected = mine.filter((i) => i.gridId === grid?.id).map((i) => String(i.number));
    expect(listed.sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(0);

    await t.sandbox.session()?.riqing.db.unit.updateMany({ data: { boundary: Prisma.DbNull } });
    const street = await open({ width: 1440, height: 1000 }, await linkFor("王建国"));
    await street.locator("[data-test=tiles]").waitFor(WAIT);
    expect(await street.locator("[data-test=tiles] .area h3").allTextContents()).toEqual([
      "幸福里社区",
      "东风路社区",
      "和平社区",
    ]);
    expect(await street.locator("[data-test=tiles] .chip").count()).toBe((await numbers()).length);
    await shoot(street, "board-tiles.png");
  });

  it("answers a forged or expired link with the 401 page that says to ask the bot", async () => {
    const url = await linkFor("王建国");
    const page = await open({ width: 1280, height: 800 }, `${url.slice(0, -3)}AAA`);
    const refusal = page.locator("[data-test=refusal]");
    await refusal.waitFor(WAIT);
    expect(await refusal.textContent()).toContain("挂图链接无效");
    expect(await refusal.textContent()).toContain("请在飞书里向日清发送“挂图”");

    const session = t.sandbox.session();
    session?.clock.advance(13 * 3_600_000);
    const later = await open({ width: 1280, height: 800 }, url);
    await later.locator("[data-test=refusal]").waitFor(WAIT);
    expect(await later.locator("[data-test=refusal]").textContent()).toContain("挂图链接已过期");
  });
});
