/**
 * Clicks on the cards of the bot's clock: 延后提醒 1 小时 on a reminder, 未反弹 / 已反弹 on a look-back, and on a
 * digest 查看超期, 导出台账 (through the 台账 command's export) and the 审阅意见 form. Each answers with a toast; card changes and messages go through
 * the outbox in the same transaction as the change they report.
 */

import { z } from "zod";
import { issueActor, mayOnUnit } from "../commands/actors.ts";
import { answerLookback } from "../commands/answer-lookback.ts";
import { commandContext, type FeatureDeps } from "../commands/deps.ts";
import { loadReminderView } from "../commands/reminder-view.ts";
import { replyText, sendText } from "../commands/say.ts";
import { snoozeReminders } from "../commands/snooze-reminders.ts";
import { isUniqueViolation } from "../db/once.ts";
import { holders, orgOf } from "../db/org-queries.ts";
import { transaction } from "../db/transaction.ts";
import { localPeriod, startOfDate } from "../domain/deadline.ts";
import { REMINDED_STATUSES } from "../domain/lifecycle.ts";
import { permits } from "../domain/permissions.ts";
import type { InboundCardAction } from "../lark/envelope.ts";
import type { CardAnswer } from "../lark/inbox-store.ts";
import { enqueue } from "../lark/outbox.ts";
import { ALL_TARGETS, REVIEW_FIELDS, type ReviewView, reviewCard } from "../presenters/digest-card.ts";
import { reminderCard, SNOOZE_MS } from "../presenters/reminder-card.ts";
import { issueListLine, listContext, PLAIN_LIST } from "../reports/digest.ts";
import { overdueIssues } from "../reports/stats-lists.ts";
import { shortDate } from "../texts/deadline.ts";
import { at, formatDateTime, TEXTS } from "../texts/messages.ts";
import { refusal } from "../texts/permissions.ts";
import { cardValue, toast } from "./card-actions.ts";
import { requestLedger } from "./ledger-command.ts";
import { parseCalendarDate, recordId } from "./parse-input.ts";
import type { CardActionHandler } from "./router.ts";

const snoozeSchema = z.object({
  rm: z.literal("snooze"),
  i: recordId,
  s: z.enum(["before", "deadline", "again"]).optional(),
});
const lookbackSchema = z.object({ lb: z.enum(["ok", "rebound"]), i: recordId });
const digestSchema = z.object({
  dg: z.enum(["overdue", "ledger", "review"]),
  u: recordId,
  d: z.string().refine((d) => parseCalendarDate(d, "").ok),
});
const reviewReadSchema = z.object({ rv: z.literal("read"), r: recordId });
const reviewForm = z.object({
  [REVIEW_FIELDS.comment]: z.string().trim().max(500).catch(""),
  [REVIEW_FIELDS.target]: z
    .union([z.literal(ALL_TARGETS), recordId])
    .optional()
    .catch(undefined),
});

/** Most overdue issues one 查看超期 answer lists. */
const OVERDUE_ANSWER_LIMIT = 300;

/** Outbox key of a review's card in one work group. */
function reviewCardKey(eventId: string, chatId: string): string {
  return `review:${eventId}:${chatId}`;
}

/** The card-action handler of the clock's cards, for RouterExtensions.cardActions. */
export const handleClockCardAction: CardActionHandler = async (deps, action) => {
  const snooze = cardValue(action.value, "rm", snoozeSchema);
  if (snooze) return snoozeIssue(deps, action, snooze.i, snooze.s ?? "before");
  const lookback = cardValue(action.value, "lb", lookbackSchema);
  if (lookback) return answerLookbackClick(deps, action, lookback.i, lookback.lb === "rebound");
  const read = cardValue(action.value, "rv", reviewReadSchema);
  if (read) return readReview(deps, action, read.r);
  const digest = cardValue(action.value, "dg", digestSchema);
  if (!digest) return undefined;
  const { dg, u: unitId, d: date } = digest;
  if (!(await orgOf(deps.db)).units.has(unitId)) return toast("warning", TEXTS.expiredButton);
  if (dg === "overdue") return listOverdue(deps, action, unitId);
  if (dg === "review") return review(deps, action, unitId, date);
  return exportDigestLedger(deps, action, unitId, date);
};

/** 延后提醒 1 小时: the issue's thread reminders wait an hour (the deadline stays), and the card says so. */
async function snoozeIssue(
  deps: FeatureDeps,
  action: InboundCardAction,
  issueId: number,
  stage: "before" | "deadline" | "again",
): Promise<CardAnswer> {
  const ctx = commandContext(deps);
  const until = new Date(ctx.now.getTime() + SNOOZE_MS);
  return transaction(deps.db, async (tx) => {
    const issue = await tx.issue.findUnique({ where: { id: issueId } });
    if (!issue || !REMINDED_STATUSES.some((s) => s === issue.status)) return toast("info", TEXTS.snoozeMoot);
    const person = await tx.person.findUnique({ where: { openId: action.operatorOpenId } });
    if (!person || !permits("snooze", await issueActor(tx, issue, person, ctx.admins))) {
      return toast("error", refusal("snooze"));
    }
    await snoozeReminders(tx, issueId, { until, by: person.name, at: ctx.now });
    const view = await loadReminderView(tx, issueId, stage);
    if (view) {
      await enqueue(tx, {
        key: `snooze-card:${action.messageId}:${until.getTime()}`,
        kind: "patch",
        chatId: action.chatId,
        target: action.messageId,
        msgType: "interactive",
        content: JSON.stringify(reminderCard({ ...view, snoozed: { until, by: person.name } }, ctx.now, ctx.timeZone)),
      });
    }
    return toast("success", TEXTS.snoozed(formatDateTime(until, ctx.timeZone)));
  });
}

/** 未反弹 / 已反弹: the first answer is recorded (see answer-lookback.ts); later ones are told who answered. */
async function answerLookbackClick(
  deps: FeatureDeps,
  action: InboundCardAction,
  issueId: number,
  rebound: boolean,
): Promise<CardAnswer> {
  const ctx = commandContext(deps);
  const result = await transaction(deps.db, (tx) =>
    answerLookback(tx, { issueId, rebound, actorOpenId: action.operatorOpenId, cardMessageId: action.messageId }, ctx),
  );
  if (!result.ok) return toast(result.code === "role" ? "error" : "warning", result.message);
  return toast("success", rebound ? TEXTS.lookbackRebound : TEXTS.lookbackOk);
}

/**
 * 查看超期: every overdue issue of the digest's unit as of now, as a reply in the digest card's thread — for those who
 * may export the unit's ledger, which lists the same issues by name.
 */
async function listOverdue(deps: FeatureDeps, action: InboundCardAction, unitId: number): Promise<CardAnswer> {
  if (!(await mayOnUnit(deps.db, "list_overdue", action.operatorOpenId, unitId, deps.admins))) {
    return toast("error", refusal("list_overdue"));
  }
  const now = deps.now();
  const items = await overdueIssues(deps.db, unitId, now);
  if (items.length === 0) return toast("success", TEXTS.noOverdue);
  const unit = await deps.db.unit.findUniqueOrThrow({
    where: { id: unitId },
    select: { id: true, code: true, name: true, level: true, parentId: true },
  });
  // The list lines of the digest itself, with names instead of mentions: a reply should not ping everyone again.
  const context = listContext(unit, now, deps.timeZone);
  const lines = items
    .slice(0, OVERDUE_ANSWER_LIMIT)
    .map((item, i) => `${i + 1}. ${issueListLine(context, item, PLAIN_LIST)}`);
  if (items.length > OVERDUE_ANSWER_LIMIT) lines.push(TEXTS.overdueMore(items.length));
  const header = TEXTS.overdueHeader(unit.name, formatDateTime(now, deps.timeZone), items.length);
  await replyText(deps.db, {
    key: `digest-overdue:${action.messageId}:${Math.floor(now.getTime() / 60_000)}`,
    chatId: action.chatId,
    messageId: action.messageId,
    text: [header, ...lines].join("\n"),
  });
  return toast("success", TEXTS.overdueListed(items.length));
}

/**
 * 导出台账: the ledger of the digest's unit for the digest's day, sent as a file in reply to the digest, in its
 * thread (the 台账 command's export and permissions). Answers at once; the export runs in the background.
 */
async function exportDigestLedger(
  deps: FeatureDeps,
  action: InboundCardAction,
  unitId: number,
  date: string,
): Promise<CardAnswer> {
  if (!(await mayOnUnit(deps.db, "export_ledger", action.operatorOpenId, unitId, deps.admins))) {
    return toast("error", refusal("export_ledger"));
  }
  const unit = await deps.db.unit.findUniqueOrThrow({ where: { id: unitId }, select: { name: true } });
  await requestLedger(deps, {
    // One export per digest, unit and day a minute: a double click sends one file.
    key: `ledger:${action.messageId}:${unitId}:${date}:${Math.floor(deps.now().getTime() / 60_000)}`,
    unitId,
    period: localPeriod(startOfDate(date, deps.timeZone), "day", deps.timeZone),
    chatId: action.chatId,
    replyTo: action.messageId,
    inThread: true,
  });
  return toast("success", TEXTS.ledgerSending(unit.name, shortDate(date)));
}

/**
 * 审阅意见: a leader's comment on a digest is recorded (DigestReview) and posted to the work groups of the digest's
 * community, or of the community picked on a street digest (all of them for 全部社区).
 */
async function review(deps: FeatureDeps, action: InboundCardAction, unitId: number, date: string): Promise<CardAnswer> {
  const ctx = commandContext(deps);
  const person = await deps.db.person.findUnique({ where: { openId: action.operatorOpenId } });
  if (!person || !(await mayOnUnit(deps.db, "review_digest", person.openId, unitId, ctx.admins))) {
    return toast("error", refusal("review_digest"));
  }
  const { comment, target: picked } = reviewForm.parse(action.formValue ?? {});
  if (!comment) return toast("warning", TEXTS.reviewEmpty);
  const org = await orgOf(deps.db);

  const targetUnitId = picked === undefined || picked === ALL_TARGETS ? null : picked;
  const unit = await deps.db.unit.findUniqueOrThrow({ where: { id: unitId } });
  // A community's digest speaks to that community; a street digest to the picked community or all of them.
  const targets =
    unit.level === "community" || unit.level === "grid"
      ? [unitId]
      : targetUnitId !== null
        ? [targetUnitId]
        : (await deps.db.unit.findMany({ where: { parentId: unitId, level: "community" } })).map((u) => u.id);
  const chats = await deps.db.chatBinding.findMany({ where: { unitId: { in: targets }, purpose: "work" } });

  try {
    await transaction(deps.db, async (tx) => {
      const stored = await tx.digestReview.create({
        data: {
          eventId: action.eventId,
          unitId,
          date,
          targetUnitId: unit.level === "community" ? unitId : targetUnitId,
          chatId: action.chatId,
          messageId: action.messageId,
          personId: person.id,
          text: comment,
          at: ctx.now,
        },
      });
      for (const chat of chats) {
        const view: ReviewView = {
          reviewId: stored.id,
          leader: person.name,
          date: shortDate(date),
          comment,
          secretaries: holders(org, chat.unitId, "secretary").map((s) => s.openId),
        };
        await enqueue(tx, {
          key: reviewCardKey(action.eventId, chat.chatId),
          kind: "send",
          chatId: chat.chatId,
          target: chat.chatId,
          msgType: "interactive",
          content: JSON.stringify(reviewCard(view, ctx.timeZone)),
        });
      }
    });
  } catch (error) {
    // The same click processed again: it was recorded and posted the first time.
    if (!isUniqueViolation(error)) throw error;
  }
  return chats.length > 0 ? toast("success", TEXTS.reviewPosted(chats.length)) : toast("warning", TEXTS.reviewNoChat);
}

/**
 * 已阅 on a review's card: the first secretary of the group's community to click is recorded (DigestReviewRead), the
 * card says who read it and when, and the leader is told in the thread of the digest they reviewed. Later clicks are
 * told who read it.
 */
async function readReview(deps: FeatureDeps, action: InboundCardAction, reviewId: number): Promise<CardAnswer> {
  const ctx = commandContext(deps);
  const review = await deps.db.digestReview.findUnique({
    where: { id: reviewId },
    include: { person: true, reads: { where: { chatId: action.chatId }, include: { person: true } } },
  });
  const org = await orgOf(deps.db);
  const binding = org.bindings.get(action.chatId);
  if (!review || !binding) return toast("warning", TEXTS.expiredButton);
  const person = await deps.db.person.findUnique({ where: { openId: action.operatorOpenId } });
  if (!person || !(await mayOnUnit(deps.db, "read_review", person.openId, binding.unitId, ctx.admins))) {
    return toast("error", refusal("read_review"));
  }
  const earlier = review.reads[0];
  if (earlier)
    return toast("info", TEXTS.reviewAlreadyRead(earlier.person.name, formatDateTime(earlier.at, ctx.timeZone)));
  const community = org.units.get(binding.unitId)?.name ?? "";

  try {
    await transaction(deps.db, async (tx) => {
      await tx.digestReviewRead.create({
        data: { reviewId, chatId: action.chatId, personId: person.id, at: ctx.now },
      });
      const view: ReviewView = {
        reviewId,
        leader: review.person.name,
        date: shortDate(review.date),
        comment: review.text,
        secretaries: holders(org, binding.unitId, "secretary").map((s) => s.openId),
        read: { by: person.name, at: ctx.now },
      };
      await enqueue(tx, {
        key: `review-read:${reviewId}:${action.chatId}`,
        kind: "patch",
        chatId: action.chatId,
        target: action.messageId,
        msgType: "interactive",
        content: JSON.stringify(reviewCard(view, ctx.timeZone)),
      });
      const notice = TEXTS.reviewReadNotice(at(review.person.openId), person.name, community, review.text);
      const key = `review-read-notice:${reviewId}:${action.chatId}`;
      if (review.messageId) {
        await replyText(tx, { key, chatId: review.chatId, messageId: review.messageId, text: notice, inThread: true });
      } else {
        await sendText(tx, { key, chatId: review.chatId, text: notice });
      }
    });
  } catch (error) {
    // Another click won the race: it was recorded and told then.
    if (!isUniqueViolation(error)) throw error;
  }
  return toast("success", TEXTS.reviewReadTold(review.person.name));
}
