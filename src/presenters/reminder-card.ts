/**
 * Cards of the bot's clock about single issues (behaviour §6): the reminder ladder in the issue thread, the consolidated
 * escalation list for the street leader group, and the look-back question 回头看. Pure presenters.
 */

import { isPastDeadline } from "../domain/metrics.ts";
import { pagedCards } from "../lark/card-limits.ts";
import { escapeMarkdown } from "../texts/escape.ts";
import { CATEGORY_PENDING } from "../texts/labels.ts";
import { formatDateTime, formatDuration } from "../texts/messages.ts";
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
  /** People to @-mention: the assignee (or the secretaries while nobody is assigned); at the deadline also the secretaries. */
  mentions: string[];
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
  /** The responsible person or department. */
  assignee: string | null;
  deadline: Date;
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

/** "已超期 1 天 3 小时" or "还剩 2 小时". */
function timeLeftText(deadline: Date, now: Date): string {
  const left = deadline.getTime() - now.getTime();
  return isPastDeadline(deadline, now) ? `已超期 ${formatDuration(-left)}` : `还剩 ${formatDuration(left)}`;
}

/**
 * A reminder in the issue thread: who must act, by when, and a 延后提醒 1 小时 button (the deadline itself does not
 * move). Before the deadline it is orange; the reminder at the deadline and any after it are red.
 */
export function reminderCard(view: ReminderView, now: Date, timeZone: string): Card {
  // Reminders are only for issues still waiting for a fix, so past the deadline is overdue (domain/metrics).
  const overdue = view.stage === "deadline" || isPastDeadline(view.deadline, now);
  const n = `#${view.number}`;
  const title =
    view.stage === "again"
      ? `⏰ ${n} 再次提醒：${timeLeftText(view.deadline, now)}`
      : overdue
        ? `⏰ ${n} 已到整改期限`
        : `⏰ ${n} ${timeLeftText(view.deadline, now)}到期`;
  const who = view.mentions.map(mention).join(" ");
  const due = formatDateTime(view.deadline, timeZone);
  const ask = overdue
    ? `整改期限 **${due}** 已过（${timeLeftText(view.deadline, now)}），问题仍未整改。请责任人尽快整改并在本话题回复整改后的照片，社区书记请督办。`
    : `请在 **${due}** 前完成整改，并在本话题回复整改后的照片。`;
  return card({
    header: { title, template: overdue ? "red" : "orange" },
    elements: [
      markdown(`${who ? `${who} ` : ""}${ask}`),
      markdown(`${n} ${issuePlace(view)}`),
      view.snoozed
        ? note(`${view.snoozed.by} 已把提醒延后到 ${formatDateTime(view.snoozed.until, timeZone)}（整改期限不变）`)
        : buttons([{ text: "延后提醒 1 小时", value: snoozeValue(view.issueId, view.stage) }]),
    ],
  });
}

/**
 * The consolidated escalation for a street leader group at one of its escalation slots: the issues that went long
 * past their deadline since the slot before, one line each — in as many cards as it takes to list them all, each
 * within Lark's size limits ("（1/3）" in the title when there are several).
 */
export function escalationCards(items: readonly EscalationItem[], now: Date): Card[] {
  const lines = items.map((item) => {
    const where = [item.community, item.grid, item.point].filter(Boolean).map((s) => escapeMarkdown(s ?? ""));
    const owner = item.assignee ? `责任人 ${escapeMarkdown(item.assignee)}` : "待派单";
    return `- #${item.number} ${escapeMarkdown(item.category ?? CATEGORY_PENDING)} · ${where.join(" ")} · ${owner} · **${timeLeftText(item.deadline, now)}**`;
  });
  return pagedCards(lines, (page, n, pages) =>
    card({
      header: { title: `🚨 超期未整改问题 ${items.length} 件${pages > 1 ? `（${n}/${pages}）` : ""}`, template: "red" },
      elements: [
        markdown(`${n === 1 ? "以下问题超过整改期限较久仍未整改，请督办：\n" : ""}${page.join("\n")}`),
        n === pages && note("每件问题只上报一次；全部超期问题见每晚的日清日报。"),
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
      header: { title: `回头看：${n} ${rebound ? "已反弹" : "未反弹"}`, template: rebound ? "red" : "green" },
      elements: [
        markdown(`${n} ${issuePlace(view)}（${closed} 销项）`),
        note(
          rebound
            ? `${by} 于 ${formatDateTime(at, timeZone)} 确认反弹，已登记为新问题，见群里的新消息。`
            : `${by} 于 ${formatDateTime(at, timeZone)} 确认未反弹。`,
        ),
      ],
    });
  }
  return card({
    header: { title: `回头看：${n} 是否反弹？`, template: "wathet" },
    elements: [
      markdown(
        `${view.reporterOpenId ? `${mention(view.reporterOpenId)} ` : ""}${n} ${issuePlace(view)} 已于 ${closed} 销项。请到现场看一看，问题有没有再次出现？`,
      ),
      buttons([
        { text: "未反弹", value: lookbackValue(false, view.issueId), type: "primary" },
        { text: "已反弹", value: lookbackValue(true, view.issueId), type: "danger" },
      ]),
    ],
  });
}
