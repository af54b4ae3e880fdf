import { actOnIssue, type IssueActionInput } from "../commands/act-on-issue.ts";
import { fetchAndPublish } from "../commands/attach-photos.ts";
import { commandContext, type FeatureDeps } from "../commands/deps.ts";
import { ensurePerson } from "../commands/ensure-person.ts";
import { answerTo, replyText } from "../commands/say.ts";
import { issueOfDepartmentCardKey } from "../commands/sync-issue-card.ts";
import type { Db } from "../db/client.ts";
import { transaction } from "../db/transaction.ts";
import { normalizeText } from "../domain/match.ts";
import type { InboundMessage } from "../lark/envelope.ts";
import { TEXTS } from "../texts/messages.ts";
import { AFTER_THREAD_WORD, ISSUE_NUMBER_EXAMPLES, THREAD_WORDS } from "../texts/words.ts";
import { parseIssueNumber } from "./parse-input.ts";

/**
 * The issue whose thread a message replies in — the report's thread, the card's, or the thread of the card's copy in
 * a department's group — if any.
 */
export async function issueOfThread(db: Db, m: InboundMessage): Promise<{ id: number } | null> {
  const ids = [m.rootId, m.parentId].filter((x): x is string => Boolean(x));
  if (ids.length === 0) return null;
  const issue = await db.issue.findFirst({
    where: { OR: [{ sourceMessageId: { in: ids } }, { cardMessageId: { in: ids } }] },
    select: { id: true },
  });
  if (issue) return issue;
  const copies = await db.outboxMessage.findMany({
    where: { messageId: { in: ids }, key: { startsWith: "dept-card:" } },
    select: { key: true },
  });
  const id = copies.map((c) => issueOfDepartmentCardKey(c.key)).find((x) => x !== null);
  return id === undefined || id === null ? null : { id };
}

const WORDS_LONGEST_FIRST = THREAD_WORDS.flatMap(({ words, action }) => words.map((word) => ({ word, action }))).sort(
  (a, b) => b.word.length - a.word.length,
);

/**
 * The action a thread reply opens with and the rest of it ("驳回 门口还有纸箱" → refuse, "门口还有纸箱"). Matched
 * like place names: traditional characters, full-width forms and spaces inside the word do not matter.
 */
function threadVerb(text: string): { action: IssueActionInput["action"]; rest: string } | null {
  const chars = [...text];
  for (const { word, action } of WORDS_LONGEST_FIRST) {
    let read = "";
    for (let i = 0; i < chars.length && word.startsWith(read); i++) {
      read += normalizeText(chars[i] ?? "");
      if (read !== word) continue;
      const rest = chars.slice(i + 1).join("");
      return { action, rest: rest.replace(AFTER_THREAD_WORD, "").trim() };
    }
  }
  return null;
}

/**
 * Replies in an issue's thread (behaviour §4): a photo marks it rectified with that after-photo; "已整改" without a
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
  const verb = threadVerb(text.replace(/^(@\S+\s*)+/, "").trim());
  if (photos.length === 0 && !verb) return;
  const answer = (t: string) => replyText(deps.db, { ...answerTo(m), inThread: true, text: t });

  const input: IssueActionInput = { issueId, actorOpenId: m.senderOpenId, action: verb?.action ?? "rectify" };
  if (photos.length > 0) {
    input.action = "rectify";
    input.afterPhotos = photos;
  }
  const rest = verb?.rest ?? "";
  if (input.action === "send_back" || input.action === "refuse" || input.action === "reject") input.reason = rest;
  if (input.action === "assign") {
    const target = m.mentions.find((x) => x.openId && x.openId !== deps.botOpenId);
    if (target) {
      const person = await transaction(deps.db, (tx) => ensurePerson(tx, { openId: target.openId, name: target.name }));
      input.target = { type: "person", id: person.id };
    }
  }
  if (input.action === "merge") {
    const number = parseIssueNumber(rest, ISSUE_NUMBER_EXAMPLES.merge);
    if (number && !number.ok) return answer(number.answer);
    if (number) {
      const original = await deps.db.issue.findUnique({ where: { number: number.value }, select: { id: true } });
      if (!original) return answer(TEXTS.unknownIssue(`#${number.value}`));
      input.originalId = original.id;
    }
  }

  const ctx = commandContext(deps);
  const result = await transaction(deps.db, (tx) => actOnIssue(tx, input, ctx));
  if (result.ok) return;
  await answer(result.code === "photo_required" ? TEXTS.askAfterPhoto : result.message);
}
