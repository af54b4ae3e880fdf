import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, secretsOf } from "../../src/config/env.ts";
import { configProblemsText, configProblemText } from "../../src/texts/config.ts";

function problems(env: Record<string, string>): Record<string, string> {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError)
      return Object.fromEntries(error.problems.map((p) => [p.variable, configProblemText(p)]));
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("applies the documented defaults and runs in sandbox mode without credentials", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      mode: "sandbox",
      databaseUrl: "file:./data/sandbox/riqing.db",
      dataDir: "./data",
      port: 3000,
      timezone: "Asia/Shanghai",
      admins: [],
      // The sandbox's terminal shows its banner, not routine log lines; production logs at info.
      logLevel: "warn",
    });
    expect(config.lark).toBeUndefined();
    expect(loadConfig({ LARK_APP_ID: "cli_0123456789abcdef", LARK_APP_SECRET: "s" }).logLevel).toBe("info");
    expect(loadConfig({ LOG_LEVEL: "info" }).logLevel).toBe("info");
  });

  it("reads the board's settings and names each wrong one", () => {
    expect(loadConfig({}).board).toEqual({ linkHours: 12, login: "off" });
    const secret = "0123456789abcdef0123456789abcdef";
    expect(
      loadConfig({
        RIQING_PUBLIC_URL: "https://riqing.example.gov.cn/",
        RIQING_BOARD_SECRET: secret,
        RIQING_BOARD_LINK_HOURS: "24",
        RIQING_BOARD_LOGIN: "Feishu",
      }).board,
    ).toEqual({ secret, publicUrl: "https://riqing.example.gov.cn", linkHours: 24, login: "feishu" });
    expect(problems({ RIQING_PUBLIC_URL: "https://riqing.example.gov.cn" })).toEqual({
      RIQING_BOARD_SECRET: expect.stringMatching(/^未设置。开启挂图作战（已设置 RIQING_PUBLIC_URL）需要签名密钥/),
    });
    expect(
      problems({
        RIQING_BOARD_SECRET: "short",
        RIQING_BOARD_LINK_HOURS: "0",
        RIQING_BOARD_LOGIN: "sso",
        RIQING_PUBLIC_URL: "riqing",
      }),
    ).toEqual({
      RIQING_BOARD_SECRET: expect.stringContaining("至少 32 个字符"),
      RIQING_BOARD_LINK_HOURS: "应为 1–720 之间的整数（小时），默认 12",
      RIQING_BOARD_LOGIN: "应为 off（默认）或 feishu（允许用飞书账号登录挂图作战）",
      RIQING_PUBLIC_URL: expect.stringContaining("应为本服务对外的地址"),
    });
  });

  it("reads a full production configuration", () => {
    const config = loadConfig({
      LARK_APP_ID: "cli_0123456789abcdef",
      LARK_APP_SECRET: "s3cret",
      LARK_DOMAIN: "lark",
      LARK_EVENT_MODE: "webhook",
      LARK_ENCRYPT_KEY: "ek",
      LARK_VERIFICATION_TOKEN: "vt",
      DATABASE_URL: "file:/var/lib/riqing/riqing.db",
      DATA_DIR: "/var/lib/riqing",
      PORT: "8080",
      RIQING_TIMEZONE: "Asia/Urumqi",
      RIQING_ADMINS: "ou_a1, ou_b2，ou_c3",
      LOG_LEVEL: "DEBUG",
    });
    expect(config).toMatchObject({
      mode: "production",
      lark: {
        appId: "cli_0123456789abcdef",
        appSecret: "s3cret",
        domain: "https://open.larksuite.com",
        eventMode: "webhook",
        encryptKey: "ek",
        verificationToken: "vt",
      },
      databaseUrl: "file:/var/lib/riqing/riqing.db",
      port: 8080,
      timezone: "Asia/Urumqi",
      admins: ["ou_a1", "ou_b2", "ou_c3"],
      logLevel: "debug",
    });
  });

  it("reads the office hours, by default 08:30–12:00 and 13:30–17:30, and names a malformed value", () => {
    expect(loadConfig({}).officeHours).toEqual([
      { from: 8 * 60 + 30, to: 12 * 60 },
      { from: 13 * 60 + 30, to: 17 * 60 + 30 },
    ]);
    expect(loadConfig({ RIQING_OFFICE_HOURS: "14:00-17:30，9:00 - 12:00" }).officeHours).toEqual([
      { from: 9 * 60, to: 12 * 60 },
      { from: 14 * 60, to: 17 * 60 + 30 },
    ]);
    for (const bad of ["9-17", "17:00-09:00", "08:30-12:00,11:00-17:00", "08:30-25:00", "08:61-12:00", "全天"]) {
      expect(problems({ RIQING_OFFICE_HOURS: bad })).toEqual({
        RIQING_OFFICE_HOURS: expect.stringContaining("应为工作日的办公时段，如 08:30-12:00,13:30-17:30"),
      });
    }
  });

  it("accepts a base URL for private deployments and the emulator, without a trailing slash", () => {
    const config = loadConfig({
      LARK_APP_ID: "cli_0123456789abcdef",
      LARK_APP_SECRET: "x",
      LARK_DOMAIN: "http://127.0.0.1:8080/",
    });
    expect(config.lark?.domain).toBe("http://127.0.0.1:8080");
    expect(config.lark?.eventMode).toBe("ws");
  });

  it("names every bad variable at once, each with what to do", () => {
    const found = problems({
      LARK_APP_ID: "app123",
      LARK_APP_SECRET: "x",
      LARK_DOMAIN: "feishu.cn",
      LARK_EVENT_MODE: "http",
      DATABASE_URL: "mysql://db/riqing",
      PORT: "abc",
      RIQING_TIMEZONE: "Beijing",
      RIQING_ADMINS: "zhangsan",
      LOG_LEVEL: "loud",
    });
    expect(Object.keys(found).sort()).toEqual(
      [
        "DATABASE_URL",
        "LARK_APP_ID",
        "LARK_DOMAIN",
        "LARK_EVENT_MODE",
        "LOG_LEVEL",
        "PORT",
        "RIQING_ADMINS",
        "RIQING_TIMEZONE",
      ].sort(),
    );
    expect(found.LARK_APP_ID).toContain("cli_");
    expect(found.PORT).toContain("0–65535");
    expect(found.LARK_EVENT_MODE).toContain("webhook");
    expect(found.RIQING_TIMEZONE).toContain("Asia/Shanghai");
    expect(found.RIQING_ADMINS).toContain("ou_");
  });

  // behaviour §13.9
  it("refuses webhook mode without the verification token, saying where the Feishu console shows it", () => {
    const webhook = { LARK_APP_ID: "cli_0123456789abcdef", LARK_APP_SECRET: "x", LARK_EVENT_MODE: "webhook" };
    expect(problems(webhook)).toEqual({
      LARK_VERIFICATION_TOKEN: expect.stringContaining("开发者后台 → 事件与回调 → 加密策略"),
    });
    expect(loadConfig({ ...webhook, LARK_VERIFICATION_TOKEN: "vt" }).lark).toMatchObject({ verificationToken: "vt" });
    // The long connection needs neither.
    expect(loadConfig({ ...webhook, LARK_EVENT_MODE: "ws" }).lark?.eventMode).toBe("ws");
  });

  // behaviour §10.4
  it("listens on 127.0.0.1 unless HOST names another address of this machine", () => {
    expect(loadConfig({}).host).toBe("127.0.0.1");
    expect(loadConfig({ HOST: "0.0.0.0" }).host).toBe("0.0.0.0");
    expect(loadConfig({ HOST: "::" }).host).toBe("::");
    expect(problems({ HOST: "example.com" })).toEqual({ HOST: expect.stringContaining("0.0.0.0") });
  });

  // behaviour §11.5
  it("lists the configured secrets the logger must censor, the database password among them", () => {
    const config = loadConfig({
      LARK_APP_ID: "cli_0123456789abcdef",
      LARK_APP_SECRET: "app-secret-value",
      LARK_EVENT_MODE: "webhook",
      LARK_ENCRYPT_KEY: "encrypt-key-value",
      LARK_VERIFICATION_TOKEN: "verification-token-value",
      DATABASE_URL: "postgresql://riqing:p%40ss-word@db.example.gov.cn:5432/riqing",
      RIQING_BOARD_SECRET: "board-secret-0123456789abcdef0123456789",
    });
    expect(secretsOf(config).sort()).toEqual(
      [
        "app-secret-value",
        "encrypt-key-value",
        "verification-token-value",
        "p@ss-word",
        "board-secret-0123456789abcdef0123456789",
      ].sort(),
    );
    expect(secretsOf(loadConfig({}))).toEqual([]);
  });

  it("takes a PostgreSQL URL for DATABASE_URL", () => {
    const credentials = { LARK_APP_ID: "cli_0123456789abcdef", LARK_APP_SECRET: "x" };
    for (const url of ["postgresql://riqing:secret@db.example.gov.cn:5432/riqing", "postgres://db/riqing"]) {
      expect(loadConfig({ ...credentials, DATABASE_URL: url }).databaseUrl).toBe(url);
    }
  });

  it("asks for the missing half of the credentials", () => {
    expect(problems({ LARK_APP_ID: "cli_0123456789abcdef" })).toEqual({
      LARK_APP_SECRET: expect.stringContaining("App Secret"),
    });
    expect(problems({ LARK_APP_SECRET: "x" })).toEqual({ LARK_APP_ID: expect.stringContaining("App ID") });
  });

  it("puts every problem in one message that names the variables", () => {
    try {
      loadConfig({ PORT: "-1", LOG_LEVEL: "x" });
      expect.unreachable();
    } catch (error) {
      const text = configProblemsText((error as ConfigError).problems);
      expect(text).toMatch(/PORT：.*\n.*LOG_LEVEL：/s);
      expect(text).toContain(".env.example");
    }
  });

  it("treats a blank variable as unset, so its default applies (PORT= is 3000, not a random port)", () => {
    expect(loadConfig({ PORT: "" }).port).toBe(3000);
    expect(loadConfig({ PORT: "  " }).port).toBe(3000);
    const names = [
      "LARK_APP_ID",
      "LARK_APP_SECRET",
      "LARK_DOMAIN",
      "LARK_EVENT_MODE",
      "LARK_ENCRYPT_KEY",
      "LARK_VERIFICATION_TOKEN",
      "DATABASE_URL",
      "DATA_DIR",
      "HOST",
      "PORT",
      "RIQING_TIMEZONE",
      "RIQING_OFFICE_HOURS",
      "RIQING_ADMINS",
      "LOG_LEVEL",
    ];
    expect(loadConfig(Object.fromEntries(names.map((n) => [n, " "])))).toEqual(loadConfig({}));
  });

  it("runs the same as without .env when .env.example is copied as it is", () => {
    const example = parseEnv(readFileSync(join(import.meta.dirname, "../../.env.example"), "utf8"));
    expect(Object.keys(example)).toContain("LARK_APP_ID");
    expect(loadConfig(example)).toEqual(loadConfig({}));
  });
});
