import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/env.ts";
import type { LarkEmulator } from "../../src/emulator/index.ts";
import { silentLogger } from "../../src/log.ts";
import { formatDoctor, runDoctor } from "../../src/ops/doctor.ts";
import { APP_ID, APP_SECRET, type BotHarness, ORG, startBot } from "../support/bot.ts";

describe("riqing doctor", () => {
  let h: BotHarness;
  beforeEach(async () => {
    h = await startBot({ mode: "webhook" });
  });
  afterEach(async () => {
    await h.close();
  });

  const configFor = (emu: LarkEmulator, secret = APP_SECRET) =>
    loadConfig({
      LARK_APP_ID: APP_ID,
      LARK_APP_SECRET: secret,
      LARK_DOMAIN: emu.baseUrl,
      DATABASE_URL: `file:${join(h.dir, "riqing.db")}`,
      DATA_DIR: h.dir,
    });

  it("reports all green against a healthy setup", async () => {
    const checks = await runDoctor(configFor(h.emu), silentLogger);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(["配置", "数据库", "飞书凭证", "机器人", "群 幸福里社区创城工作群"]),
    );
    expect(formatDoctor(checks)).toContain("全部正常");
  });

  it("names wrong credentials", async () => {
    const checks = await runDoctor(configFor(h.emu, "wrong-secret"), silentLogger);
    const bad = checks.find((c) => !c.ok);
    expect(bad?.name).toBe("飞书凭证");
    expect(formatDoctor(checks)).toContain("处理办法");
  });

  it("names a bound chat the bot is not in, with the fix", async () => {
    await h.emu.removeBotFromChat(ORG.chats.leaders);
    const checks = await runDoctor(configFor(h.emu), silentLogger);
    const bad = checks.filter((c) => !c.ok);
    expect(bad.map((c) => c.name)).toEqual(["群 幸福街道创城领导群"]);
    expect(bad[0]?.hint).toMatch(/拉进/);
  });
});
