/**
 * How the issue lifecycle (domain/lifecycle.ts) reads to users: the word for each action, the deed as it reads in
 * "不能…" and "只有…可以…", and the sentence that says why an action was refused.
 */

import type { IssueAction, Requirement, TransitionDenial } from "../domain/lifecycle.ts";
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
};

/** What the user is told when an action lacks the data it needs. */
const MISSING: Readonly<Partial<Record<IssueAction, Partial<Record<Requirement, string>>>>> = {
  assign: { target: "请指定派给谁，例如：转派 @张三" },
  rectify: { after_photo: "请附上整改后的照片再提交整改" },
  send_back: { reason: "退回需要写明原因，例如：退回 不属于本网格" },
  reject: { reason: "不予受理需要写明原因，例如：不予受理 属于在建工地，不在整治范围" },
  refuse: { reason: "驳回需要写明原因，例如：驳回 门口杂物还没清走" },
  merge: { original: "请指明和哪个问题重复，例如：合并到 #1019" },
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
    case "reason_required":
    case "photo_required":
    case "target_required":
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
