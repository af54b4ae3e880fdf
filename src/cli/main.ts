import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config/env.ts";
import type { Tx } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { createLogger, silentLogger } from "../log.ts";
import type { RemovedDuty } from "../org/import-org.ts";
import { argumentProblem, USAGE } from "./usage.ts";

const HELP = `日清 Riqing — 创城网格化管理飞书机器人 / a Feishu/Lark bot for grid management

用法 Usage: riqing <命令 command> [选项 options]

命令 Commands:
  start                启动机器人；未配置飞书应用凭证时进入沙箱模式，接着上次的沙箱数据
                       start the bot; sandbox mode (resumed) when no Lark credentials are set
      --reset          沙箱模式：清空沙箱数据，从演示初始状态重新开始
                       sandbox mode: throw the sandbox away and start again from the demo state
  migrate              升级数据库结构（启动时也会自动执行）
                       apply pending database migrations (start does this too)
  move-to-postgres --from file:… --to postgresql://…
                       把 SQLite 数据库整体复制到一个空的 PostgreSQL 数据库（编号不变，逐表核对行数和校验和）
                       copy a SQLite deployment into an empty PostgreSQL database (ids kept, verified per table)
  import <文件 file>   导入组织架构、人员、问题类别和群绑定（.yaml 或 .xlsx），可重复导入
                       import units, people, categories and chat bindings from .yaml or .xlsx (idempotent)
      --dry-run        只检查并报告变化，不写入 / check and report, write nothing
  export ledger        导出台账 / export a ledger workbook
      --unit 单位编码 --from YYYY-MM-DD --to YYYY-MM-DD --out 文件.xlsx   （起止日期均含当天 / both dates inclusive）
  digest [--date YYYY-MM-DD] [--chat 群ID] [--dry-run] [--force] [--out 图表.png]
                       生成并发送日清日报（每群每天一份）；--dry-run 只打印不发送；未到日报时间须加 --force，
                       发出的是标题注明“截至”的临时日报，当天日报到时照常发送
                       build and send the day's digest (once per chat and day); --dry-run prints it only;
                       before the digest time --force sends an early copy titled "截至", and the day's digest
                       still goes out at its time
  remind [--now 时间] [--dry-run]
                       执行一次提醒检查 / run one reminder sweep
  match [--json] [--unit 单位编码] [文字…]
                       显示每句上报会记到哪个地点和问题类别、前三个候选类别的得分和起作用的关键词；不给文字时从
                       标准输入每行读一句 / show where and under which category each text would be filed, with the
                       top three categories, their scores and the keywords that decided; reads stdin when no text
  apikey create --name 系统名称 --scope 层级:单位 [--write] [--rate 每分钟次数]
                       为 12345、城运平台等系统创建 Open311 接口密钥（只显示一次）；apikey list 列出，
                       apikey revoke --name 系统名称 吊销
                       create, list or revoke the Open311 API keys of other systems
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

/**
 * Runs one command line. `riqing <verb> --help` prints that verb's usage and does nothing else; a bad option or
 * argument is explained in Chinese with the usage (exit code 2) before anything runs.
 */
async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  const usage = verb === undefined ? undefined : USAGE[verb];
  if (usage && rest.some((arg) => arg === "--help" || arg === "-h")) {
    console.log(usage);
    return 0;
  }
  try {
    return await runVerb(verb, rest);
  } catch (error) {
    const problem = argumentProblem(error);
    if (problem === undefined) throw error;
    console.error(`${problem}。\n\n${usage ?? HELP}`);
    return 2;
  }
}

async function runVerb(verb: string | undefined, rest: string[]): Promise<number> {
  switch (verb) {
    case "start": {
      const { values } = parseArgs({ args: rest, options: { reset: { type: "boolean" } } });
      const cfg = config();
      if (values.reset && cfg.mode !== "sandbox") {
        console.error("--reset 只用于沙箱模式（未配置飞书应用凭证时），正式运行的数据不会被清空。");
        return 2;
      }
      const { start } = await import("./start.ts");
      await start(cfg, { reset: values.reset ?? false });
      return 0;
    }
    case "migrate": {
      parseArgs({ args: rest });
      const cfg = config();
      const applied = await migrate(cfg.databaseUrl);
      console.log(applied.length ? `已升级数据库：${applied.join("、")}` : "数据库已是最新，无需升级");
      return 0;
    }
    case "move-to-postgres": {
      const { values } = parseArgs({ args: rest, options: { from: { type: "string" }, to: { type: "string" } } });
      const from = values.from ?? "";
      const to = values.to ?? "";
      if (!from.startsWith("file:") || !/^postgres(ql)?:\/\//.test(to)) {
        console.error(
          `请用 --from 指定 SQLite 数据库（file:…），用 --to 指定空的 PostgreSQL 数据库（postgresql://…）。\n\n${USAGE["move-to-postgres"]}`,
        );
        return 2;
      }
      const { moveRefusal, moveToPostgres } = await import("../db/move-to-postgres.ts");
      console.log("正在复制，全部核对无误后才提交；中途出错则目标数据库保持为空……");
      try {
        const report = await moveToPostgres(from, to, (line) => console.log(line));
        const rows = report.tables.reduce((sum, t) => sum + t.rows, 0);
        for (const t of report.tables)
          console.log(`  ✓ ${t.name}：${t.rows} 行，校验和 ${t.checksum.slice(0, 12)} 一致`);
        console.log(
          `已复制 ${report.tables.length} 张表共 ${rows} 行，逐表行数和校验和与源数据库一致。` +
            "把 DATABASE_URL 改为这个 PostgreSQL 连接串后重新启动日清；原来的 SQLite 文件请保留备份。",
        );
        return 0;
      } catch (error) {
        const refusal = moveRefusal(error);
        if (refusal === undefined) throw error;
        console.error(refusal);
        return 1;
      }
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
      await migrate(cfg.databaseUrl);
      const { openDb } = await import("../db/client.ts");
      const { importOrg } = await import("../org/import-org.ts");
      const { formatImportReport } = await import("../org/format-import-report.ts");
      const { handOverIssues } = await import("../commands/hand-over-issues.ts");
      const db = await openDb(cfg.databaseUrl);
      try {
        const dryRun = values["dry-run"] ?? false;
        // The issues of people who lost their duty pass on in the import's transaction; a running bot sends the notices.
        const ctx = { now: new Date(), timeZone: cfg.timezone, admins: cfg.admins, policy: {} };
        const afterWrite = (tx: Tx, removed: readonly RemovedDuty[]) => handOverIssues(tx, removed, ctx);
        const report = await importOrg(db, file, { dryRun, afterWrite });
        console.log(formatImportReport(report));
        if (report.ok && !dryRun && cfg.lark) {
          // Lark is asked which open_ids it knows, so nobody unknown is ever @-mentioned (that refuses whole cards).
          const { LarkClient } = await import("../lark/client.ts");
          const { peopleCheck, formatDoctor } = await import("../ops/doctor.ts");
          const { appId, appSecret, domain } = cfg.lark;
          const client = new LarkClient({ appId, appSecret, domain, logger: silentLogger, attempts: 1 });
          console.log(formatDoctor([await peopleCheck(client, db, true)]));
        }
        return report.ok ? 0 : 1;
      } finally {
        await db.$disconnect();
      }
    }
    case "export": {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          unit: { type: "string" },
          from: { type: "string" },
          to: { type: "string" },
          out: { type: "string" },
        },
      });
      if (positionals[0] !== "ledger") {
        console.error(
          "目前只能导出台账：riqing export ledger --unit 单位编码 --from 2026-11-01 --to 2026-11-30 --out 台账.xlsx",
        );
        return 2;
      }
      const missing = (["unit", "from", "to", "out"] as const).filter((k) => !values[k]);
      if (missing.length) {
        console.error(
          `缺少参数：${missing.map((k) => `--${k}`).join("、")}。例如：riqing export ledger --unit xfl --from 2026-11-01 --to 2026-11-30 --out 台账.xlsx`,
        );
        return 2;
      }
      const cfg = config();
      await migrate(cfg.databaseUrl);
      const { openDb } = await import("../db/client.ts");
      const { parseDateRange } = await import("../features/parse-input.ts");
      const { exportLedger, PHOTO_FOLDER } = await import("../reports/export-ledger.ts");
      const parsed = parseDateRange(values.from ?? "", values.to ?? "", cfg.timezone, "日期应写成 YYYY-MM-DD。");
      if (!parsed.ok) {
        console.error(parsed.answer);
        return 2;
      }
      const period = parsed.value;
      const db = await openDb(cfg.databaseUrl);
      try {
        const result = await exportLedger(db, {
          unitCode: values.unit,
          from: period.from,
          to: period.to,
          timeZone: cfg.timezone,
          out: values.out as string,
          dataDir: cfg.dataDir,
        });
        console.log(
          `已导出 ${result.unit.name} 台账：问题 ${result.issues} 件，处置记录 ${result.events} 条 → ${values.out}`,
        );
        const { copied, missing } = result.photos;
        const photoDir = join(dirname(values.out as string), PHOTO_FOLDER);
        if (copied > 0)
          console.log(`照片 ${copied} 张已复制到 ${photoDir}，台账中的照片链接指向这里，请与台账一起保存。`);
        if (missing > 0) console.log(`另有 ${missing} 张照片的文件在数据目录中找不到，台账中标为“文件缺失”。`);
        return 0;
      } catch (error) {
        if ((error as Error).name === "UnknownUnitError") {
          console.error(`没有找到单位编码“${values.unit}”。`);
          return 1;
        }
        throw error;
      } finally {
        await db.$disconnect();
      }
    }
    case "digest": {
      const { runDigestCli } = await import("./job-verbs.ts");
      return runDigestCli(rest, config());
    }
    case "remind": {
      const { runRemindCli } = await import("./job-verbs.ts");
      return runRemindCli(rest, config());
    }
    case "match": {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { json: { type: "boolean" }, unit: { type: "string" } },
      });
      const cfg = config();
      const { runMatch } = await import("./match-verb.ts");
      return runMatch(cfg, { json: values.json ?? false, unit: values.unit, texts: positionals });
    }
    case "apikey": {
      const { runApiKeyCli } = await import("./apikey-verbs.ts");
      return runApiKeyCli(rest, config());
    }
    case "doctor": {
      parseArgs({ args: rest });
      const cfg = config();
      const { runDoctor, formatDoctor } = await import("../ops/doctor.ts");
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
