import { describe, expect, it } from "vitest";
import { LarkEmulator } from "../../src/emulator/index.ts";
import { startBot } from "../support/bot.ts";
import { APP_ID, APP_SECRET } from "./support.ts";

describe("strict emulator", () => {
  it("fails the bot harness's close() on a call nobody expected", async () => {
    const h = await startBot({ mode: "webhook" });
    await fetch(`${h.emu.baseUrl}/open-apis/im/v1/pins`);
    await expect(h.close()).rejects.toThrow(/unexpected call.*\n.*no such endpoint: GET \/open-apis\/im\/v1\/pins/);
  });

  it("excuses what a test provokes on purpose, by code or by reason, and nothing else", async () => {
    const emu = await LarkEmulator.start({ appId: APP_ID, appSecret: APP_SECRET });
    try {
      await fetch(`${emu.baseUrl}/open-apis/bot/v3/info`); // no token: 99991661
      await fetch(`${emu.baseUrl}/open-apis/im/v1/pins`); // no such endpoint, no code
      emu.allow(99991661);
      expect(() => emu.assertClean()).toThrow(/1 unexpected call\(s\):\n.*pins/);
      emu.allow(/no such endpoint: GET \/open-apis\/im\/v1\/pins/);
      emu.assertClean();
      await fetch(`${emu.baseUrl}/open-apis/im/v1/flags`);
      expect(() => emu.assertClean()).toThrow(/no such endpoint: GET \/open-apis\/im\/v1\/flags/);
      emu.allow(/flags/);
    } finally {
      await emu.close();
    }
    emu.assertClean();
  });
});
