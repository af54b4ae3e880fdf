import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { dutiesOf, orgOf, unitChain } from "../db/org-queries.ts";
import { type Period, startOfDate } from "../domain/deadline.ts";
import type { Role } from "../domain/types.ts";
import { enqueue } from "../lark/outbox.ts";
import { exportLedger } from "../reports/export-ledger.ts";
import { periodFor, periodLabel } from "../reports/stats.ts";
import { TEXTS } from "../texts.ts";
import type { CommandExtension } from "./chat-commands.ts";
import type { FeatureDeps } from "./deps.ts";
import { answerTo, replyText } from "./say.ts";

const DAY_MS = 24 * 3_600_000;
/** Who may take a ledger out of the system: it lists people and problems by name. */
const LEDGER_ROLES: ReadonlySet<Role> = new Set(["secretary", "leader", "dispatcher", "admin"]);

/** Parses 本周 | 本月 | YYYY-MM-DD~YYYY-MM-DD (both dates inclusive; 至, ~, -, 到 between them). Default 本月. */
export function parseLedgerPeriod(arg: string, now: Date, timeZone: string): Period | null {
  const text = arg.trim();
  if (text === "" || text === "本月" || text === "month") return periodFor("month", now, timeZone);
  if (text === "本周" || text === "week") return periodFor("week", now, timeZone);
  if (text === "今日" || text === "今天" || text === "today") return periodFor("today", now, timeZone);
  const match = /^(\d{4}-\d{1,2}-\d{1,2})\s*(?:~|～|至|到|—|--)\s*(\d{4}-\d{1,2}-\d{1,2})$/.exec(text);
  if (!match?.[1] || !match[2]) return null;
  try {
    const from = startOfDate(normalizeDate(match[1]), timeZone);
    const to = new Date(startOfDate(normalizeDate(match[2]), timeZone).getTime() + DAY_MS);
    return from < to ? { from, to } : null;
  } catch {
    return null;
  }
}

function normalizeDate(date: string): string {
  const [y, m, d] = date.split("-");
  return `${y}-${m?.padStart(2, "0")}-${d?.padStart(2, "0")}`;
}

/** Whether the person may export the unit's ledger: a secretary, leader or dispatcher on it or above it, or an admin. */
export async function mayExportLedger(deps: FeatureDeps, openId: string, unitId: number): Promise<boolean> {
  if (deps.admins.includes(openId)) return true;
  const person = await deps.db.person.findUnique({ where: { openId } });
  if (!person) return false;
  const org = await orgOf(deps.db);
  const chain = new Set(unitChain(org, unitId).map((u) => u.id));
  return dutiesOf(org, person.id).some((d) => LEDGER_ROLES.has(d.role) && (d.role === "admin" || chain.has(d.unitId)));
}

/**
 * Exports the unit's ledger for the period to DATA_DIR/exports, uploads it to Lark, and queues it as a file reply
 * to `replyTo` (idempotent by `key`). Used by the 台账 command and the digest's 导出台账 button.
 */
export async function sendLedger(
  deps: FeatureDeps,
  input: { unitId: number; period: Period; chatId: string; replyTo: string; key: string },
): Promise<void> {
  const unit = await deps.db.unit.findUniqueOrThrow({ where: { id: input.unitId } });
  const label = periodLabel(input.period, deps.timeZone).replace(/\s/g, "");
  const fileName = `${unit.name}台账_${label}.xlsx`;
  const dir = join(deps.dataDir, "exports");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${input.key.replace(/[^\w.-]/g, "_")}.xlsx`);
  await exportLedger(deps.db, {
    unitId: unit.id,
    from: input.period.from,
    to: input.period.to,
    timeZone: deps.timeZone,
    out: path,
    now: deps.now(),
    dataDir: deps.dataDir,
  });
  const fileKey = await deps.uploadFile(path, fileName);
  await enqueue(deps.db, {
    key: input.key,
    kind: "reply",
    chatId: input.chatId,
    target: input.replyTo,
    msgType: "file",
    content: { file_key: fileKey },
  });
}

/** In a private chat, the unit whose ledger 台账 exports: the first on which the sender holds an exporting duty. */
async function ownLedgerUnit(deps: FeatureDeps, openId: string): Promise<number | undefined> {
  const person = await deps.db.person.findUnique({ where: { openId } });
  if (!person) return undefined;
  return dutiesOf(await orgOf(deps.db), person.id).find((d) => LEDGER_ROLES.has(d.role))?.unitId;
}

/**
 * 台账 [本周|本月|起止日期]: sends a ledger as an .xlsx file (secretaries, leaders, dispatchers, admins) — the chat's
 * unit in a group; in a private chat the first unit on which the sender holds one of those duties.
 */
export const ledgerCommand: CommandExtension = async (deps, m, arg, scope) => {
  const reply = (text: string) => replyText(deps.db, { ...answerTo(m), text });
  const period = parseLedgerPeriod(arg, deps.now(), deps.timeZone);
  if (!period) return reply(TEXTS.badLedgerPeriod);
  const unitId = scope.binding ? scope.binding.unitId : await ownLedgerUnit(deps, m.senderOpenId);
  if (unitId === undefined) return reply(scope.isAdmin ? TEXTS.ledgerWhichUnit : TEXTS.ledgerForbidden);
  if (!(await mayExportLedger(deps, m.senderOpenId, unitId))) return reply(TEXTS.ledgerForbidden);
  await sendLedger(deps, { unitId, period, chatId: m.chatId, replyTo: m.messageId, key: `ledger:${m.messageId}` });
};
