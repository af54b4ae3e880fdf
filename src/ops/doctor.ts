import { existsSync } from "node:fs";
import { dirname } from "node:path";
import type { Config } from "../config/env.ts";
import { openDb, sqlitePath } from "../db/client.ts";
import { migrationStatus } from "../db/migrate.ts";
import { LarkClient } from "../lark/client.ts";
import { LarkApiError } from "../lark/errors.ts";
import type { Logger } from "../log.ts";
import { SANDBOX_TEXTS } from "../texts/sandbox.ts";

/** One line of the doctor's report. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when the check failed. */
  hint?: string;
}

function failure(name: string, error: unknown, fallbackHint: string): DoctorCheck {
  if (error instanceof LarkApiError) {
    return {
      name,
      ok: false,
      detail: `${error.code ?? error.kind} ${error.larkMsg}`,
      hint: error.hint ?? fallbackHint,
    };
  }
  return { name, ok: false, detail: (error as Error).message ?? String(error), hint: fallbackHint };
}

/** A bound chat the doctor checks the bot's membership of. */
interface BoundChat {
  chatId: string;
  name: string | null;
}

/**
 * The database as it is: opened read-only, never created or migrated, so a mistyped DATABASE_URL shows as missing
 * instead of as a fresh empty database. Adds its lines to `checks` and returns the bound chats.
 */
async function checkDatabase(config: Config, checks: DoctorCheck[]): Promise<BoundChat[]> {
  const url = config.databaseUrl;
  if (config.mode === "sandbox") {
    checks.push(await sandboxDatabase(url));
    return [];
  }
  if (!existsSync(sqlitePath(url))) {
    checks.push({
      name: "数据库",
      ok: false,
      detail: `找不到数据库文件 ${sqlitePath(url)}`,
      hint: "核对 DATABASE_URL 是否写对；新部署请先运行 riqing migrate（riqing start 也会）创建数据库",
    });
    return [];
  }
  try {
    const { applied, pending } = migrationStatus(url);
    if (pending.length > 0) {
      checks.push({
        name: "数据库",
        ok: false,
        detail: `${url}，结构版本 ${applied.length}，还有 ${pending.length} 个升级未执行：${pending.join("、")}`,
        hint: "运行 riqing migrate 升级数据库（riqing start 启动时也会自动升级）",
      });
      return [];
    }
    const db = await openDb(url, { readonly: true });
    try {
      const units = await db.unit.count();
      const chats = await db.chatBinding.findMany({ select: { chatId: true, name: true } });
      checks.push({
        name: "数据库",
        ok: true,
        detail: `${url}，结构版本 ${applied.length}（最新），单位 ${units} 个，绑定群 ${chats.length} 个`,
      });
      if (units === 0) {
        checks.push({
          name: "组织架构",
          ok: false,
          detail: "还没有导入单位和人员",
          hint: "运行 riqing import examples/org.yaml 或你们自己的组织架构文件",
        });
      }
      return chats;
    } finally {
      await db.$disconnect();
    }
  } catch (error) {
    checks.push(failure("数据库", error, "检查 DATABASE_URL 指向的文件是否是日清的数据库、是否可读"));
    return [];
  }
}

/**
 * The sandbox's database: where the sandbox keeps its data, and whether a start loads the demo (nothing kept yet) or
 * resumes it (the sandbox rebuilds it only on a reset, or when its saved chats and database no longer match).
 */
async function sandboxDatabase(url: string): Promise<DoctorCheck> {
  const dir = dirname(sqlitePath(url));
  if (!existsSync(sqlitePath(url))) return { name: "数据库", ok: true, detail: SANDBOX_TEXTS.doctorFresh(dir) };
  try {
    const db = await openDb(url, { readonly: true });
    try {
      const [units, issues] = await Promise.all([db.unit.count(), db.issue.count()]);
      return { name: "数据库", ok: true, detail: SANDBOX_TEXTS.doctorKept(dir, units, issues) };
    } finally {
      await db.$disconnect();
    }
  } catch (error) {
    return failure("数据库", error, "运行 npm start -- --reset，从演示数据重新开始沙箱");
  }
}

/**
 * `riqing doctor`: checks the configuration (already valid when this runs), the database (without changing it),
 * the Lark credentials and token, the bot's identity, and that the bot is a member of every bound chat. Each
 * failure carries a fix hint.
 */
export async function runDoctor(config: Config, log: Logger): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [
    { name: "配置", ok: true, detail: `有效（${config.mode === "sandbox" ? "沙箱模式" : "生产模式"}）` },
  ];
  const chats = await checkDatabase(config, checks);

  const lark = config.lark;
  if (!lark) {
    checks.push({ name: "飞书应用", ok: true, detail: "未配置凭证，以沙箱模式运行（内置模拟飞书）" });
    return checks;
  }
  const client = new LarkClient({
    appId: lark.appId,
    appSecret: lark.appSecret,
    domain: lark.domain,
    logger: log,
    attempts: 1,
  });
  try {
    const bot = await client.botInfo();
    checks.push({ name: "飞书凭证", ok: true, detail: `已取得访问凭证（${lark.domain}）` });
    checks.push({ name: "机器人", ok: true, detail: `${bot.appName}（${bot.openId}）` });
  } catch (error) {
    checks.push(
      failure("飞书凭证", error, "核对 LARK_APP_ID、LARK_APP_SECRET 是否为同一应用，应用是否已发布并启用机器人能力"),
    );
    return checks;
  }
  for (const chat of chats) {
    const name = `群 ${chat.name ?? chat.chatId}`;
    try {
      const info = await client.getChat(chat.chatId);
      checks.push({ name, ok: true, detail: `机器人在群内（${info.name}）` });
    } catch (error) {
      checks.push(failure(name, error, "把机器人拉进这个群，或用“解绑”解除绑定"));
    }
  }
  return checks;
}

/** The doctor's report as the operator reads it. */
export function formatDoctor(checks: DoctorCheck[]): string {
  const lines = checks.map(
    (c) => `${c.ok ? "✓" : "✗"} ${c.name}：${c.detail}${c.ok || !c.hint ? "" : `\n    处理办法：${c.hint}`}`,
  );
  const bad = checks.filter((c) => !c.ok).length;
  lines.push(bad === 0 ? "\n全部正常。" : `\n共 ${bad} 项需要处理。`);
  return lines.join("\n");
}
