/**
 * How the issue lifecycle (domain/lifecycle.ts) reads to users: the word for each action, the deed as it reads in
 * "不能…" and "只有…可以…", and the sentence that says why an action was refused.
 */

import type { IssueAction, Requirement, StateProblem, TransitionDenial } from "../domain/lifecycle.ts";
import type { IssueStatus } from "../domain/types.ts";

/** Button and command words users see for each action. */
export const ACTION_LABELS: Readonly<Record<IssueAction, string>> = {
  assign: "转派",
  accept: "接单",
  rectify: "已整改",
  send_back: "退回",
  reject: "不予受理",
  verify: "验收通过",
  refuse: "驳回",
  merge: "合并",
  dismiss_duplicate: "不是重复",
  edit: "修改",
  request_extension: "申请延期",
  approve_extension: "批准延期",
  decline_extension: "不批准",
  park: "挂账",
  unpark: "恢复办理",
};

/** The deed of each action, as it reads in "不能…" and "只有…可以…". */
export const ACTION_VERBS: Readonly<Record<IssueAction, string>> = {
  assign: "派单或转派",
  accept: "接单",
  rectify: "提交整改",
  send_back: "退回",
  reject: "标记不予受理",
  verify: "验收",
  refuse: "驳回重改",
  merge: "合并为重复问题",
  dismiss_duplicate: "标记不是重复",
  edit: "修改问题",
  request_extension: "申请延期",
  approve_extension: "批准延期",
  decline_extension: "不批准延期",
  park: "批准挂账或缓办",
  unpark: "恢复办理挂账、缓办的问题",
};

/** What the user is told when an action lacks the data it needs. */
const MISSING: Readonly<Partial<Record<IssueAction, Partial<Record<Requirement, string>>>>> = {
  assign: { target: "请指定派给谁，例如：转派 @张三" },
  rectify: { after_photo: "请附上整改后的照片再提交整改" },
  send_back: { reason: "退回需要写明原因，例如：退回 不属于本网格" },
  reject: { reason: "不予受理需要写明原因，例如：不予受理 属于在建工地，不在整治范围" },
  refuse: { reason: "驳回需要写明原因，例如：驳回 门口杂物还没清走" },
  merge: { original: "请指明和哪个问题重复，例如：合并到 #1019" },
  request_extension: { date: "请填写延期到哪天，例如 2026-12-10", reason: "申请延期需要写明理由" },
  park: {
    date: "请填写预计恢复办理的日期，例如 2027-03-01",
    reason: "挂账或缓办需要写明处置计划或等待原因，例如：已列入明年一季度道路改造计划",
  },
};

/** Why an issue is in no state for an extension or parking action. */
const STATE_PHRASES: Readonly<Record<StateProblem, string>> = {
  no_deadline: "该问题还没有整改期限，无需延期",
  request_pending: "该问题已有延期申请在等待审批",
  no_request: "该问题没有待审批的延期申请",
  parked: "该问题已挂账或缓办，恢复办理后才能",
  not_parked: "该问题没有挂账或缓办",
};

/** How each status reads at the start of "该问题…，不能…". */
const STATUS_PHRASES: Readonly<Record<IssueStatus, string>> = {
  reported: "还在等待派单",
  assigned: "还在等待接单",
  accepted: "正在整改中",
  rectified: "已整改、正在等待验收",
  closed: "已销项",
  rejected: "已不予受理",
  duplicate: "已合并为重复问题",
};

/** Why `action` was refused, in a sentence for the chat user; a refusal by role is texts/permissions.ts's. */
export function denialMessage(action: IssueAction, denial: Exclude<TransitionDenial, { code: "role" }>): string {
  switch (denial.code) {
    case "status":
      return `该问题${STATUS_PHRASES[denial.status]}，不能${ACTION_VERBS[action]}`;
    case "self_verify":
      return "不能验收自己整改的问题，请由其他人验收";
    case "state":
      return denial.problem === "parked"
        ? `${STATE_PHRASES.parked}${ACTION_VERBS[action]}`
        : STATE_PHRASES[denial.problem];
    case "reason_required":
    case "photo_required":
    case "target_required":
    case "date_required":
      return MISSING[action]?.[denial.requirement] ?? "";
    case "original_invalid":
      return mergeProblemMessage(denial);
  }
}

function mergeProblemMessage({ original, problem }: Extract<TransitionDenial, { code: "original_invalid" }>): string {
  const n = `#${original.number}`;
  switch (problem) {
    case "itself":
      return "不能合并到问题自己，请写明与哪个问题重复，例如：合并到 #1019";
    case "finished":
      return `${n} ${STATUS_PHRASES[original.status]}，不能合并到它`;
    case "other_category":
      return `${n} 是「${original.categoryName ?? ""}」问题，与本问题类别不同，不能合并`;
  }
}
