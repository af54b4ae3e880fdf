import { parseArgs } from "node:util";
import type { Config } from "../config/env.ts";
import { migrate } from "../db/migrate.ts";
import { parseUnitLevel, UNIT_LEVEL_LABELS } from "../texts/labels.ts";

const DEFAULT_RATE = 60;

/**
 * `riqing apikey create --name 城运平台 --scope street:幸福街道 [--write] [--rate 60]`, `riqing apikey list`,
 * `riqing apikey revoke --name 城运平台`. Prints the new key once; only its hash is kept.
 */
export async function runApiKeyCli(args: string[], config: Config): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: "string" },
      scope: { type: "string" },
      write: { type: "boolean" },
      rate: { type: "string" },
    },
  });
  await migrate(config.databaseUrl);
  const { openDb } = await import("../db/client.ts");
  const db = await openDb(config.databaseUrl);
  try {
    switch (action) {
      case "create": {
        const name = values.name?.trim();
        if (!name || !values.scope) {
          console.error(
            "请写明系统名称和范围，例如：riqing apikey create --name 城运平台 --scope street:幸福街道 --write",
          );
          return 2;
        }
        const rate = values.rate === undefined ? DEFAULT_RATE : Number(values.rate);
        if (!Number.isInteger(rate) || rate < 1 || rate > 6000) {
          console.error(`--rate 应为 1–6000 之间的整数（每分钟调用次数），默认 ${DEFAULT_RATE}。`);
          return 2;
        }
        const unit = await findScope(db, values.scope);
        if (typeof unit === "string") {
          console.error(unit);
          return 2;
        }
        const { createApiKey, ApiKeyNameTaken } = await import("../commands/create-api-key.ts");
        try {
          const { key } = await createApiKey(db, {
            name,
            unitId: unit.id,
            write: values.write ?? false,
            rateLimit: rate,
          });
          console.log(
            [
              `已为“${name}”创建接口密钥（范围：${unit.name}，${values.write ? "可查询和提交问题" : "只能查询"}，每分钟最多 ${rate} 次）：`,
              "",
              `  ${key}`,
              "",
              "密钥只显示这一次，系统中只保存它的摘要，请妥善交给对方系统的管理员。吊销：riqing apikey revoke --name " +
                name,
            ].join("\n"),
          );
          return 0;
        } catch (error) {
          if (!(error instanceof ApiKeyNameTaken)) throw error;
          console.error(`已有名为“${name}”的密钥。需要换新密钥时，先吊销旧的，再用新名称创建。`);
          return 1;
        }
      }
      case "list": {
        const keys = await db.apiKey.findMany({ include: { unit: true }, orderBy: { id: "asc" } });
        if (keys.length === 0)
          console.log("还没有接口密钥。创建：riqing apikey create --name 城运平台 --scope street:幸福街道");
        for (const k of keys) {
          const state = k.revokedAt ? `已吊销（${k.revokedAt.toISOString().slice(0, 10)}）` : "有效";
          console.log(
            `${k.name}\t${k.unit.name}\t${k.write ? "查询+提交" : "只查询"}\t每分钟 ${k.rateLimit} 次\t${state}`,
          );
        }
        return 0;
      }
      case "revoke": {
        if (!values.name) {
          console.error("请写明要吊销的密钥名称：riqing apikey revoke --name 城运平台");
          return 2;
        }
        const { revokeApiKey } = await import("../commands/revoke-api-key.ts");
        if (!(await revokeApiKey(db, values.name.trim(), new Date()))) {
          console.error(`没有有效的名为“${values.name}”的密钥。`);
          return 1;
        }
        console.log(`已吊销“${values.name}”的密钥，之后用它的调用都会被拒绝。`);
        return 0;
      }
      default:
        console.error("用法：riqing apikey create|list|revoke，详见 riqing apikey --help");
        return 2;
    }
  } finally {
    await db.$disconnect();
  }
}

/** The unit `level:name-or-code` names (街道:幸福街道, street:xfjd), or a sentence saying what is wrong. */
async function findScope(
  db: Awaited<ReturnType<typeof import("../db/client.ts").openDb>>,
  scope: string,
): Promise<{ id: number; name: string } | string> {
  const match = /^([^:：]+)[:：](.+)$/.exec(scope.trim());
  const level = match ? parseUnitLevel(match[1] as string) : null;
  const levels = Object.values(UNIT_LEVEL_LABELS).join("、");
  if (!match || !level)
    return `--scope 应写成“层级:单位名称或编码”，如 street:幸福街道 或 社区:xfl；层级可用：${levels}`;
  const wanted = (match[2] as string).trim();
  const units = await db.unit.findMany({ where: { level, OR: [{ code: wanted }, { name: wanted }] } });
  if (units.length === 1) return units[0] as { id: number; name: string };
  if (units.length === 0) return `没有找到${UNIT_LEVEL_LABELS[level]}“${wanted}”，请用导入文件中的单位名称或编码。`;
  return `“${wanted}”对应多个单位，请改用单位编码。`;
}
