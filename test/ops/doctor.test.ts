import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/env.ts";
import { listMigrations, migrate, migrationStatus } from "../../src/db/migrate.ts";
import { LarkEmulator } from "../../src/emulator/index.ts";
import { silentLogger } from "../../src/log.ts";
import { formatDoctor, runDoctor } from "../../src/ops/doctor.ts";
import { MONDAY_9AM, startTestSandbox } from "../sandbox/support.ts";
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
    h.emu.allow(10014);
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

describe("riqing doctor's database check", () => {
  let emu: LarkEmulator;
  let dir: string;
  beforeEach(async () => {
    emu = await LarkEmulator.start({ appId: APP_ID, appSecret: APP_SECRET });
    dir = mkdtempSync(join(tmpdir(), "riqing-doctor-"));
  });
  afterEach(async () => {
    emu.assertClean();
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const doctor = (databaseUrl: string) =>
    runDoctor(
      loadConfig({
        LARK_APP_ID: APP_ID,
        LARK_APP_SECRET: APP_SECRET,
        LARK_DOMAIN: emu.baseUrl,
        DATABASE_URL: databaseUrl,
      }),
      silentLogger,
    );

  it("names a database file that does not exist, and does not create it", async () => {
    const mistyped = join(dir, "daat", "riqing.db");
    const checks = await doctor(`file:${mistyped}`);
    expect(checks.find((c) => c.name === "数据库")).toMatchObject({
      ok: false,
      detail: expect.stringContaining("找不到数据库文件"),
      hint: expect.stringContaining("DATABASE_URL"),
    });
    expect(existsSync(join(dir, "daat"))).toBe(false);
  });

  it("names pending migrations with the fix, and leaves them pending", async () => {
    const [first, ...rest] = listMigrations();
    const partial = join(dir, "migrations");
    mkdirSync(partial);
    cpSync(join(import.meta.dirname, "../../prisma/migrations", String(first)), join(partial, String(first)), {
      recursive: true,
    });
    const url = `file:${join(dir, "riqing.db")}`;
    migrate(url, partial);
    const checks = await doctor(url);
    const database = checks.find((c) => c.name === "数据库");
    expect(database).toMatchObject({ ok: false, hint: expect.stringContaining("riqing migrate") });
    expect(database?.detail).toContain(`结构版本 1，还有 ${rest.length} 个升级未执行`);
    expect(database?.detail).toContain(String(rest.at(-1)));
    expect(migrationStatus(url).pending).toEqual(rest);
  });

  it("counts the migrations the database has applied", async () => {
    const url = `file:${join(dir, "riqing.db")}`;
    migrate(url);
    const checks = await doctor(url);
    expect(checks.find((c) => c.name === "数据库")).toMatchObject({
      ok: true,
      detail: expect.stringContaining(`结构版本 ${listMigrations().length}（最新）`),
    });
    expect(checks.find((c) => c.name === "组织架构")).toMatchObject({ ok: false });
  });
});

describe("riqing doctor in sandbox mode", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "riqing-doctor-sandbox-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const doctor = () => runDoctor(loadConfig({ DATA_DIR: dir }), silentLogger);

  it("says the demo is loaded on the first start, and after that that a start resumes where the sandbox was", async () => {
    const fresh = (await doctor()).find((c) => c.name === "数据库");
    expect(fresh).toMatchObject({ ok: true, detail: expect.stringContaining("还没有沙箱数据") });
    expect(fresh?.detail).not.toContain("重建");
    expect(existsSync(join(dir, "sandbox"))).toBe(false);

    const sandbox = await startTestSandbox({ dataDir: dir, clockStart: MONDAY_9AM });
    await sandbox.close();
    const kept = (await doctor()).find((c) => c.name === "数据库");
    expect(kept?.ok).toBe(true);
    expect(kept?.detail).toContain(`沙箱数据保存在 ${join(dir, "sandbox")}`);
    expect(kept?.detail).toContain("下次启动接着上次继续");
    expect(kept?.detail).toContain("npm start -- --reset");
    expect(kept?.detail).toMatch(/单位 \d+ 个/);
    expect(kept?.detail).not.toContain("重建");
  });
});
