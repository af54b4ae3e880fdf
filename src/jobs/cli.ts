/**
 * The CLI verbs of the bot's clock: `riqing digest` and `riqing remind`. Both work on the database; messages they
 * send are queued in the outbox and delivered by the running bot, like everything else it sends.
 */

import { writeFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { parseArgs } from "node:util";
import type { Config } from "../config/env.ts";
import { openDb } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { localDateString, startOfDate } from "../domain/deadline.ts";
import { LarkClient } from "../lark/client.ts";
import { ensureImageKey } from "../lark/photos.ts";
import { createLogger } from "../log.ts";
import { buildDigest, digestText, renderDigestChart } from "../reports/digest.ts";
import { clockSettings } from "./clock-settings.ts";
import { digestChats, isLateDigest, postDigest } from "./digest-sweep.ts";
import type { JobDeps } from "./job-deps.ts";
import { runReminderSweep } from "./reminder-sweep.ts";

/** Where the CLI writes: stdout and stderr by default. */
export interface CliOutput {
  log(text: string): void;
  error(text: string): void;
}

const DIGEST_USAGE = `用法 Usage: riqing digest [--date YYYY-MM-DD] [--chat 群ID] [--dry-run] [--out 排名图.png]
  --date     日报日期，默认今天 / the day reported on (default today)
  --chat     只处理这个群（工作群或领导群）/ only this chat
  --dry-run  只打印日报内容，不发送 / print the digest, send nothing
  --out      把排名图写入这个 PNG 文件 / write the ranking chart to this PNG file`;

const REMIND_USAGE = `用法 Usage: riqing remind [--now 2026-11-23T08:00:00+08:00] [--dry-run]
  --now      按这个时刻计算到期的提醒，默认现在 / run the sweep as of this instant (default now)
  --dry-run  只列出会发送的提醒，不发送 / list what would be sent, send nothing`;

/** Opens the database and builds the jobs' dependencies; the chart is uploaded only when Lark is configured. */
async function openDeps(config: Config): Promise<JobDeps> {
  migrate(config.databaseUrl);
  const db = await openDb(config.databaseUrl);
  const log = createLogger(config.logLevel);
  const lark = config.lark;
  const client = lark
    ? new LarkClient({ appId: lark.appId, appSecret: lark.appSecret, domain: lark.domain, logger: log })
    : undefined;
  return {
    db,
    log,
    timeZone: config.timezone,
    dataDir: config.dataDir,
    admins: config.admins,
    policy: {},
    async publishPhotos(photos) {
      if (!client) throw new Error("Lark credentials are not configured; the chart cannot be uploaded");
      for (const photo of photos) await ensureImageKey(db, client, photo.sha256, join(config.dataDir, photo.path));
    },
  };
}

/** `--out chart.png` for several chats: chart-oc_xxx.png each. */
function chartPath(out: string, chatId: string, several: boolean): string {
  if (!several) return out;
  const ext = extname(out);
  return `${out.slice(0, out.length - ext.length)}-${chatId}${ext || ".png"}`;
}

/**
 * `riqing digest`: prints the digest of each digest chat (or one) for a date, and writes the ranking chart with
 * --out; without --dry-run it also sends each digest not sent yet for that date (补发 when past its time). Returns
 * the exit code: 0 done, 1 nothing to do for the chat asked, 2 bad arguments.
 */
export async function runDigestCli(args: string[], config: Config, out: CliOutput = console): Promise<number> {
  let values: { date?: string; chat?: string; "dry-run"?: boolean; out?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        date: { type: "string" },
        chat: { type: "string" },
        "dry-run": { type: "boolean" },
        out: { type: "string" },
      },
    }));
  } catch (error) {
    out.error(`${(error as Error).message}\n${DIGEST_USAGE}`);
    return 2;
  }
  const now = new Date();
  const date = values.date ?? localDateString(now, config.timezone);
  try {
    startOfDate(date, config.timezone);
  } catch {
    out.error(`日期“${date}”无效，应为 YYYY-MM-DD。\n${DIGEST_USAGE}`);
    return 2;
  }
  const deps = await openDeps(config);
  try {
    const chats = await digestChats(deps, values.chat);
    if (chats.length === 0) {
      out.error(
        values.chat ? `群 ${values.chat} 没有绑定为工作群或领导群，没有日报。` : "没有绑定工作群或领导群，没有日报。",
      );
      return 1;
    }
    for (const chat of chats) {
      const late = isLateDigest(chat.digestTime, date, now, config.timezone);
      const data = await buildDigest(deps.db, {
        unitId: chat.unitId,
        date,
        now,
        timeZone: config.timezone,
        minRankedIssues: clockSettings(chat.settings).minRankedIssues,
        listLimit: Number.MAX_SAFE_INTEGER,
      });
      out.log(`==== ${chat.name ?? chat.chatId}（${chat.chatId}）====`);
      out.log(digestText(data, { late }));
      if (values.out) {
        const png = await renderDigestChart(data);
        const path = chartPath(values.out, chat.chatId, chats.length > 1);
        if (png) {
          await writeFile(path, png);
          out.log(`排名图已写入 ${path}`);
        } else {
          out.log("没有参与排名的单位，未生成排名图。");
        }
      }
      if (!values["dry-run"]) {
        const sent = await postDigest(deps, chat, date, now);
        out.log(sent ? "已加入发送队列，由运行中的日清服务发出。" : "这一天的日报已经发过，没有重复发送。");
      }
      out.log("");
    }
    return 0;
  } finally {
    await deps.db.$disconnect();
  }
}

/**
 * `riqing remind`: runs one reminder sweep as of --now (default now) and prints each reminder it sent, or with
 * --dry-run would send. Returns the exit code: 0 done, 2 bad arguments.
 */
export async function runRemindCli(args: string[], config: Config, out: CliOutput = console): Promise<number> {
  let values: { now?: string; "dry-run"?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { now: { type: "string" }, "dry-run": { type: "boolean" } } }));
  } catch (error) {
    out.error(`${(error as Error).message}\n${REMIND_USAGE}`);
    return 2;
  }
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (Number.isNaN(now.getTime())) {
    out.error(`时间“${values.now}”无效，应为 ISO 格式，例如 2026-11-23T08:00:00+08:00。\n${REMIND_USAGE}`);
    return 2;
  }
  const deps = await openDeps(config);
  try {
    const dryRun = values["dry-run"] ?? false;
    const notices = await runReminderSweep(deps, now, { dryRun });
    if (notices.length === 0) out.log("此刻没有到期的提醒。");
    for (const n of notices) out.log(`${dryRun ? "将发送" : "已加入发送队列"}：${n.summary}`);
    return 0;
  } finally {
    await deps.db.$disconnect();
  }
}
