import { z } from "zod";
import { actOnIssue, type IssueActionInput } from "../commands/act-on-issue.ts";
import { commandContext, type FeatureDeps } from "../commands/deps.ts";
import { replyText } from "../commands/say.ts";
import { transaction } from "../db/transaction.ts";
import { ISSUE_ACTIONS } from "../domain/lifecycle.ts";
import type { InboundCardAction } from "../lark/envelope.ts";
import type { CardAnswer } from "../lark/inbox.ts";
import { ACTION_DONE, TEXTS } from "../texts/messages.ts";
import { recordId } from "./parse-input.ts";

const issueValue = z.object({
  a: z.enum([...ISSUE_ACTIONS, "set_grid", "set_category"]),
  i: recordId,
  /** The category a suggested-category button sets (a select sends its choice as the option instead). */
  c: recordId.optional(),
});

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
  const { a: kind, i: issueId, c: suggested } = parsed;
  const option = a.option ?? (suggested === undefined ? undefined : String(suggested));
  const input: IssueActionInput = { issueId, actorOpenId: a.operatorOpenId, action: "edit" };
  const reason = typeof a.formValue?.reason === "string" ? a.formValue.reason : undefined;
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

async function targetOf(deps: FeatureDeps, option: string): Promise<IssueActionInput["target"] | null> {
  if (option.startsWith("unit:")) {
    const id = recordId.safeParse(option.slice(5));
    const unit = id.success ? await deps.db.unit.findUnique({ where: { id: id.data } }) : null;
    return unit ? { type: "unit", id: unit.id } : null;
  }
  const person = await deps.db.person.findUnique({ where: { openId: option } });
  return person ? { type: "person", id: person.id } : null;
}
