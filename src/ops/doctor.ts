import { existsSync } from "node:fs";
import { dirname } from "node:path";
import type { Config } from "../config/env.ts";
import { type Db, openDb } from "../db/client.ts";
import { databaseInfo } from "../db/database-info.ts";
import { migrationStatus } from "../db/migrate.ts";
import { isPostgresUrl, sqlitePath } from "../db/sqlite-file.ts";
import { LarkClient } from "../lark/client.ts";
import { LarkApiError, LarkCode } from "../lark/errors.ts";
import { verifyPeople } from "../lark/verify-people.ts";
import type { Logger } from "../log.ts";
import { CHECK_NAMES as N, DOCTOR_TEXTS as T } from "../texts/doctor.ts";
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
    name: N.databaseServer,
    ok: recent,
    detail: T.postgresVersion(info.version),
    ...(!recent && { hint: T.postgresTooOld(MIN_POSTGRES_MAJOR) }),
  });
  const skew = Math.abs(info.clockSkewMs);
  checks.push({
    name: N.clock,
    ok: skew <= MAX_CLOCK_SKEW_MS,
    detail: T.clockSkew(info.clockSkewMs),
    ...(skew > MAX_CLOCK_SKEW_MS && { hint: T.clockFix }),
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
      checks.push(failure(N.database, error, T.postgresUnreachable));
      return undefined;
    } finally {
      await db?.$disconnect();
    }
  } else if (!existsSync(sqlitePath(url))) {
    checks.push({
      name: N.database,
      ok: false,
      detail: T.noDatabaseFile(sqlitePath(url)),
      hint: T.noDatabaseFileFix,
    });
    return undefined;
  }
  try {
    const { applied, pending } = await migrationStatus(url);
    if (pending.length > 0) {
      checks.push({
        name: N.database,
        ok: false,
        detail: T.migrationsPending(shown(url), applied.length, pending),
        hint: T.migrationsPendingFix,
      });
      return undefined;
    }
    const db = await openDb(url, { readonly: true });
    const units = await db.unit.count();
    const chats = await db.chatBinding.findMany({ select: { chatId: true, name: true } });
    checks.push({
      name: N.database,
      ok: true,
      detail: T.database(shown(url), applied.length, units, chats.length),
    });
    if (units === 0) {
      checks.push({
        name: N.org,
        ok: false,
        detail: T.noOrg,
        hint: T.noOrgFix,
      });
    } else if (chats.length === 0) {
      checks.push({
        name: N.bindings,
        ok: false,
        detail: T.noBindings,
        hint: T.noBindingsFix,
      });
    }
    return { db, chats };
  } catch (error) {
    checks.push(failure(N.database, error, T.unreadableDatabase));
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
  if (!refused) return { name, ok: true, detail: T.scopeGranted(purpose) };
  return { name, ok: false, detail: T.scopeMissing(purpose), hint: T.scopeFix(scopes) };
}

/**
 * The scopes, each probed with a harmless call (a 99991672 answer names the missing scope), and the people's
 * open_ids checked with Lark in batches (reported, not recorded: the doctor changes nothing).
 */
async function checkScopes(client: LarkClient, data: DoctorData | undefined, checks: DoctorCheck[]): Promise<void> {
  checks.push(
    scopeLine(
      N.sendScope,
      T.sendPurpose,
      await probeScope(() => client.patchCard({ messageId: PROBE_MESSAGE_ID, card: PROBE_CARD })),
      "im:message:send_as_bot",
    ),
  );
  checks.push(
    scopeLine(
      N.resourceScope,
      T.resourcePurpose,
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
  checks.push(scopeLine(N.contactScope, T.contactPurpose, contactRefused, "contact:contact.base:readonly"));
  if (nameless) {
    checks.push({
      name: N.userNameScope,
      ok: false,
      detail: T.noUserNames,
      hint: T.noUserNamesFix,
    });
  }
  if (data && someone && !contactRefused) checks.push(await peopleCheck(client, data.db, false));
  checks.push({
    name: N.receiveScopes,
    ok: true,
    detail: T.receiveScopes,
  });
}

/**
 * Every person's open_id checked with Lark, 50 at a time: unknown ones are named (never @-mentioned) until fixed.
 * `record` stores the answers on the people (import does; the doctor only reads).
 */
export async function peopleCheck(client: LarkClient, db: Db, record: boolean): Promise<DoctorCheck> {
  try {
    const { checked, unknown } = await verifyPeople(db, client, { record });
    if (unknown.length === 0) return { name: N.people, ok: true, detail: T.peopleKnown(checked) };
    return {
      name: N.people,
      ok: false,
      detail: T.peopleUnknown(unknown.length, unknown.slice(0, 10)),
      hint: T.peopleUnknownFix,
    };
  } catch (error) {
    return failure(N.people, error, T.peopleUncheckedFix);
  }
}

/** Each bound chat: is the bot a member (is_in_chat; get-chat answers for chats the bot has left)? */
async function checkChats(client: LarkClient, data: DoctorData, checks: DoctorCheck[]): Promise<void> {
  for (const chat of data.chats) {
    const name = N.chat(chat.name ?? chat.chatId);
    try {
      const member = await client.isInChat(chat.chatId);
      checks.push(
        member
          ? { name, ok: true, detail: T.botInChat }
          : { name, ok: false, detail: T.botNotInChat, hint: T.botNotInChatFix },
      );
    } catch (error) {
      const hint =
        error instanceof LarkApiError && error.code === LarkCode.scopeMissing ? T.chatScopeFix : T.chatGoneFix;
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
    checks.push({ name: N.sending, ok: true, detail: T.noFailures(FAILURE_DAYS) });
    return;
  }
  const names = new Map(data.chats.map((c) => [c.chatId, c.name ?? c.chatId]));
  for (const group of failed) {
    const chat = group.chatId ? (names.get(group.chatId) ?? group.chatId) : undefined;
    checks.push({
      name: N.sending,
      ok: false,
      detail: T.failures(FAILURE_DAYS, chat, group._count._all, group._max.lastError ?? ""),
      hint: failureHint(group.lastCode),
    });
  }
}

function failureHint(code: number | null): string {
  if (code === LarkCode.scopeMissing) return T.failureScopeFix;
  if (code === LarkCode.botNotInChat || code === LarkCode.chatDissolved) return T.failureChatFix;
  if (code === LarkCode.contentBlocked) return T.failureBlockedFix;
  if (code === LarkCode.userOutOfScope) return T.failureScopeRangeFix;
  return T.failureOtherFix;
}

/**
 * The sandbox's database: where the sandbox keeps its data, and whether a start loads the demo (nothing kept yet) or
 * resumes it (the sandbox rebuilds it only on a reset, or when its saved chats and database no longer match).
 */
async function sandboxDatabase(url: string): Promise<DoctorCheck> {
  const dir = dirname(sqlitePath(url));
  if (!existsSync(sqlitePath(url))) return { name: N.database, ok: true, detail: SANDBOX_TEXTS.doctorFresh(dir) };
  try {
    const db = await openDb(url, { readonly: true });
    try {
      const [units, issues] = await Promise.all([db.unit.count(), db.issue.count()]);
      return { name: N.database, ok: true, detail: SANDBOX_TEXTS.doctorKept(dir, units, issues) };
    } finally {
      await db.$disconnect();
    }
  } catch (error) {
    return failure(N.database, error, T.brokenSandbox);
  }
}

/**
 * `riqing doctor`: checks the configuration (already valid when this runs), the database (without changing it),
 * the Lark credentials and bot, each scope with a harmless call, the people's open_ids, the bot's membership of every
 * bound chat (is_in_chat), and messages that failed for good lately. Each failure names the step of README's
 * “接入飞书” to go back to.
 */
export async function runDoctor(config: Config, log: Logger, now = new Date()): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [{ name: N.config, ok: true, detail: T.config(config.mode === "sandbox") }];
  const data = await checkDatabase(config, checks);
  try {
    const lark = config.lark;
    if (!lark) {
      checks.push({ name: N.app, ok: true, detail: T.sandboxApp });
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
      checks.push({ name: N.credentials, ok: true, detail: T.credentials(lark.domain) });
      checks.push({ name: N.bot, ok: true, detail: T.bot(bot.appName, bot.openId) });
    } catch (error) {
      checks.push(failure(N.credentials, error, T.credentialsFix));
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
  const lines = checks.map((c) => T.line(c.ok, c.name, c.detail, c.hint));
  lines.push(T.summary(checks.filter((c) => !c.ok).length));
  return lines.join("\n");
}
