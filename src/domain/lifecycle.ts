import { type IssueStatus, OPEN_STATUSES, type Role } from "./types.ts";

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

/** One row of the transition table: where an action may start, where it leads, who may take it, what it needs. */
export interface TransitionRule {
  from: readonly IssueStatus[];
  /** The status afterwards; null when the action leaves the status unchanged. */
  to: IssueStatus | null;
  /** Roles (on the issue's grid, its ancestors, or the assignee department) that may act. */
  roles: readonly Role[];
  /** Whether the current assignee may act whatever their roles. */
  assignee: boolean;
  /** Whether the person who reported the issue may act whatever their roles. */
  reporter: boolean;
  /**
   * Data the action needs, each with what the user is told when it is missing. An after-photo is needed only when
   * the issue's category asks for one.
   */
  requires: Readonly<Partial<Record<Requirement, string>>>;
  /** The deed, as it reads in "不能…" and "只有…可以…". */
  verb: string;
  /** Who may act, as it reads after "只有". */
  who: string;
}

const OFFICE: readonly Role[] = ["secretary", "dispatcher", "admin"];
const VERIFIERS: readonly Role[] = ["secretary", "leader", "dispatcher", "admin"];
const UNFINISHED: readonly IssueStatus[] = ["reported", "assigned", "accepted"];
const IN_HAND: readonly IssueStatus[] = ["assigned", "accepted"];

/** The issue lifecycle as data: every action with its allowed start statuses, result, actors and requirements. */
export const TRANSITIONS: Readonly<Record<IssueAction, TransitionRule>> = {
  assign: {
    from: UNFINISHED,
    to: "assigned",
    roles: OFFICE,
    assignee: true,
    reporter: false,
    requires: { target: "请指定派给谁，例如：转派 @张三" },
    verb: "派单或转派",
    who: "社区书记、派单员、管理员或当前责任人",
  },
  accept: {
    from: ["assigned"],
    to: "accepted",
    roles: ["responder", "grid_head"],
    assignee: true,
    reporter: false,
    requires: {},
    verb: "接单",
    who: "责任人",
  },
  rectify: {
    from: IN_HAND,
    to: "rectified",
    roles: ["grid_worker", "grid_head"],
    assignee: true,
    reporter: false,
    requires: { after_photo: "请附上整改后的照片再提交整改" },
    verb: "提交整改",
    who: "责任人或本网格的网格员、网格长",
  },
  send_back: {
    from: IN_HAND,
    to: "reported",
    roles: [],
    assignee: true,
    reporter: false,
    requires: { reason: "退回需要写明原因，例如：退回 不属于本网格" },
    verb: "退回",
    who: "责任人",
  },
  reject: {
    from: UNFINISHED,
    to: "rejected",
    roles: OFFICE,
    assignee: false,
    reporter: false,
    requires: { reason: "不予受理需要写明原因，例如：不予受理 属于在建工地，不在整治范围" },
    verb: "标记不予受理",
    who: "社区书记、派单员或管理员",
  },
  verify: {
    from: ["rectified"],
    to: "closed",
    roles: VERIFIERS,
    assignee: false,
    reporter: false,
    requires: {},
    verb: "验收",
    who: "社区书记、包片领导、派单员或管理员",
  },
  refuse: {
    from: ["rectified"],
    to: "accepted",
    roles: VERIFIERS,
    assignee: false,
    reporter: false,
    requires: { reason: "驳回需要写明原因，例如：驳回 门口杂物还没清走" },
    verb: "驳回重改",
    who: "社区书记、包片领导、派单员或管理员",
  },
  merge: {
    from: UNFINISHED,
    to: "duplicate",
    roles: OFFICE,
    assignee: false,
    reporter: true,
    requires: { original: "请指明和哪个问题重复，例如：合并到 #1019" },
    verb: "合并为重复问题",
    who: "社区书记、派单员、管理员或上报人",
  },
  dismiss_duplicate: {
    from: OPEN_STATUSES,
    to: null,
    roles: OFFICE,
    assignee: false,
    reporter: true,
    requires: {},
    verb: "标记不是重复",
    who: "社区书记、派单员、管理员或上报人",
  },
  edit: {
    from: OPEN_STATUSES,
    to: null,
    roles: OFFICE,
    assignee: false,
    reporter: true,
    requires: {},
    verb: "修改问题",
    who: "上报人、社区书记、派单员或管理员",
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
  /** Whom it is assigned to (a person's or a department's name) and who reported it, named in refusals. */
  assignee?: string;
  reporter?: string;
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
 * Who is acting, relative to the issue. `roles` are the roles the actor holds on the issue's grid, its ancestor
 * units, or the assignee department. `isAssignee` is true for the assigned person and, when a department is
 * assigned, for the people on duty in that department.
 */
export interface ActorContext {
  isAdmin: boolean;
  roles: ReadonlySet<Role>;
  isAssignee: boolean;
  isReporter: boolean;
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

/** The verdict on an action: the status it leads to, or why not, in a sentence for the chat user. */
export type TransitionResult =
  | { ok: true; to: IssueStatus }
  | { ok: false; code: TransitionDenialCode; message: string };

/** One proposed action on one issue. */
export interface TransitionRequest {
  action: IssueAction;
  issue: IssueState;
  actor: ActorContext;
  input?: TransitionInput;
  policy?: LifecyclePolicy;
}

type Denial = Extract<TransitionResult, { ok: false }>;

function effectiveRoles(actor: ActorContext): ReadonlySet<Role> {
  // Admins may do everything a secretary may.
  if (!actor.isAdmin && !actor.roles.has("admin")) return actor.roles;
  return new Set<Role>([...actor.roles, "admin", "secretary"]);
}

/**
 * Who may act, with the assignee and the reporter named where the rule lets them act: "责任人 黄志明 " (a name
 * that ends the phrase keeps a space before what follows), "上报人 何小燕、社区书记…".
 */
function whoMayAct(rule: TransitionRule, issue: IssueState): string {
  const named: [string, string | undefined][] = [
    ["责任人", rule.assignee ? issue.assignee : undefined],
    ["上报人", rule.reporter ? issue.reporter : undefined],
  ];
  let who = rule.who;
  for (const [role, person] of named) {
    if (person) who = who.endsWith(role) ? `${who} ${person} ` : who.replace(role, `${role} ${person}`);
  }
  return who;
}

/** Status, role and self-verification checks: everything that does not depend on the supplied data. */
function authorityDenial(
  action: IssueAction,
  issue: IssueState,
  actor: ActorContext,
  policy: LifecyclePolicy,
): Denial | null {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(issue.status)) {
    return { ok: false, code: "status", message: `该问题${STATUS_PHRASES[issue.status]}，不能${rule.verb}` };
  }
  const roles = effectiveRoles(actor);
  const permitted =
    rule.roles.some((role) => roles.has(role)) ||
    (rule.assignee && actor.isAssignee) ||
    (rule.reporter && actor.isReporter);
  if (!permitted) {
    return { ok: false, code: "role", message: `只有${whoMayAct(rule, issue)}可以${rule.verb}` };
  }
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
