import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./config/env.ts";
import { migrate } from "./db/migrate.ts";
import { createLogger } from "./log.ts";

const HELP = `日清 Riqing — 创城网格化管理飞书机器人 / a Feishu/Lark bot for grid management

用法 Usage: riqing <命令 command> [选项 options]

命令 Commands:
  start                启动机器人；未配置飞书应用凭证时进入沙箱模式
                       start the bot; sandbox mode when no Lark credentials are set
  migrate              升级数据库结构（启动时也会自动执行）
                       apply pending database migrations (start does this too)
  import <文件 file>   导入组织架构、人员、问题类别和群绑定（.yaml 或 .xlsx），可重复导入
                       import units, people, categories and chat bindings from .yaml or .xlsx (idempotent)
      --dry-run        只检查并报告变化，不写入 / check and report, write nothing
  doctor               检查配置、数据库、飞书凭证、机器人权限和群绑定，逐项给出处理办法
                       check config, database, Lark credentials, bot and bound chats, with a fix per failure
  help                 显示本帮助 / show this help

配置 Configuration: 环境变量或 .env 文件，见 .env.example / environment variables or a .env file, see .env.example
`;

/** Loads .env (when present) and validates the environment; prints the Chinese problems and exits on failure. */
function config() {
  if (existsSync(".env")) process.loadEnvFile(".env");
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  switch (verb) {
    case "start": {
      const { start } = await import("./main.ts");
      await start(config());
      return 0;
    }
    case "migrate": {
      const cfg = config();
      const applied = migrate(cfg.databaseUrl);
      console.log(applied.length ? `已升级数据库：${applied.join("、")}` : "数据库已是最新，无需升级");
      return 0;
    }
    case "import": {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { "dry-run": { type: "boolean" } },
      });
      const file = positionals[0];
      if (!file) {
        console.error("请指定要导入的文件，例如：riqing import examples/org.yaml");
        return 2;
      }
      const cfg = config();
      migrate(cfg.databaseUrl);
      const { openDb } = await import("./db/client.ts");
      const { importOrg, formatImportReport } = await import("./org/import-org.ts");
      const db = await openDb(cfg.databaseUrl);
      try {
        const report = await importOrg(db, file, { dryRun: values["dry-run"] ?? false });
        console.log(formatImportReport(report));
        return report.ok ? 0 : 1;
      } finally {
        await db.$disconnect();
      }
    }
    case "doctor": {
      const cfg = config();
      const { runDoctor, formatDoctor } = await import("./ops/doctor.ts");
      const checks = await runDoctor(cfg, createLogger("silent"));
      console.log(formatDoctor(checks));
      return checks.every((c) => c.ok) ? 0 : 1;
    }
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(HELP);
      return 0;
    default:
      console.error(`未知命令“${verb}”。\n`);
      console.error(HELP);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`日清出错退出：${(error as Error).message ?? error}`);
    console.error(error);
    process.exitCode = 1;
  },
);
