import { existsSync } from "node:fs";
import { dirname } from "node:path";
import type { Config } from "../config/env.ts";
import { type Db, isPostgresUrl, openDb, sqlitePath } from "../db/client.ts";
import { databaseInfo } from "../db/database-info.ts";
import { migrationStatus } from "../db/migrate.ts";
import { LarkClient } from "../lark/client.ts";
import { LarkApiError, LarkCode } from "../lark/errors.ts";
import { verifyPeople } from "../lark/verify-people.ts";
import type { Logger } from "../log.ts";
import { SANDBOX_TEXTS } from "../texts/sandbox.ts";

/** The steps of README's “接入飞书”, named in the fix hints so the operator knows where to go back to. */
export const STEP = {
  app: "第 1 步（创建应用）",
  scopes: "第 2 步（开通权限）",
  events: "第 3 步（订阅事件与回调）",
  publish: "第 4 步（发布版本）",
  start: "第 5 步（配置并启动）",
  importOrg: "第 6 步（导入组织架构）",
  bind: "第 7 步（拉机器人进群并绑定）",
} as const;

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

/** What the doctor reads from the database besides its own line: bound chats, people, recent failures. */
interface DoctorData {
  db: Db;
  chats: { chatId: string; name: string | null }[];
}

/** The oldest PostgreSQL major version Riqing's migrations and queries are written for. */
const MIN_POSTGRES_MAJOR = 12;
/** A database clock further than this from the process's makes deadlines and digests fire at the wrong time. */
const MAX_CLOCK_SKEW_MS = 5_000;

/** A connection string without its password, for the report. */
function shown(url: string): string {
  return isPostgresUrl(url) ? url.replace(/(\/\/[^:/@]+):[^@]*@/, "$1:***@") : url;
}

/**
 * The PostgreSQL server: reachable, recent enough, its clock close to this machine's. Adds its lines and returns
 * whether the database can be looked at further.
 */
async function checkPostgresServer(db: Db, checks: DoctorCheck[]): Promise<boolean> {
  const info = await databaseInfo(db);
  const major = Number.parseInt(info.version, 10);
  const recent = major >= MIN_POSTGRES_MAJOR;
  checks.push({
    name: "数据库服务器",
    ok: recent,
    detail: `PostgreSQL ${info.version}`,
    ...(!recent && { hint: `日清需要 PostgreSQL ${MIN_POSTGRES_MAJOR} 或更新的版本，请升级数据库服务器` }),
  });
  const skew = Math.abs(info.clockSkewMs);
  checks.push({
    name: "时钟",
    ok: skew <= MAX_CLOCK_SKEW_MS,
    detail: `数据库服务器与本机时间相差 ${(skew / 1000).toFixed(1)} 秒${info.clockSkewMs > 0 ? "（数据库较快）" : info.clockSkewMs < 0 ? "（数据库较慢）" : ""}`,
    ...(skew > MAX_CLOCK_SKEW_MS && {
      hint: "用 NTP（如 chrony）同步数据库服务器和各台日清服务器的时间；相差太大时期限、提醒和日报的时刻会不准",
    }),
  });
  return recent;
}

/**
 * The database as it is: opened read-only, never created or migrated, so a mistyped DATABASE_URL shows as missing
 * instead of as a fresh empty database. Adds its lines to `checks` and returns the open database (the caller closes
 * it) with the bound chats.
 */
async function checkDatabase(config: Config, checks: DoctorCheck[]): Promise<DoctorData | undefined> {
  const url = config.databaseUrl;
  if (config.mode === "sandbox") {
    checks.push(await sandboxDatabase(url));
    return undefined;
  }
  if (isPostgresUrl(url)) {
    let db: Db | undefined;
    try {
      db = await openDb(url, { readonly: true });
      if (!(await checkPostgresServer(db, checks))) return undefined;
    } catch (error) {
      const hint = "核对 DATABASE_URL 中的地址、端口、数据库名、用户名和密码，确认 PostgreSQL 已启动且本机可以连接";
      checks.push(failure("数据库", error, hint));
      return undefined;
    } finally {
      await db?.$disconnect();
    }
  } else if (!existsSync(sqlitePath(url))) {
    checks.push({
      name: "数据库",
      ok: false,
      detail: `找不到数据库文件 ${sqlitePath(url)}`,
      hint: `${STEP.start}：核对 DATABASE_URL 是否写对；新部署请先运行 riqing migrate（riqing start 也会）创建数据库`,
    });
    return undefined;
  }
  try {
    const { applied, pending } = await migrationStatus(url);
    if (pending.length > 0) {
      checks.push({
        name: "数据库",
        ok: false,
        detail: `${shown(url)}，结构版本 ${applied.length}，还有 ${pending.length} 个升级未执行：${pending.join("、")}`,
        hint: "运行 riqing migrate 升级数据库（riqing start 启动时也会自动升级）",
      });
      return undefined;
    }
    const db = await openDb(url, { readonly: true });
    const units = await db.unit.count();
    const chats = await db.chatBinding.findMany({ select: { chatId: true, name: true } });
    checks.push({
      name: "数据库",
      ok: true,
      detail: `${shown(url)}，结构版本 ${applied.length}（最新），单位 ${units} 个，绑定群 ${chats.length} 个`,
    });
    if (units === 0) {
      checks.push({
        name: "组织架构",
        ok: false,
        detail: "还没有导入单位和人员",
        hint: `${STEP.importOrg}：运行 riqing import examples/org.yaml 或你们自己的组织架构文件`,
      });
    } else if (chats.length === 0) {
      checks.push({
        name: "群绑定",
        ok: false,
        detail: "还没有绑定任何群",
        hint: `${STEP.bind}：把机器人拉进社区工作群，在群里 @机器人 发送“绑定 单位”，或在导入文件的“群绑定”里写上群`,
      });
    }
    return { db, chats };
  } catch (error) {
    checks.push(failure("数据库", error, "检查 DATABASE_URL 指向的文件是否是日清的数据库、是否可读"));
    return undefined;
  }
}

/** A message id nobody has: the send-scope probe updates it, and Lark refuses for the scope before the id. */
const PROBE_MESSAGE_ID = "om_riqing_doctor_probe";
const PROBE_CARD = { config: { wide_screen_mode: true, update_multi: true }, elements: [] };
/** A 1×1 PNG: the image-scope probe uploads it (it is never sent anywhere). */
const PROBE_IMAGE = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);
/** Failed messages of this many recent days are listed. */
const FAILURE_DAYS = 7;

/** Whether a call was refused for a missing scope; any other answer means the scope is there. */
async function probeScope(run: () => Promise<unknown>): Promise<LarkApiError | undefined> {
  try {
    await run();
  } catch (error) {
    if (error instanceof LarkApiError && error.code === LarkCode.scopeMissing) return error;
    if (!(error instanceof LarkApiError)) throw error;
  }
  return undefined;
}

function scopeLine(name: string, purpose: string, refused: LarkApiError | undefined, scopes: string): DoctorCheck {
  if (!refused) return { name, ok: true, detail: `已开通（${purpose}）` };
  return {
    name,
    ok: false,
    detail: `未开通：${purpose}做不了`,
    hint: `${STEP.scopes}：在开发者后台“权限管理”开通 ${scopes}，再按${STEP.publish}发布新版本`,
  };
}

/**
 * The scopes, each probed with a harmless call (a 99991672 answer names the missing scope), and the people's
 * open_ids checked with Lark in batches (reported, not recorded: the doctor changes nothing).
 */
async function checkScopes(client: LarkClient, data: DoctorData | undefined, checks: DoctorCheck[]): Promise<void> {
  checks.push(
    scopeLine(
      "权限 发消息",
      "发卡片、回复、更新卡片",
      await probeScope(() => client.patchCard({ messageId: PROBE_MESSAGE_ID, card: PROBE_CARD })),
      "im:message:send_as_bot",
    ),
  );
  checks.push(
    scopeLine(
      "权限 图片与文件",
      "卡片里的照片、台账文件、下载群里的照片",
      await probeScope(() => client.uploadImage(PROBE_IMAGE)),
      "im:resource",
    ),
  );
  const someone = data ? await data.db.person.findFirst({ select: { openId: true } }) : null;
  let nameless = false;
  const contactRefused = await probeScope(async () => {
    const [user] = await client.getUsers([someone?.openId ?? "ou_riqing_doctor_probe"]);
    nameless = user !== undefined && user.name === "";
  });
  checks.push(scopeLine("权限 通讯录", "核对人员 open_id", contactRefused, "contact:contact.base:readonly"));
  if (nameless) {
    checks.push({
      name: "权限 用户姓名",
      ok: false,
      detail: "未开通：飞书返回的用户没有姓名，不在导入文件里的人会显示为“未登记用户”",
      hint: `${STEP.scopes}：开通 contact:user.base:readonly，再按${STEP.publish}发布新版本`,
    });
  }
  if (data && someone && !contactRefused) checks.push(await peopleCheck(client, data.db, false));
  checks.push({
    name: "事件与消息权限",
    ok: true,
    detail:
      "接收消息的权限无法直接检查：私聊发“帮助”、在群里发照片，机器人没有反应时，" +
      `按${STEP.scopes}开通 im:message.p2p_msg:readonly、im:message.group_at_msg:readonly、im:message.group_msg，` +
      `按${STEP.events}订阅 im.message.receive_v1 和卡片回调`,
  });
}

/**
 * Every person's open_id checked with Lark, 50 at a time: unknown ones are named (never @-mentioned) until fixed.
 * `record` stores the answers on the people (import does; the doctor only reads).
 */
export async function peopleCheck(client: LarkClient, db: Db, record: boolean): Promise<DoctorCheck> {
  try {
    const { checked, unknown } = await verifyPeople(db, client, { record });
    if (unknown.length === 0) return { name: "人员 open_id", ok: true, detail: `${checked} 人的 open_id 飞书都认识` };
    const listed = unknown.slice(0, 10).map((p) => `${p.name}（${p.openId}）`);
    return {
      name: "人员 open_id",
      ok: false,
      detail: `${unknown.length} 人的 open_id 飞书不认识，不会被 @ 到：${listed.join("、")}${unknown.length > 10 ? " 等" : ""}`,
      hint:
        `${STEP.importOrg}：open_id 每个应用各不相同，请改用本应用取得的 open_id 重新导入；` +
        `或按${STEP.publish}把他们加入应用的可用范围和通讯录权限范围`,
    };
  } catch (error) {
    return failure("人员 open_id", error, `${STEP.scopes}：开通通讯录权限后再检查`);
  }
}

/** Each bound chat: is the bot a member (is_in_chat; get-chat answers for chats the bot has left)? */
async function checkChats(client: LarkClient, data: DoctorData, checks: DoctorCheck[]): Promise<void> {
  for (const chat of data.chats) {
    const name = `群 ${chat.name ?? chat.chatId}`;
    try {
      const member = await client.isInChat(chat.chatId);
      checks.push(
        member
          ? { name, ok: true, detail: "机器人在群内" }
          : {
              name,
              ok: false,
              detail: "机器人不在群内，群里的上报收不到、卡片发不出",
              hint: `${STEP.bind}：在群设置“群机器人”里添加机器人，或在群里发“解绑”解除绑定`,
            },
      );
    } catch (error) {
      const hint =
        error instanceof LarkApiError && error.code === LarkCode.scopeMissing
          ? `${STEP.scopes}：开通 im:chat:readonly 并发布新版本`
          : `${STEP.bind}：确认群还在、机器人在群里；群已解散的请“解绑”或从导入文件中删去`;
      checks.push(failure(name, error, hint));
    }
  }
}

/** Messages Lark refused for good in the last days (dissolved chats, bot removed, content blocked …), by reason. */
async function checkFailures(data: DoctorData, now: Date, checks: DoctorCheck[]): Promise<void> {
  const since = new Date(now.getTime() - FAILURE_DAYS * 86_400_000);
  const failed = await data.db.outboxMessage.groupBy({
    by: ["lastCode", "chatId"],
    where: { status: "failed", createdAt: { gte: since } },
    _count: { _all: true },
    _max: { lastError: true },
  });
  if (failed.length === 0) {
    checks.push({ name: "消息发送", ok: true, detail: `最近 ${FAILURE_DAYS} 天没有发送失败的消息` });
    return;
  }
  const names = new Map(data.chats.map((c) => [c.chatId, c.name ?? c.chatId]));
  for (const group of failed) {
    const where = group.chatId ? `群 ${names.get(group.chatId) ?? group.chatId}` : "私聊";
    checks.push({
      name: "消息发送",
      ok: false,
      detail: `最近 ${FAILURE_DAYS} 天在${where}有 ${group._count._all} 条消息发送失败：${group._max.lastError ?? ""}`,
      hint: failureHint(group.lastCode),
    });
  }
}

function failureHint(code: number | null): string {
  if (code === LarkCode.scopeMissing) return `${STEP.scopes}：开通所缺权限并发布新版本`;
  if (code === LarkCode.botNotInChat || code === LarkCode.chatDissolved) {
    return `${STEP.bind}：把机器人拉回群里，或解绑已解散、不再使用的群`;
  }
  if (code === LarkCode.contentBlocked)
    return "内容被企业的数据防泄漏或内容审核策略拦截：请管理员在飞书管理后台查看拦截记录";
  if (code === LarkCode.userOutOfScope) return `${STEP.publish}：把相关人员加入应用的可用范围`;
  return "查看日志中的错误码和 log_id，必要时联系飞书技术支持";
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
 * the Lark credentials and bot, each scope with a harmless call, the people's open_ids, the bot's membership of every
 * bound chat (is_in_chat), and messages that failed for good lately. Each failure names the step of README's
 * “接入飞书” to go back to.
 */
export async function runDoctor(config: Config, log: Logger, now = new Date()): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [
    { name: "配置", ok: true, detail: `有效（${config.mode === "sandbox" ? "沙箱模式" : "生产模式"}）` },
  ];
  const data = await checkDatabase(config, checks);
  try {
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
        failure(
          "飞书凭证",
          error,
          `${STEP.app}：核对 LARK_APP_ID、LARK_APP_SECRET 是否为同一应用，应用是否启用了机器人能力；${STEP.publish}：是否已发布`,
        ),
      );
      return checks;
    }
    await checkScopes(client, data, checks);
    if (data) {
      await checkChats(client, data, checks);
      await checkFailures(data, now, checks);
    }
    return checks;
  } finally {
    await data?.db.$disconnect();
  }
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
