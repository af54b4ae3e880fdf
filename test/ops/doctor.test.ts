import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/env.ts";
import { migrate, migrationStatus } from "../../src/db/migrate.ts";
import { listMigrations } from "../../src/db/migration-files.ts";
import { ALL_SCOPES, LarkEmulator, SCOPES } from "../../src/emulator/index.ts";
import { silentLogger } from "../../src/log.ts";
import { formatDoctor, runDoctor } from "../../src/ops/doctor.ts";
import { STEP } from "../../src/texts/doctor.ts";
import { MONDAY_9AM, startTestSandbox } from "../sandbox/support.ts";
import { APP_ID, APP_SECRET, type BotHarness, ORG, startBot } from "../support/bot.ts";
import { testPostgres } from "../support/postgres.ts";

/** The doctor's send-scope probe updates a message nobody has; Lark refuses the id once the scope is there. */
const PROBE = /om_riqing_doctor_probe/;

/** The configuration of the harness's bot, with its emulator (or another) and app secret. */
function harnessConfig(h: BotHarness, emu: LarkEmulator = h.emu, secret = APP_SECRET) {
  return loadConfig({
    LARK_APP_ID: APP_ID,
    LARK_APP_SECRET: secret,
    LARK_DOMAIN: emu.baseUrl,
    DATABASE_URL: h.databaseUrl,
    DATA_DIR: h.dir,
  });
}

describe("riqing doctor", () => {
  let h: BotHarness;
  beforeEach(async () => {
    h = await startBot({ mode: "webhook" });
    h.emu.allow(PROBE);
  });
  afterEach(async () => {
    await h.close();
  });

  const configFor = (emu: LarkEmulator, secret = APP_SECRET) => harnessConfig(h, emu, secret);

  it("reports all green against a healthy setup", async () => {
    const checks = await runDoctor(configFor(h.emu), silentLogger);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(["配置", "数据库", "飞书凭证", "机器人", "群 幸福里社区创城工作群"]),
    );
    expect(formatDoctor(checks)).toContain("全部正常");
  });

  it.runIf(testPostgres())("checks the PostgreSQL server's version and its clock, and hides the password", async () => {
    const checks = await runDoctor(configFor(h.emu), silentLogger);
    expect(checks.find((c) => c.name === "数据库服务器")).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^PostgreSQL \d+/),
    });
    expect(checks.find((c) => c.name === "时钟")).toMatchObject({ ok: true, detail: expect.stringContaining("相差") });
    expect(checks.find((c) => c.name === "数据库")?.detail).toContain("结构版本");
  });

  it.runIf(testPostgres())("names a PostgreSQL server it cannot reach, with the fix", async () => {
    const url = new URL(h.databaseUrl);
    url.port = "1";
    const checks = await runDoctor(
      loadConfig({
        LARK_APP_ID: APP_ID,
        LARK_APP_SECRET: APP_SECRET,
        LARK_DOMAIN: h.emu.baseUrl,
        DATABASE_URL: `${url}`,
      }),
      silentLogger,
    );
    expect(checks.find((c) => c.name === "数据库")).toMatchObject({
      ok: false,
      hint: expect.stringContaining("DATABASE_URL"),
    });
  });

  it("names wrong credentials", async () => {
    h.emu.allow(10014);
    const checks = await runDoctor(configFor(h.emu, "wrong-secret"), silentLogger);
    const bad = checks.find((c) => !c.ok);
    expect(bad?.name).toBe("飞书凭证");
    expect(formatDoctor(checks)).toContain("处理办法");
  });

  it("names a bound chat the bot left (get-chat still answers; is_in_chat does not lie), with the step", async () => {
    await h.emu.removeBotFromChat(ORG.chats.leaders);
    const checks = await runDoctor(configFor(h.emu), silentLogger);
    const bad = checks.filter((c) => !c.ok);
    expect(bad.map((c) => c.name)).toEqual(["群 幸福街道创城领导群"]);
    expect(bad[0]?.hint).toContain("第 7 步");
    expect(h.emu.calls.some((c) => c.path.endsWith("/members/is_in_chat"))).toBe(true);
  });

  it("names people whose open_id Lark does not know, and the step to fix it, without recording anything", async () => {
    await h.close();
    h = await startBot({ mode: "webhook", notInLark: ["郑晓红", "孙浩"] });
    h.emu.allow(PROBE);
    await h.bot.db.person.updateMany({ data: { larkStatus: null } });
    const checks = await runDoctor(configFor(h.emu), silentLogger);
    const people = checks.find((c) => c.name === "人员 open_id");
    expect(people).toMatchObject({ ok: false, hint: expect.stringContaining("第 6 步") });
    expect(people?.detail).toMatch(/^2 人的 open_id 飞书不认识/);
    expect(people?.detail).toContain("郑晓红");
    expect(people?.detail).toContain("孙浩");
    expect(await h.bot.db.person.count({ where: { larkStatus: { not: null } } })).toBe(0);
  });

  it("lists messages Lark refused for good lately, with the reason and the step", async () => {
    h.emu.allow(232009);
    await h.bot.db.outboxMessage.create({
      data: {
        key: "test:failed",
        kind: "send",
        chatId: ORG.chats.hpWork,
        target: ORG.chats.hpWork,
        msgType: "text",
        content: "{}",
        status: "failed",
        lastCode: 232009,
        lastError: "232009 — chat dissolved — 群已解散",
        createdAt: h.clock.now(),
      },
    });
    const checks = await runDoctor(configFor(h.emu), silentLogger, h.clock.now());
    const sent = checks.find((c) => c.name === "消息发送" && !c.ok);
    expect(sent?.detail).toContain("和平社区");
    expect(sent?.detail).toContain("232009");
    expect(sent?.hint).toContain("第 7 步");
  });
});

describe("riqing doctor's scope probes", () => {
  let h: BotHarness;
  afterEach(async () => {
    await h.close();
  });

  it("names each missing scope exactly as the console lists it, with the step", async () => {
    const missing: string[] = [
      SCOPES.contactBase,
      SCOPES.chat,
      SCOPES.chatReadonly,
      SCOPES.chatMembersRead,
      SCOPES.sendAsBot,
      SCOPES.message,
    ];
    h = await startBot({ mode: "webhook", scopes: ALL_SCOPES.filter((s) => !missing.includes(s)) });
    const checks = await runDoctor(harnessConfig(h), silentLogger);
    const byName = (name: string) => checks.find((c) => c.name === name);
    expect(byName("权限 发消息")).toMatchObject({ ok: false, hint: expect.stringContaining("im:message:send_as_bot") });
    expect(byName("权限 通讯录")).toMatchObject({
      ok: false,
      hint: expect.stringContaining("contact:contact.base:readonly"),
    });
    expect(byName("权限 图片与文件")).toMatchObject({ ok: true });
    expect(byName("群 幸福里社区创城工作群")).toMatchObject({
      ok: false,
      hint: expect.stringContaining("im:chat:readonly"),
    });
    for (const check of checks.filter((c) => !c.ok && c.name.startsWith("权限"))) {
      expect(check.hint).toContain("第 2 步");
    }
  });

  it("notices a missing user-name scope from users without names", async () => {
    h = await startBot({ mode: "webhook", scopes: ALL_SCOPES.filter((s) => s !== SCOPES.userBase) });
    h.emu.allow(PROBE);
    const checks = await runDoctor(harnessConfig(h), silentLogger);
    expect(checks.find((c) => c.name === "权限 用户姓名")).toMatchObject({
      ok: false,
      hint: expect.stringContaining("contact:user.base:readonly"),
    });
  });
});

describe("riqing doctor's database check", () => {
  let emu: LarkEmulator;
  let dir: string;
  beforeEach(async () => {
    emu = await LarkEmulator.start({ appId: APP_ID, appSecret: APP_SECRET });
    emu.allow(PROBE);
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
    await migrate(url, partial);
    const checks = await doctor(url);
    const database = checks.find((c) => c.name === "数据库");
    expect(database).toMatchObject({ ok: false, hint: expect.stringContaining("riqing migrate") });
    expect(database?.detail).toContain(`结构版本 1，还有 ${rest.length} 个升级未执行`);
    expect(database?.detail).toContain(String(rest.at(-1)));
    expect((await migrationStatus(url)).pending).toEqual(rest);
  });

  it("counts the migrations the database has applied", async () => {
    const url = `file:${join(dir, "riqing.db")}`;
    await migrate(url);
    const checks = await doctor(url);
    expect(checks.find((c) => c.name === "数据库")).toMatchObject({
      ok: true,
      detail: expect.stringContaining(`结构版本 ${listMigrations().length}（最新）`),
    });
    expect(checks.find((c) => c.name === "组织架构")).toMatchObject({ ok: false });
  });
});

describe("riqing doctor's steps", () => {
  it("names only steps that README's 接入飞书 has, under the same names", () => {
    const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## 接入飞书"));
    for (const step of Object.values(STEP)) {
      const [, number, title] = /^第 (\d) 步（(.+)）$/.exec(step) ?? [];
      expect(section).toMatch(new RegExp(`^${number}\\. \\*\\*${title}\\*\\*`, "m"));
    }
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
