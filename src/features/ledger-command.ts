/**
 * 台账 delivery in chat (behaviour §9): the 台账 command and the digest's 导出台账 button.
 *
 * The chat is answered at once and the export runs in the background: a ledger can take a minute, and the inbox
 * handles one chat's events in order, so exporting inside the handler would hold up everything said in that chat
 * meanwhile. A request is claimed once (JobRun, keyed by the message or the click) in the same transaction as the
 * acknowledgement; every message it sends is keyed from that claim, so a redelivered event or a resumed request
 * never posts twice. A request a stopped process left unfinished is resumed when the bot starts again (within a
 * day); a failure is answered in Chinese.
 *
 * What is sent: a chat message carries one file, and the ledger is a folder (the workbook and 照片, see
 * reports/export-ledger.ts). Without photos the .xlsx itself is sent; with photos the folder goes as a .zip — split
 * into volumes under Lark's 30 MB file limit, at most eight of them, beyond which the user is asked to shorten the
 * period or have an administrator export it with the CLI. Embedding thumbnails instead would need the workbook in
 * memory (exceljs's streaming writer cannot embed images) and an image library; links to the real photos also keep
 * the evidence at full size.
 */

import { mkdir, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { z } from "zod";
import { mayOnUnit } from "../commands/actors.ts";
import type { FeatureDeps } from "../commands/deps.ts";
import { answerTo, replyText } from "../commands/say.ts";
import { claimOnce } from "../db/once.ts";
import { dutiesOf, orgOf } from "../db/org-queries.ts";
import { transaction } from "../db/transaction.ts";
import { localDateString, type Period } from "../domain/deadline.ts";
import { PERMISSIONS, visibleUnits } from "../domain/permissions.ts";
import { enqueue } from "../lark/outbox.ts";
import { periodFor, periodLabel } from "../reports/stats.ts";
import { LedgerTooLargeError } from "../reports/zip-ledger.ts";
import { ledgerFileBase } from "../texts/ledger.ts";
import { TEXTS } from "../texts/messages.ts";
import { refusal } from "../texts/permissions.ts";
import { DATE_RANGE, LEDGER_PERIOD_WORDS } from "../texts/words.ts";
import type { CommandExtension } from "./chat-commands.ts";
import { type Parsed, parseDateRange } from "./parse-input.ts";

const DAY_MS = 24 * 3_600_000;
/**
 * Longest period 台账 exports in chat, in days: a year, leap day included. A longer one is answered with the CLI
 * command that exports it; the chat is not the place for a decade of issues.
 */
const MAX_CHAT_LEDGER_DAYS = 366;

/**
 * Parses 本周 | 本月 | 今日 | 起止日期 (both dates inclusive; ~, 至, 到, — or -- between them). Default 本月. A text
 * that is none of these, or names an impossible or reversed period, gets its answer.
 */
export function parseLedgerPeriod(arg: string, now: Date, timeZone: string): Parsed<Period> {
  const text = arg.trim();
  const spec = LEDGER_PERIOD_WORDS[text];
  if (spec) return { ok: true, value: periodFor(spec, now, timeZone) };
  const match = DATE_RANGE.exec(text);
  if (!match?.[1] || !match[2]) return { ok: false, answer: TEXTS.badLedgerPeriod };
  return parseDateRange(match[1], match[2], timeZone, TEXTS.badLedgerPeriod);
}

/** One ledger to deliver: what to export and which message the file answers. */
export interface LedgerRequest {
  /** Makes the delivery exactly-once: claimed once, and the source of every outbox key it writes. */
  key: string;
  unitId: number;
  period: Period;
  chatId: string;
  replyTo: string;
  inThread: boolean;
}

/** The JobRun kind of a ledger request; `<key>:done` (LEDGER_DONE_KIND) marks it delivered or failed. */
const LEDGER_KIND = "ledger.export";
const LEDGER_DONE_KIND = "ledger.done";
/** Lark refuses files over 30 MB; volumes stay below that with room for the multipart envelope. */
const MAX_FILE_BYTES = 28 * 1024 * 1024;
/** Most files one ledger is sent as; a larger one is refused with a hint to shorten the period. */
const MAX_VOLUMES = 8;
/** Requests older than this are not resumed after a restart: whoever asked has moved on. */
const RESUME_WINDOW_MS = DAY_MS;

/**
 * Claims a ledger request once (a redelivered command or click claims nothing) and, in the same transaction, queues
 * `ack` as a reply when given; then exports and sends it in the background, so the chat's other messages are not held
 * up behind the export. Resolves true when this call claimed the request.
 */
export async function requestLedger(deps: FeatureDeps, request: LedgerRequest, ack?: string): Promise<boolean> {
  const claimed = await transaction(deps.db, async (tx) => {
    const data = {
      unitId: request.unitId,
      from: request.period.from.toISOString(),
      to: request.period.to.toISOString(),
      chatId: request.chatId,
      replyTo: request.replyTo,
      inThread: request.inThread,
    };
    if (!(await claimOnce(tx, request.key, LEDGER_KIND, data))) return false;
    if (ack !== undefined) await replyText(tx, { ...replyOf(request), key: `${request.key}:ack`, text: ack });
    return true;
  });
  if (claimed) startExport(deps, request);
  return claimed;
}

const requestData = z.object({
  unitId: z.number().int(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  chatId: z.string(),
  replyTo: z.string(),
  inThread: z.boolean(),
});

/**
 * Starts again the ledger requests of the last day that a previous process claimed but neither delivered nor
 * reported as failed (it stopped mid-export). What they send is keyed, so a request finished after all sends nothing
 * twice.
 */
export async function resumeLedgerExports(deps: FeatureDeps): Promise<void> {
  const claims = await deps.db.jobRun.findMany({
    where: { kind: LEDGER_KIND, createdAt: { gte: new Date(deps.now().getTime() - RESUME_WINDOW_MS) } },
  });
  const done = new Set(
    (
      await deps.db.jobRun.findMany({
        where: { kind: LEDGER_DONE_KIND, key: { in: claims.map((c) => `${c.key}:done`) } },
        select: { key: true },
      })
    ).map((d) => d.key),
  );
  for (const claim of claims) {
    const parsed = requestData.safeParse(claim.data);
    if (done.has(`${claim.key}:done`) || !parsed.success) continue;
    const { from, to, ...rest } = parsed.data;
    startExport(deps, { ...rest, key: claim.key, period: { from: new Date(from), to: new Date(to) } });
  }
}

function replyOf(request: LedgerRequest) {
  return { chatId: request.chatId, messageId: request.replyTo, inThread: request.inThread };
}

/** Exports in the background, once per request at a time (see {@link deliverLedger}). */
function startExport(deps: FeatureDeps, request: LedgerRequest): void {
  deps.background.start(request.key, () => deliverLedger(deps, request));
}

/**
 * Exports the ledger into a folder of its own under DATA_DIR/exports (the workbook and its 照片 folder), uploads
 * the workbook — or, when it has photos, the folder as .zip volumes — and queues them as file replies; a failure is
 * logged and answered in Chinese. The folder is removed afterwards either way. Never rejects.
 */
async function deliverLedger(deps: FeatureDeps, request: LedgerRequest): Promise<void> {
  const dir = join(deps.dataDir, "exports", request.key.replace(/[^\w.-]/g, "_"));
  const keyed = (suffix: string) => `${request.key}:${suffix}`;
  try {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const unit = await deps.db.unit.findUniqueOrThrow({ where: { id: request.unitId } });
    const base = ledgerFileBase(unit.name, periodLabel(request.period, deps.timeZone).replace(/\s/g, ""));
    const workbook = `${base}.xlsx`;
    // The workbook and zip writers are loaded when a ledger is asked for, not with the bot; the workbook is written
    // on a thread of its own, so the bot's event loop keeps answering meanwhile.
    const { exportLedgerOnThread } = await import("../reports/ledger-thread.ts");
    const { PHOTO_FOLDER } = await import("../reports/export-ledger.ts");
    const { zipLedgerFolder } = await import("../reports/zip-ledger.ts");
    const result = await exportLedgerOnThread(deps.databaseUrl, {
      unitId: unit.id,
      from: request.period.from,
      to: request.period.to,
      timeZone: deps.timeZone,
      officeHours: deps.officeHours,
      out: join(dir, workbook),
      now: deps.now(),
      dataDir: deps.dataDir,
    });
    const files =
      result.photos.copied > 0
        ? await zipLedgerFolder({
            folder: dir,
            workbook,
            photoFolder: PHOTO_FOLDER,
            outBase: join(dir, base),
            maxBytes: MAX_FILE_BYTES,
            maxVolumes: MAX_VOLUMES,
          })
        : [join(dir, workbook)];
    const size = (await stat(files[0] as string)).size;
    if (size > MAX_FILE_BYTES) throw new LedgerTooLargeError(size);
    const fileKeys: string[] = [];
    for (const file of files) fileKeys.push(await deps.uploadFile(file, basename(file)));
    await transaction(deps.db, async (tx) => {
      if (files.length > 1) {
        await replyText(tx, { ...replyOf(request), key: keyed("volumes"), text: TEXTS.ledgerVolumes(files.length) });
      }
      for (const [i, fileKey] of fileKeys.entries()) {
        await enqueue(tx, {
          key: keyed(`file:${i + 1}`),
          kind: "reply",
          chatId: request.chatId,
          target: request.replyTo,
          msgType: "file",
          content: { file_key: fileKey },
          replyInThread: request.inThread,
        });
      }
      await claimOnce(tx, keyed("done"), LEDGER_DONE_KIND);
    });
  } catch (error) {
    deps.log.error({ err: error, key: request.key, unitId: request.unitId }, "ledger export failed");
    const text =
      error instanceof LedgerTooLargeError
        ? TEXTS.ledgerTooLarge(Math.ceil(error.bytes / 1024 / 1024))
        : TEXTS.ledgerFailed;
    await transaction(deps.db, async (tx) => {
      await replyText(tx, { ...replyOf(request), key: keyed("failed"), text });
      await claimOnce(tx, keyed("done"), LEDGER_DONE_KIND);
    }).catch((failure: unknown) => deps.log.error({ err: failure, key: request.key }, "cannot report ledger failure"));
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}

/** In a private chat, the unit whose ledger 台账 exports: the first reached by one of the sender's exporting duties. */
async function ownLedgerUnit(deps: FeatureDeps, openId: string): Promise<number | undefined> {
  const person = await deps.db.person.findUnique({ where: { openId } });
  if (!person) return undefined;
  const org = await orgOf(deps.db);
  const exporting = dutiesOf(org, person.id).filter((d) => PERMISSIONS.export_ledger.roles.includes(d.role));
  return visibleUnits(exporting, false, org.units)[0];
}

/**
 * 台账 [本周|本月|起止日期]: sends a ledger (to those the permission table lets export it) — the chat's unit in a group;
 * in a private chat the first unit one of the sender's exporting duties reaches.
 */
export const ledgerCommand: CommandExtension = async (deps, m, arg, scope) => {
  const reply = (text: string) => replyText(deps.db, { ...answerTo(m), text });
  const parsed = parseLedgerPeriod(arg, deps.now(), deps.timeZone);
  if (!parsed.ok) return reply(parsed.answer);
  const period = parsed.value;
  const unitId = scope.binding ? scope.binding.unitId : await ownLedgerUnit(deps, m.senderOpenId);
  if (unitId === undefined) return reply(scope.isAdmin ? TEXTS.ledgerWhichUnit : refusal("export_ledger"));
  if (!(await mayOnUnit(deps.db, "export_ledger", m.senderOpenId, unitId, deps.admins))) {
    return reply(refusal("export_ledger"));
  }
  const unit = await deps.db.unit.findUniqueOrThrow({ where: { id: unitId }, select: { name: true, code: true } });
  // Rounded: a period across a daylight-saving change is a whole number of days give or take an hour.
  if (Math.round((period.to.getTime() - period.from.getTime()) / DAY_MS) > MAX_CHAT_LEDGER_DAYS) {
    const first = localDateString(period.from, deps.timeZone);
    const last = localDateString(new Date(period.to.getTime() - 1), deps.timeZone);
    return reply(TEXTS.ledgerPeriodTooLong(MAX_CHAT_LEDGER_DAYS, unit.code, first, last));
  }
  const answer = answerTo(m);
  await requestLedger(
    deps,
    {
      key: `ledger:${m.messageId}`,
      unitId,
      period,
      chatId: m.chatId,
      replyTo: m.messageId,
      inThread: answer.inThread ?? true,
    },
    TEXTS.ledgerPreparing(unit.name, periodLabel(period, deps.timeZone)),
  );
};
