/**
 * Cards of the bot's clock about single issues (behaviour §6): the reminder ladder in the issue thread, the consolidated
 * escalation list for the street leader group, and the look-back question 回头看. Pure presenters.
 */

import { isPastDeadline } from "../domain/metrics.ts";
import { pagedCards } from "../lark/card-limits.ts";
import { ESCALATION_CARD, LOOKBACK, REMINDER_CARD } from "../texts/cards.ts";
import { deadlinePhrase } from "../texts/deadline.ts";
import { escapeMarkdown } from "../texts/escape.ts";
import { CATEGORY_PENDING, ROLE_LABELS, STATUS_LABELS } from "../texts/labels.ts";
import { formatDateTime } from "../texts/messages.ts";
import { buttons } from "./actions.ts";
import { type Card, card } from "./card.ts";
import { markdown, mention, note } from "./markdown.ts";

/** Which rung of the ladder a reminder is: before the deadline, at it, or again after a snooze ran out. */
export type ReminderStage = "before" | "deadline" | "again";

/** What a reminder card shows about its issue. */
export interface ReminderView {
  issueId: number;
  number: number;
  category: string | null;
  grid: string | null;
  point: string | null;
  deadline: Date;
  stage: ReminderStage;
  /** Who answers for the issue, all @-mentioned on every rung. */
  accountable: Accountable;
  /** Set once someone put the reminders off: the card then says so instead of offering the button again. */
  snoozed?: { until: Date; by: string };
}

/** One overdue issue of an escalation list. */
export interface EscalationItem {
  number: number;
  category: string | null;
  community: string | null;
  grid: string | null;
  point: string | null;
  accountable: Accountable;
  deadline: Date;
}

/**
 * Who answers for an issue (commands/accountable.ts): its owner — the department and whoever accepted it, or the
 * assignee; null while it waits for dispatch — the heads of its grid and the secretaries of its community.
 */
export interface Accountable {
  owner: { unit: string | null; people: { name: string; openId: string }[] } | null;
  gridHeads: { name: string; openId: string }[];
  secretaries: { name: string; openId: string }[];
}

/** What the look-back card shows. */
export interface LookbackView {
  issueId: number;
  number: number;
  category: string | null;
  grid: string | null;
  point: string | null;
  closedAt: Date;
  /** Null for an issue another system filed (the look-back is not asked for those). */
  reporterOpenId: string | null;
  /** Set once someone answered. */
  answer?: { rebound: boolean; by: string; at: Date };
}

/** How long 延后提醒 puts an issue's reminders off. */
export const SNOOZE_MS = 3_600_000;

/** Card value of the 延后提醒 button on a reminder of `stage`. */
export function snoozeValue(issueId: number, stage: ReminderStage): Record<string, unknown> {
  return { rm: "snooze", i: issueId, s: stage };
}

/** Card value of the look-back answers. */
export function lookbackValue(rebound: boolean, issueId: number): Record<string, unknown> {
  return { lb: rebound ? "rebound" : "ok", i: issueId };
}

/** "堆物堆料 · 幸福里第一网格 · 幸福路菜市场", leaving out what is unknown; escaped for card markdown. */
function issuePlace(item: { category: string | null; grid: string | null; point: string | null }): string {
  return [item.category ?? CATEGORY_PENDING, item.grid, item.point]
    .filter((part): part is string => Boolean(part))
    .map(escapeMarkdown)
    .join(" · ");
}

/**
 * Everyone who answers for an issue, each @-mentioned once: "责任人 城管执法中队 @孙浩 · 网格长 @郑晓红 · 社区书记
 * @李秀英" (待派单 while nobody has it; a role whose people were already named is left out).
 */
export function accountabilityText(a: Accountable): string {
  const named = new Set<string>();
  const mentions = (people: readonly { openId: string }[]) =>
    people
      .filter((p) => !named.has(p.openId) && named.add(p.openId))
      .map((p) => mention(p.openId))
      .join(" ");
  const owner = a.owner
    ? `${ROLE_LABELS.responder} ${[a.owner.unit && escapeMarkdown(a.owner.unit), mentions(a.owner.people)].filter(Boolean).join(" ") || "—"}`
    : STATUS_LABELS.reported;
  const heads = mentions(a.gridHeads);
  const secretaries = mentions(a.secretaries);
  return [owner, heads && `${ROLE_LABELS.grid_head} ${heads}`, secretaries && `${ROLE_LABELS.secretary} ${secretaries}`]
    .filter(Boolean)
    .join(" · ");
}

/**
 * A reminder in the issue thread: who must act, the deadline worded as of now (距整改期限还有 2 小时（今天 12:00 前）,
 * 已超期 3 小时（期限 今天 12:00）), and a 延后提醒 1 小时 button (the deadline itself does not move). Before the
 * deadline it is orange; the reminder at the deadline and any after it are red.
 */
export function reminderCard(view: ReminderView, now: Date, timeZone: string): Card {
  // Reminders are only for issues still waiting for a fix, so past the deadline is overdue (domain/metrics).
  const overdue = view.stage === "deadline" || isPastDeadline(view.deadline.getTime(), now.getTime());
  const n = `#${view.number}`;
  const phrase = deadlinePhrase(view.deadline, now, timeZone);
  const title = REMINDER_CARD.title(n, phrase, view.stage === "again");
  const ask = overdue ? REMINDER_CARD.askOverdue : REMINDER_CARD.ask;
  return card({
    header: { title, template: overdue ? "red" : "orange" },
    elements: [
      markdown(`${ask}\n${accountabilityText(view.accountable)}`),
      markdown(`${n} ${issuePlace(view)}`),
      view.snoozed
        ? note(REMINDER_CARD.snoozed(view.snoozed.by, formatDateTime(view.snoozed.until, timeZone)))
        : buttons([{ text: REMINDER_CARD.snooze, value: snoozeValue(view.issueId, view.stage) }]),
    ],
  });
}

/**
 * The consolidated escalation for a street leader group at one of its escalation slots: the issues that went long
 * past their deadline since the slot before, one line each — in as many cards as it takes to list them all, each
 * within Lark's size limits ("（1/3）" in the title when there are several).
 */
export function escalationCards(items: readonly EscalationItem[], now: Date, timeZone: string): Card[] {
  const lines = items.map((item) => {
    const where = [item.community, item.grid, item.point].filter(Boolean).map((s) => escapeMarkdown(s ?? ""));
    return `- #${item.number} ${escapeMarkdown(item.category ?? CATEGORY_PENDING)} · ${where.join(" ")} · **${deadlinePhrase(item.deadline, now, timeZone)}** · ${accountabilityText(item.accountable)}`;
  });
  return pagedCards(lines, (page, n, pages) =>
    card({
      header: { title: ESCALATION_CARD.title(items.length, n, pages), template: "red" },
      elements: [
        markdown(`${n === 1 ? ESCALATION_CARD.lead : ""}${page.join("\n")}`),
        n === pages && note(ESCALATION_CARD.footer),
      ],
    }),
  );
}

/** The look-back question (回头看) to the reporter, or, once answered, what the answer was. */
export function lookbackCard(view: LookbackView, timeZone: string): Card {
  const n = `#${view.number}`;
  const closed = formatDateTime(view.closedAt, timeZone);
  if (view.answer) {
    const { rebound, by, at } = view.answer;
    return card({
      header: { title: LOOKBACK.answeredTitle(n, rebound), template: rebound ? "red" : "green" },
      elements: [
        markdown(LOOKBACK.closedAt(n, issuePlace(view), closed)),
        note(
          rebound
            ? LOOKBACK.confirmedRebound(by, formatDateTime(at, timeZone))
            : LOOKBACK.confirmedNoRebound(by, formatDateTime(at, timeZone)),
        ),
      ],
    });
  }
  return card({
    header: { title: LOOKBACK.questionTitle(n), template: "wathet" },
    elements: [
      markdown(
        LOOKBACK.question(view.reporterOpenId ? `${mention(view.reporterOpenId)} ` : "", n, issuePlace(view), closed),
      ),
      buttons([
        { text: LOOKBACK.noRebound, value: lookbackValue(false, view.issueId), type: "primary" },
        { text: LOOKBACK.rebound, value: lookbackValue(true, view.issueId), type: "danger" },
      ]),
    ],
  });
}
