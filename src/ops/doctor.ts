import type { Config } from "../config/env.ts";
import { openDb } from "../db/client.ts";
import { listMigrations, migrate } from "../db/migrate.ts";
import { LarkClient } from "../lark/client.ts";
import { LarkApiError } from "../lark/errors.ts";
import type { Logger } from "../log.ts";

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

/**
 * `riqing doctor`: checks the configuration (already valid when this runs), the database, the Lark credentials and
 * token, the bot's identity, and that the bot is a member of every bound chat. Each failure carries a fix hint.
 */
export async function runDoctor(config: Config, log: Logger): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [
    { name: "配置", ok: true, detail: `有效（${config.mode === "sandbox" ? "沙箱模式" : "生产模式"}）` },
  ];
  let chats: { chatId: string; name: string | null }[] = [];
  try {
    migrate(config.databaseUrl);
    const db = await openDb(config.databaseUrl);
    try {
      const units = await db.unit.count();
      chats = await db.chatBinding.findMany({ select: { chatId: true, name: true } });
      checks.push({
        name: "数据库",
        ok: true,
        detail: `${config.databaseUrl}，结构版本 ${listMigrations().length}，单位 ${units} 个，绑定群 ${chats.length} 个`,
      });
      if (units === 0) {
        checks.push({
          name: "组织架构",
          ok: false,
          detail: "还没有导入单位和人员",
          hint: "运行 riqing import examples/org.yaml 或你们自己的组织架构文件",
        });
      }
    } finally {
      await db.$disconnect();
    }
  } catch (error) {
    checks.push(failure("数据库", error, "检查 DATABASE_URL 指向的目录是否存在且可写"));
  }

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
