import type { Tx } from "../db/client.ts";
import { claimOnce } from "../db/once.ts";
import { permits } from "../domain/permissions.ts";
import { enqueue } from "../lark/outbox.ts";
import { type LookbackView, lookbackCard } from "../presenters/reminder-card.ts";
import { LOOKBACK } from "../texts/cards.ts";
import { refusal } from "../texts/permissions.ts";
import { issueActor } from "./actors.ts";
import type { CommandContext } from "./context.ts";
import { syncIssueCard } from "./sync-issue-card.ts";

/** Outbox key of the notice that announces a confirmed rebound (the new issue's thread hangs off it). */
export function reboundNoticeKey(issueId: number): string {
  return `lookback-rebound:${issueId}`;
}

/** A closed issue with the names its look-back card shows. */
interface LookbackIssue {
  id: number;
  number: number;
  closedAt: Date;
  category: { name: string } | null;
  grid: { name: string } | null;
  point: { name: string } | null;
  reporter: { openId: string } | null;
}

/** What the look-back card of an issue shows: the question, or with `answer` the answer given. */
export function lookbackViewOf(issue: LookbackIssue, answer?: LookbackView["answer"]): LookbackView {
  return {
    issueId: issue.id,
    number: issue.number,
    category: issue.category?.name ?? null,
    grid: issue.grid?.name ?? null,
    point: issue.point?.name ?? null,
    closedAt: issue.closedAt,
    reporterOpenId: issue.reporter?.openId ?? null,
    answer,
  };
}

/** A click on 未反弹 or 已反弹. */
export interface LookbackAnswerInput {
  issueId: number;
  rebound: boolean;
  actorOpenId: string;
  /** The look-back card that was clicked (it is updated with the answer). */
  cardMessageId: string;
}

/** What became of an answer: recorded, or not — by someone who may not answer (`role`) or too late — with why. */
export type LookbackAnswerResult = { ok: true } | { ok: false; code: "role" | "moot"; message: string };

/**
 * Records the answer to a look-back in one transaction (the first answer counts): the history event lookback_ok or
 * lookback_rebound on the closed issue, its card refreshed, the look-back card updated with the answer, and for a
 * rebound the notice to the chat under which the look-back sweep then opens the new issue.
 */
export async function answerLookback(
  tx: Tx,
  input: LookbackAnswerInput,
  ctx: CommandContext,
): Promise<LookbackAnswerResult> {
  const issue = await tx.issue.findUnique({
    where: { id: input.issueId },
    include: { category: true, grid: true, point: true, reporter: true },
  });
  if (!issue?.sourceChatId || issue.closedAt === null) return { ok: false, code: "moot", message: LOOKBACK.gone };
  const person = await tx.person.findUnique({ where: { openId: input.actorOpenId } });
  if (!person || !permits("answer_lookback", await issueActor(tx, issue, person, ctx.admins))) {
    return { ok: false, code: "role", message: refusal("answer_lookback", { reporter: issue.reporter?.name }) };
  }

  const first = await claimOnce(tx, `lookback-answer:${issue.id}`, "lookback.answer", {
    issueId: issue.id,
    rebound: input.rebound,
  });
  if (!first) {
    const earlier = await tx.issueEvent.findFirst({
      where: { issueId: issue.id, type: { in: ["lookback_ok", "lookback_rebound"] } },
      include: { actor: true },
    });
    const rebound = earlier?.type === "lookback_rebound";
    return {
      ok: false,
      code: "moot",
      message: LOOKBACK.alreadyAnswered(earlier?.actor?.name ?? LOOKBACK.someoneElse, rebound),
    };
  }

  await tx.issueEvent.create({
    data: {
      issueId: issue.id,
      type: input.rebound ? "lookback_rebound" : "lookback_ok",
      actorId: person.id,
      at: ctx.now,
      fromStatus: issue.status,
      toStatus: issue.status,
      data: {},
    },
  });
  await syncIssueCard(tx, issue.id, ctx);
  const answered = lookbackCard(
    lookbackViewOf({ ...issue, closedAt: issue.closedAt }, { rebound: input.rebound, by: person.name, at: ctx.now }),
    ctx.timeZone,
  );
  await enqueue(tx, {
    key: `lookback-answer:${issue.id}`,
    kind: "patch",
    chatId: issue.sourceChatId,
    target: input.cardMessageId,
    msgType: "interactive",
    content: JSON.stringify(answered),
  });
  if (input.rebound) {
    const place = [issue.category?.name, issue.grid?.name, issue.point?.name].filter(Boolean).join(" · ");
    await enqueue(tx, {
      key: reboundNoticeKey(issue.id),
      kind: "send",
      chatId: issue.sourceChatId,
      target: issue.sourceChatId,
      msgType: "text",
      content: JSON.stringify({
        text: LOOKBACK.reboundNotice(issue.number, place, person.name),
      }),
    });
  }
  return { ok: true };
}
