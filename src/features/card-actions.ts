import { z } from "zod";
import { actOnIssue, type IssueActionInput } from "../commands/act-on-issue.ts";
import { commandContext, type FeatureDeps } from "../commands/deps.ts";
import { replyText } from "../commands/say.ts";
import { transaction } from "../db/transaction.ts";
import { localDateString } from "../domain/deadline.ts";
import { MAX_EXTENSION_DAYS, MAX_PARK_DAYS, PARK_KINDS } from "../domain/extension.ts";
import { ISSUE_ACTIONS } from "../domain/lifecycle.ts";
import type { InboundCardAction } from "../lark/envelope.ts";
import type { CardAnswer } from "../lark/inbox-store.ts";
import { FORM_FIELDS } from "../presenters/issue-card.ts";
import { ACTION_DONE, TEXTS } from "../texts/messages.ts";
import { parseLaterDate, recordId } from "./parse-input.ts";

const issueValue = z.object({
  a: z.enum([...ISSUE_ACTIONS, "set_grid", "set_category"]),
  i: recordId,
  /** The category a suggested-category button sets (a select sends its choice as the option instead). */
  c: recordId.optional(),
  /** 挂账 or 缓办, on the buttons of the parking form. */
  k: z.enum(PARK_KINDS).optional(),
});

/** A form's text input as the callback carries it: a string, or nothing. */
const typed = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** A card answer that only shows a toast. */
export function toast(type: "success" | "error" | "warning" | "info", content: string): CardAnswer {
  return { toast: { type, content } };
}

/** A click whose value names a card family (it has the family's key) but whose other fields are missing or wrong. */
export class IncompleteCardValue extends Error {
  constructor(key: string) {
    super(`card value of family "${key}" does not parse`);
    this.name = "IncompleteCardValue";
  }
}

/**
 * A click's value as the card family keyed by `key` reads it: undefined when the value is another family's (it lacks
 * `key`). Throws IncompleteCardValue when the value is this family's but does not parse; the router answers it.
 */
export function cardValue<T>(value: unknown, key: string, schema: z.ZodType<T>): T | undefined {
  if (!isCardValue(value) || !(key in value)) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new IncompleteCardValue(key);
  return parsed.data;
}

/** Whether a click's value has the shape of every value Riqing's cards carry: a plain object. */
export function isCardValue(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Clicks on issue cards: every action is checked against the clicker's duty by the same rules as thread words;
 * a refused click answers with a toast that names who may do it and changes nothing. Other card families
 * (reminders, digests) register their own values; an unknown value is answered as expired.
 */
export async function handleIssueCardAction(deps: FeatureDeps, a: InboundCardAction): Promise<CardAnswer | undefined> {
  const parsed = cardValue(a.value, "a", issueValue);
  if (!parsed) return undefined;
  const { a: kind, i: issueId, c: suggested, k: parkKind } = parsed;
  const option = a.option ?? (suggested === undefined ? undefined : String(suggested));
  const input: IssueActionInput = { issueId, actorOpenId: a.operatorOpenId, action: "edit" };
  const fields = kind === "request_extension" || kind === "park" ? FORM_FIELDS[kind] : undefined;
  const reason = typed(a.formValue?.[fields?.reason ?? "reason"]);
  if (kind === "set_grid" || kind === "set_category") {
    const picked = recordId.safeParse(option);
    if (!picked.success) return toast("error", TEXTS.pickFromList);
    input.edit = kind === "set_grid" ? { gridId: picked.data } : { categoryId: picked.data };
  } else input.action = kind;
  if (kind === "assign" && option) {
    const target = await targetOf(deps, option);
    if (!target) return toast("error", TEXTS.unknownAssignee);
    input.target = target;
  }
  if (reason !== undefined) input.reason = reason;
  if (parkKind) input.parkKind = parkKind;
  const day = typed(a.formValue?.[fields?.date ?? ""])?.trim();
  if (fields && day) input.date = await laterDate(deps, issueId, kind === "park", day);

  const ctx = commandContext(deps);
  const result = await transaction(deps.db, (tx) => actOnIssue(tx, input, ctx));
  if (result.ok) return toast("success", ACTION_DONE[kind]);
  if (result.code === "photo_required") {
    // Asked in the thread of the card clicked: the report's, or the copy's in a department's group.
    const issue = await deps.db.issue.findUnique({ where: { id: issueId } });
    const source = issue?.sourceChatId === a.chatId && issue.sourceMessageId ? issue.sourceMessageId : a.messageId;
    await replyText(deps.db, {
      key: `ask-photo:${a.eventId}`,
      chatId: a.chatId,
      messageId: source,
      text: TEXTS.askAfterPhoto,
    });
    return toast("info", TEXTS.askAfterPhoto);
  }
  return toast(result.code === "role" || result.code === "self_verify" ? "error" : "warning", result.message);
}

/**
 * The day typed on the 延期 or 挂账/缓办 form, checked (behaviour §2.18): after today — for an extension after the
 * deadline's day too — and not too far ahead. The command answers a day typed wrong only to someone who may act.
 */
async function laterDate(
  deps: FeatureDeps,
  issueId: number,
  parking: boolean,
  text: string,
): Promise<IssueActionInput["date"]> {
  const now = deps.now();
  const today = localDateString(now, deps.timeZone);
  const issue = await deps.db.issue.findUnique({ where: { id: issueId }, select: { deadline: true } });
  const deadlineDay = issue?.deadline ? localDateString(issue.deadline, deps.timeZone) : today;
  const after = parking || deadlineDay < today ? today : deadlineDay;
  return parseLaterDate(text, { today, after, maxDays: parking ? MAX_PARK_DAYS : MAX_EXTENSION_DAYS });
}

async function targetOf(deps: FeatureDeps, option: string): Promise<IssueActionInput["target"] | null> {
  if (option.startsWith("unit:")) {
    const id = recordId.safeParse(option.slice(5));
    const unit = id.success ? await deps.db.unit.findUnique({ where: { id: id.data } }) : null;
    return unit ? { type: "unit", id: unit.id } : null;
  }
  const person = await deps.db.person.findUnique({ where: { openId: option } });
  return person ? { type: "person", id: person.id } : null;
}
