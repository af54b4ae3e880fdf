import { actOnIssue, type IssueActionInput } from "../commands/act-on-issue.ts";
import { ensurePerson } from "../commands/ensure-person.ts";
import type { Db } from "../db/client.ts";
import { normalizeText } from "../domain/match.ts";
import type { InboundMessage } from "../lark/envelope.ts";
import { TEXTS } from "../texts.ts";
import { commandContext, type FeatureDeps } from "./deps.ts";
import { fetchAndPublish } from "./photos.ts";
import { answerTo, replyText } from "./say.ts";
import { transaction } from "./transaction.ts";

/** The issue whose thread a message replies in (the report's thread or the card's), if any. */
export async function issueOfThread(db: Db, m: InboundMessage): Promise<{ id: number } | null> {
  const ids = [m.rootId, m.parentId].filter((x): x is string => Boolean(x));
  if (ids.length === 0) return null;
  return db.issue.findFirst({
    where: { OR: [{ sourceMessageId: { in: ids } }, { cardMessageId: { in: ids } }] },
    select: { id: true },
  });
}

/** Thread words and the action they take; the rest of the text is the reason. */
const THREAD_VERBS: { pattern: RegExp; action: IssueActionInput["action"] }[] = [
  { pattern: /^(已整改|整改完成|已完成|已处理|已清理)/, action: "rectify" },
  { pattern: /^接单/, action: "accept" },
  { pattern: /^退回/, action: "send_back" },
  { pattern: /^转派/, action: "assign" },
  { pattern: /^(验收通过|验收合格|通过验收|验收)/, action: "verify" },
  { pattern: /^驳回/, action: "refuse" },
  { pattern: /^不予受理/, action: "reject" },
  { pattern: /^合并(到)?/, action: "merge" },
  { pattern: /^不是重复/, action: "dismiss_duplicate" },
];

/**
 * Replies in an issue's thread (SPEC 4.2): a photo marks it rectified with that after-photo; "已整改" without a
 * photo asks for one; "退回 原因", "转派 @某人", "验收通过", "驳回 原因" (and the other action words) do what they say.
 * Other talk in the thread is left alone. A refusal is answered in the thread, in one sentence.
 */
export async function respondInThread(
  deps: FeatureDeps,
  m: InboundMessage,
  text: string,
  issueId: number,
): Promise<void> {
  const photos = await fetchAndPublish(deps, m);
  // "@黄志明 转派" and "转派 @黄志明" mean the same: the action word may follow the mentions.
  const words = text.replace(/^(@\S+\s*)+/, "").trim();
  const verb = THREAD_VERBS.find((v) => v.pattern.test(normalizeText(words)));
  if (photos.length === 0 && !verb) return;

  const input: IssueActionInput = { issueId, actorOpenId: m.senderOpenId, action: verb?.action ?? "rectify" };
  if (photos.length > 0) {
    input.action = "rectify";
    input.afterPhotos = photos;
  }
  input.reason = words
    .replace(
      /^\S*?(已整改|整改完成|已完成|已处理|已清理|接单|退回|转派|验收通过|验收合格|通过验收|验收|驳回|不予受理|合并到|合并|不是重复)[\s：:，,]*/,
      "",
    )
    .trim();
  if (input.action === "assign") {
    const target = m.mentions.find((x) => x.openId && x.openId !== deps.botOpenId);
    if (target) {
      const person = await transaction(deps.db, (tx) => ensurePerson(tx, { openId: target.openId, name: target.name }));
      input.target = { type: "person", id: person.id };
    }
  }
  if (input.action === "merge") {
    const number = Number(/#?(\d{3,})/.exec(input.reason)?.[1]);
    const original = Number.isFinite(number) ? await deps.db.issue.findUnique({ where: { number } }) : null;
    if (original) input.originalId = original.id;
  }
  if (input.action !== "send_back" && input.action !== "refuse" && input.action !== "reject") delete input.reason;

  const ctx = commandContext(deps);
  const result = await transaction(deps.db, (tx) => actOnIssue(tx, input, ctx));
  if (result.ok) return;
  await replyText(deps.db, {
    ...answerTo(m),
    inThread: true,
    text: result.code === "photo_required" ? TEXTS.askAfterPhoto : result.message,
  });
}
