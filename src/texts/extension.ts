/**
 * How 延期 (an owner's request for more time) and 挂账/缓办 (an issue parked until a day) read to users (behaviour
 * §2.15–2.18): the card's forms and lines, the notices in the issue's thread, the history's details and the answers
 * to a day typed wrong.
 */

import type { ParkKind } from "../domain/extension.ts";

/** 挂账 or 缓办, as buttons, lines and history say it. */
export const PARK_KIND_LABELS: Readonly<Record<ParkKind, string>> = { parked: "挂账", deferred: "缓办" };

/** The words of the card's 延期 and 挂账/缓办 forms. */
export const EXTENSION_CARD_WORDS = {
  extensionDate: "延期到哪天，如 2026-12-10",
  extensionReason: "延期理由",
  parkDate: "预计恢复办理日期，如 2027-03-01",
  parkPlan: "处置计划（挂账）或等待原因（缓办）",
} as const;

/** The card's line about an extension request waiting for its approver. */
export function extensionRequestLine(until: string, reason: string, approvers: string): string {
  return `**延期申请**：申请延期至 ${until}，理由：${reason}${approvers ? `；请 ${approvers} 审批` : ""}`;
}

/** The card's line about a parked issue: what it waits for and when it comes back. */
export function parkedLine(kind: ParkKind, until: string, plan: string): string {
  return `**已${PARK_KIND_LABELS[kind]}**：预计 ${until} 恢复办理；${kind === "parked" ? "计划" : "原因"}：${plan}`;
}

/** After the deadline on the card, how many times it was extended. */
export function extensionCountText(count: number): string {
  return count > 0 ? `（已延期 ${count} 次）` : "";
}

/** The title's mark of a parked issue. */
export function parkedMark(kind: ParkKind): string {
  return ` · ${PARK_KIND_LABELS[kind]}`;
}

/** History details: what a request asked for, what a parking waits until, which attempt a fix or a refusal was. */
export const HISTORY_DETAILS = {
  until: (day: string) => `至 ${day}`,
  attempt: (n: number, photos: number) => `（第 ${n} 次${photos > 0 ? `，照片 ${photos} 张` : ""}）`,
  rework: (n: number) => `（返工第 ${n} 次）`,
} as const;

/** The photos of a rectification attempt that was refused, on the card. */
export function refusedAttemptLabel(attempt: number): string {
  return `第 ${attempt} 次整改（已驳回）`;
}

/** Notices in the issue's thread, @-mentioning who must act next. */
export const EXTENSION_NOTICES = {
  requested: (n: number, until: string, approvers: string) =>
    `#${n} 申请延期至 ${until}${approvers ? `，请 ${approvers} 在卡片上审批` : ""}`,
  approved: (n: number, until: string, owners: string) =>
    `#${n} 延期已批准，新的整改期限为 ${until}${owners ? ` ${owners}` : ""}`,
  declined: (n: number, deadline: string, owners: string) =>
    `#${n} 延期未获批准，整改期限仍为 ${deadline}${owners ? ` ${owners}` : ""}`,
  parked: (n: number, kind: ParkKind, until: string) =>
    `#${n} 已${PARK_KIND_LABELS[kind]}，预计 ${until} 恢复办理，期间不计超期、不再催办`,
  unparked: (n: number, kind: ParkKind, deadline: string, who: string) =>
    `#${n} ${PARK_KIND_LABELS[kind]}结束，已恢复办理，整改期限 ${deadline}${who ? `，请 ${who} 跟进` : ""}`,
} as const;

/** Answers to a day typed wrong on a card. */
export const DATE_ANSWERS = {
  format: "日期请写成 2026-12-10 这样的格式",
  notAfterToday: "日期须晚于今天",
  notAfterDeadline: (day: string) => `延期后的日期须晚于现在的整改期限（${day}）`,
  tooFar: (days: number, last: string) => `日期最晚只能到 ${last}（${days} 天以内）`,
} as const;

/** The digest's and the ledger's list of parked issues (behaviour §7.6). */
export const PARKED_LIST_TITLE = (n: number) => `挂账、缓办（${n} 件）`;

/** A parked issue's line in a list says when it comes back instead of its deadline: "挂账至 3月1日 09:00". */
export function parkedPhrase(kind: ParkKind, until: string): string {
  return `${PARK_KIND_LABELS[kind]}至 ${until}`;
}

/** The ledger's 挂账、缓办 cell of an issue parked at the observation instant: "挂账至 2027-03-01：计划". */
export function parkedCell(kind: ParkKind, day: string, plan: string): string {
  return `${parkedPhrase(kind, day)}${plan ? `：${plan}` : ""}`;
}
