import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotHarness, startBot } from "../support/bot.ts";

/** Follows one redirect by hand (as a browser would), returning where it points and the cookies it set. */
async function step(
  url: string,
  cookie = "",
): Promise<{ status: number; location: string; cookie: string; body: string }> {
  const response = await fetch(url, { redirect: "manual", headers: cookie ? { Cookie: cookie } : {} });
  const set = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return {
    status: response.status,
    location: response.headers.get("location") ?? "",
    cookie: set,
    body: await response.text(),
  };
}

describe("Feishu web login for the board (RIQING_BOARD_LOGIN=feishu)", () => {
  let h: BotHarness;
  let base: string;

  beforeAll(async () => {
    h = await startBot({ mode: "ws", env: { RIQING_BOARD_LOGIN: "feishu" } });
    base = `http://127.0.0.1:${h.bot.port}`;
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it("goes to the authorize page, comes back with a code, and lands on the board with a personal link", async () => {
    const secretary = h.people.get("李秀英") as string;
    h.emu.signInAs(secretary);
    const start = await step(`${base}/board/login`);
    expect(start.status).toBe(302);
    const authorize = new URL(start.location);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${h.emu.baseUrl}/open-apis/authen/v1/authorize`);
    expect(authorize.searchParams.get("redirect_uri")).toBe(`${base}/board/login/callback`);

    const back = await step(start.location);
    expect(back.status).toBe(302);
    expect(new URL(back.location).pathname).toBe("/board/login/callback");

    // Without this browser's cookie the state does not count (someone else's login link).
    expect((await step(back.location)).status).toBe(403);
    // The bot refused before spending the code; with the cookie that started the login it goes through.
    const landed = await step(back.location, start.cookie);
    expect(landed.status).toBe(302);
    const token = /^\/board#t=([\w.-]+)$/.exec(landed.location)?.[1] ?? "";
    const view = await fetch(`${base}/board/api/view`, { headers: { Authorization: `Bearer ${token}` } });
    expect(view.status).toBe(200);
    expect(((await view.json()) as { unit: { name: string } }).unit.name).toBe("幸福里社区");
    expect(h.emu.calls.map((c) => c.path)).toEqual(
      expect.arrayContaining(["/open-apis/authen/v2/oauth/token", "/open-apis/authen/v1/user_info"]),
    );

    // A code works once: coming back with it again is refused, and says to ask the bot.
    h.emu.allow(/reused code/);
    const again = await step(back.location, start.cookie);
    expect(again.status).toBe(403);
  });

  it("offers the login on the 401 answer when it is switched on", async () => {
    const refused = await fetch(`${base}/board/api/view`, { headers: { Authorization: "Bearer expired.token" } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ reason: "invalid", login: true });
  });
});
