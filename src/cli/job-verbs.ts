/**
 * The CLI verbs of the bot's clock: `riqing digest` and `riqing remind`. Both work on the database; messages they
 * send are queued in the outbox and delivered by the running bot, like everything else it sends.
 */

import { writeFile } from "node:fs/promises";
import { extname } from "node:path";
import { parseArgs } from "node:util";
import type { JobDeps } from "../commands/deps.ts";
import { type Config, secretsOf } from "../config/env.ts";
import { openDb } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { clockSettings } from "../domain/clock-settings.ts";
import { localDateString, startOfDate } from "../domain/deadline.ts";
import { digestChats, digestDueAt, digestMark, postDigest } from "../jobs/digest-sweep.ts";
import { runReminderSweep } from "../jobs/reminder-sweep.ts";
import { LarkClient } from "../lark/client.ts";
import { ImageKeys } from "../lark/photos.ts";
import { createLogger } from "../log.ts";
import { buildDigest, digestText, renderDigestChart } from "../reports/digest.ts";
import { ARGUMENT_TEXTS, JOB_TEXTS as T, USAGE } from "../texts/cli.ts";
import { formatDateTime } from "../texts/messages.ts";
import { argumentProblem } from "./usage.ts";

/** Where the CLI writes: stdout and stderr by default. */
export interface CliOutput {
  log(text: string): void;
  error(text: string): void;
}

/** Opens the database and builds the jobs' dependencies; the chart is uploaded only when Lark is configured. */
async function openDeps(config: Config): Promise<JobDeps> {
  await migrate(config.databaseUrl);
  const db = await openDb(config.databaseUrl);
  const log = createLogger(config.logLevel, undefined, secretsOf(config));
  const lark = config.lark;
  const client = lark
    ? new LarkClient({ appId: lark.appId, appSecret: lark.appSecret, domain: lark.domain, logger: log })
    : undefined;
  const images = client && new ImageKeys(db, client);
  return {
    db,
    log,
    timeZone: config.timezone,
    officeHours: config.officeHours,
    dataDir: config.dataDir,
    admins: config.admins,
    policy: {},
    async publishPhotos(photos) {
      if (!images) throw new Error("Lark credentials are not configured; the chart cannot be uploaded");
      return images.ofPhotos(config.dataDir, photos);
    },
    async uploadFile() {
      // The CLI's verbs send no files: `riqing briefing` writes its document where --out says.
      throw new Error("the command line uploads no files");
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
 * --out; without --dry-run it also sends it. From the chat's digest time on that is the day's digest, through the
 * same once-per-chat-and-date claim as the scheduler (补发 when late); before it, only with --force, as an early
 * copy titled 截至 HH:mm that leaves the day's digest to go out at its time. `clock` is the CLI's now (tests set it).
 * Returns the exit code: 0 done, 1 nothing to do for the chat asked or a digest held back for its time, 2 bad
 * arguments.
 */
export async function runDigestCli(
  args: string[],
  config: Config,
  out: CliOutput = console,
  clock: () => Date = () => new Date(),
): Promise<number> {
  let values: { date?: string; chat?: string; "dry-run"?: boolean; force?: boolean; out?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        date: { type: "string" },
        chat: { type: "string" },
        "dry-run": { type: "boolean" },
        force: { type: "boolean" },
        out: { type: "string" },
      },
    }));
  } catch (error) {
    out.error(ARGUMENT_TEXTS.withUsage(argumentProblem(error) ?? (error as Error).message, USAGE.digest ?? ""));
    return 2;
  }
  const now = clock();
  const date = values.date ?? localDateString(now, config.timezone);
  try {
    startOfDate(date, config.timezone);
  } catch {
    out.error(`${T.badDate(date)}\n${USAGE.digest}`);
    return 2;
  }
  const deps = await openDeps(config);
  try {
    const chats = await digestChats(deps, values.chat);
    if (chats.length === 0) {
      out.error(T.noDigestChats(values.chat));
      return 1;
    }
    let heldBack = false;
    for (const chat of chats) {
      const mark = digestMark(chat.digestTime, date, now, config.timezone);
      const { minRankedIssues, scoring } = clockSettings(chat.settings);
      const data = await buildDigest(deps.db, {
        unitId: chat.unitId,
        date,
        now,
        timeZone: config.timezone,
        officeHours: config.officeHours,
        minRankedIssues,
        scoring,
        listLimit: Number.MAX_SAFE_INTEGER,
      });
      out.log(T.chatHeading(chat.name ?? chat.chatId, chat.chatId));
      out.log(digestText(data, mark));
      if (values.out) {
        const png = await renderDigestChart(data);
        const path = chartPath(values.out, chat.chatId, chats.length > 1);
        if (png) {
          await writeFile(path, png);
          out.log(T.chartWritten(path));
        } else {
          out.log(T.noChart);
        }
      }
      if (!values["dry-run"]) {
        const dueAt = formatDateTime(digestDueAt(chat.digestTime, date, config.timezone), config.timezone);
        if (mark.early && !values.force) {
          heldBack = true;
          out.error(T.heldBack(dueAt));
        } else {
          const sent = await postDigest(deps, chat, date, now);
          out.log(mark.early ? T.queuedEarly(dueAt) : sent ? T.queued : T.alreadySent);
        }
      }
      out.log("");
    }
    return heldBack ? 1 : 0;
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
    out.error(ARGUMENT_TEXTS.withUsage(argumentProblem(error) ?? (error as Error).message, USAGE.remind ?? ""));
    return 2;
  }
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (Number.isNaN(now.getTime())) {
    out.error(`${T.badTime(values.now)}\n${USAGE.remind}`);
    return 2;
  }
  const deps = await openDeps(config);
  try {
    const dryRun = values["dry-run"] ?? false;
    const notices = await runReminderSweep(deps, now, { dryRun });
    if (notices.length === 0) out.log(T.noReminders);
    for (const n of notices) out.log(T.reminder(dryRun, n.summary));
    return 0;
  } finally {
    await deps.db.$disconnect();
  }
}
