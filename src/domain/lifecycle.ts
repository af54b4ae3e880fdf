import { type IssueStatus, OPEN_STATUSES } from "./types.ts";

/** Everything a person can do to an issue (behaviour §2). */
export const ISSUE_ACTIONS = [
  "assign",
  "accept",
  "rectify",
  "send_back",
  "reject",
  "verify",
  "refuse",
  "merge",
  "dismiss_duplicate",
  "edit",
] as const;
export type IssueAction = (typeof ISSUE_ACTIONS)[number];

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

/** Data an action must carry before it can happen. */
export type Requirement = "target" | "original" | "reason" | "after_photo";

/**
 * One row of the transition table: where an action may start, where it leads, what it needs. Who may take it is the
 * permission table's (domain/permissions.ts).
 */
export interface TransitionRule {
  from: readonly IssueStatus[];
  /** The status afterwards; null when the action leaves the status unchanged. */
  to: IssueStatus | null;
  /**
   * Data the action needs, each with what the user is told when it is missing. An after-photo is needed only when
   * the issue's category asks for one.
   */
  requires: Readonly<Partial<Record<Requirement, string>>>;
  /** The deed, as it reads in "不能…" and "只有…可以…". */
  verb: string;
}

const UNFINISHED: readonly IssueStatus[] = ["reported", "assigned", "accepted"];
const IN_HAND: readonly IssueStatus[] = ["assigned", "accepted"];

/** The issue lifecycle as data: every action with its allowed start statuses, result, actors and requirements. */
export const TRANSITIONS: Readonly<Record<IssueAction, TransitionRule>> = {
  assign: {
    from: UNFINISHED,
    to: "assigned",
    requires: { target: "请指定派给谁，例如：转派 @张三" },
    verb: "派单或转派",
  },
  accept: {
    from: ["assigned"],
    to: "accepted",
    requires: {},
    verb: "接单",
  },
  rectify: {
    from: IN_HAND,
    to: "rectified",
    requires: { after_photo: "请附上整改后的照片再提交整改" },
    verb: "提交整改",
  },
  send_back: {
    from: IN_HAND,
    to: "reported",
    requires: { reason: "退回需要写明原因，例如：退回 不属于本网格" },
    verb: "退回",
  },
  reject: {
    from: UNFINISHED,
    to: "rejected",
    requires: { reason: "不予受理需要写明原因，例如：不予受理 属于在建工地，不在整治范围" },
    verb: "标记不予受理",
  },
  verify: {
    from: ["rectified"],
    to: "closed",
    requires: {},
    verb: "验收",
  },
  refuse: {
    from: ["rectified"],
    to: "accepted",
    requires: { reason: "驳回需要写明原因，例如：驳回 门口杂物还没清走" },
    verb: "驳回重改",
  },
  merge: {
    from: UNFINISHED,
    to: "duplicate",
    requires: { original: "请指明和哪个问题重复，例如：合并到 #1019" },
    verb: "合并为重复问题",
  },
  dismiss_duplicate: {
    from: OPEN_STATUSES,
    to: null,
    requires: {},
    verb: "标记不是重复",
  },
  edit: {
    from: OPEN_STATUSES,
    to: null,
    requires: {},
    verb: "修改问题",
  },
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

const MISSING_CODES: Readonly<Record<Requirement, TransitionDenialCode>> = {
  target: "target_required",
  original: "target_required",
  reason: "reason_required",
  after_photo: "photo_required",
};

const SELF_VERIFY_MESSAGE = "不能验收自己整改的问题，请由其他人验收";

/** The issue as the rules see it. */
export interface IssueState {
  status: IssueStatus;
  /** Whether rectifying needs an after-photo (from the category); default true. */
  afterPhotoRequired?: boolean;
  /** Its id and category, which a merge checks the original against. */
  id?: number;
  categoryId?: number | null;
}

/** The issue a merge names as the original. */
export interface MergeOriginal {
  id: number;
  number: number;
  status: IssueStatus;
  categoryId: number | null;
  categoryName: string | null;
}

/**
 * Who is acting: whether the permission table lets them take the action on this issue (domain/permissions.ts), and
 * whether they rectified it.
 */
export interface Acting {
  permitted: boolean;
  isRectifier: boolean;
}

/** Whom an issue is assigned to: a person or a unit (usually a department). */
export type AssignTarget = { type: "person"; id: number } | { type: "unit"; id: number };

/** What the actor supplied with the action. */
export interface TransitionInput {
  reason?: string;
  hasAfterPhoto?: boolean;
  target?: AssignTarget;
  /** The issue this one duplicates (for merge). */
  original?: MergeOriginal;
}

/** Switches an installation or a chat may turn; all default to the strict behaviour. */
export interface LifecyclePolicy {
  /** Let whoever rectified an issue also verify it. */
  allowSelfVerify?: boolean;
}

/**
 * The switches a chat sets in its binding's settings JSON: `"selfVerify": true` lets whoever rectified an issue
 * reported there verify it too (default false, behaviour §2.6). Keys that are missing or not booleans set nothing.
 */
export function chatPolicy(settings: unknown): LifecyclePolicy {
  const selfVerify =
    typeof settings === "object" && settings !== null ? (settings as { selfVerify?: unknown }).selfVerify : undefined;
  return typeof selfVerify === "boolean" ? { allowSelfVerify: selfVerify } : {};
}

/** Why an action was refused. */
export type TransitionDenialCode =
  | "status"
  | "role"
  | "self_verify"
  | "reason_required"
  | "photo_required"
  | "target_required"
  | "original_invalid";

/**
 * The verdict on an action: the status it leads to, or why not, in a sentence for the chat user — except a refusal
 * by role, whose sentence names who may act from the permission table (texts/permissions.ts).
 */
export type TransitionResult =
  | { ok: true; to: IssueStatus }
  | { ok: false; code: "role" }
  | { ok: false; code: Exclude<TransitionDenialCode, "role">; message: string };

/** One proposed action on one issue. */
export interface TransitionRequest {
  action: IssueAction;
  issue: IssueState;
  actor: Acting;
  input?: TransitionInput;
  policy?: LifecyclePolicy;
}

type Denial = Extract<TransitionResult, { ok: false }>;

/** Status, role and self-verification checks: everything that does not depend on the supplied data. */
function authorityDenial(
  action: IssueAction,
  issue: IssueState,
  actor: Acting,
  policy: LifecyclePolicy,
): Denial | null {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(issue.status)) {
    return { ok: false, code: "status", message: `该问题${STATUS_PHRASES[issue.status]}，不能${rule.verb}` };
  }
  if (!actor.permitted) return { ok: false, code: "role" };
  if (action === "verify" && actor.isRectifier && !policy.allowSelfVerify) {
    return { ok: false, code: "self_verify", message: SELF_VERIFY_MESSAGE };
  }
  return null;
}

function isSupplied(requirement: Requirement, issue: IssueState, input: TransitionInput): boolean {
  switch (requirement) {
    case "target":
      return input.target !== undefined;
    case "original":
      return input.original !== undefined;
    case "reason":
      return (input.reason ?? "").trim() !== "";
    case "after_photo":
      return issue.afterPhotoRequired === false || input.hasAfterPhoto === true;
  }
}

/**
 * Why `issue` may not be marked a duplicate of `original`, in a sentence; null when it may. Not of itself, not of a
 * finished issue (closed, rejected or itself a duplicate: nobody follows it up any more), not of another category.
 */
function originalDenial(issue: IssueState, original: MergeOriginal): string | null {
  const n = `#${original.number}`;
  if (original.id === issue.id) return "不能合并到问题自己，请写明与哪个问题重复，例如：合并到 #1019";
  if (!OPEN_STATUSES.includes(original.status)) return `${n} ${STATUS_PHRASES[original.status]}，不能合并到它`;
  const categoryId = issue.categoryId ?? null;
  if (categoryId !== null && original.categoryId !== null && original.categoryId !== categoryId) {
    return `${n} 是「${original.categoryName ?? ""}」问题，与本问题类别不同，不能合并`;
  }
  return null;
}

/**
 * Decides whether `actor` may take `action` on `issue` with the supplied data. Checks, in order: the issue's status,
 * the actor's authority, self-verification, the required data, then the original a merge names. Never changes
 * anything.
 */
export function checkTransition({
  action,
  issue,
  actor,
  input = {},
  policy = {},
}: TransitionRequest): TransitionResult {
  const denial = authorityDenial(action, issue, actor, policy);
  if (denial) return denial;
  const rule = TRANSITIONS[action];
  for (const [requirement, message] of Object.entries(rule.requires) as [Requirement, string][]) {
    if (!isSupplied(requirement, issue, input)) return { ok: false, code: MISSING_CODES[requirement], message };
  }
  const invalid = action === "merge" && input.original ? originalDenial(issue, input.original) : null;
  if (invalid) return { ok: false, code: "original_invalid", message: invalid };
  return { ok: true, to: rule.to ?? issue.status };
}

/** Statuses in which an issue is nagged: its rectification clock is running. */
export const REMINDED_STATUSES: readonly IssueStatus[] = ["reported", "assigned", "accepted"];
