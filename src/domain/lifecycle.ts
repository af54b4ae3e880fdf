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
  "request_extension",
  "approve_extension",
  "decline_extension",
  "park",
  "unpark",
] as const;
export type IssueAction = (typeof ISSUE_ACTIONS)[number];

/** Data an action must carry before it can happen. */
export type Requirement = "target" | "original" | "reason" | "after_photo" | "date";

/**
 * One row of the transition table: where an action may start, where it leads, what it needs. Who may take it is the
 * permission table's (domain/permissions.ts).
 */
export interface TransitionRule {
  from: readonly IssueStatus[];
  /** The status afterwards; null when the action leaves the status unchanged. */
  to: IssueStatus | null;
  /** Data the action needs. An after-photo is needed only when the issue's category asks for one. */
  requires: readonly Requirement[];
}

const UNFINISHED: readonly IssueStatus[] = ["reported", "assigned", "accepted"];
const IN_HAND: readonly IssueStatus[] = ["assigned", "accepted"];

/** The issue lifecycle as data: every action with its allowed start statuses, result, actors and requirements. */
export const TRANSITIONS: Readonly<Record<IssueAction, TransitionRule>> = {
  assign: {
    from: UNFINISHED,
    to: "assigned",
    requires: ["target"],
  },
  accept: {
    from: ["assigned"],
    to: "accepted",
    requires: [],
  },
  rectify: {
    from: IN_HAND,
    to: "rectified",
    requires: ["after_photo"],
  },
  send_back: {
    from: IN_HAND,
    to: "reported",
    requires: ["reason"],
  },
  reject: {
    from: UNFINISHED,
    to: "rejected",
    requires: ["reason"],
  },
  verify: {
    from: ["rectified"],
    to: "closed",
    requires: [],
  },
  refuse: {
    from: ["rectified"],
    to: "accepted",
    requires: ["reason"],
  },
  merge: {
    from: UNFINISHED,
    to: "duplicate",
    requires: ["original"],
  },
  dismiss_duplicate: {
    from: OPEN_STATUSES,
    to: null,
    requires: [],
  },
  edit: {
    from: OPEN_STATUSES,
    to: null,
    requires: [],
  },
  // 延期 (behaviour §2.15): the owner asks for a later deadline with a reason; the approver grants or refuses it.
  request_extension: {
    from: IN_HAND,
    to: null,
    requires: ["date", "reason"],
  },
  approve_extension: {
    from: IN_HAND,
    to: null,
    requires: [],
  },
  decline_extension: {
    from: IN_HAND,
    to: null,
    requires: [],
  },
  // 挂账/缓办 (behaviour §2.17): an unfinished issue waits, with a plan, until an expected date.
  park: {
    from: UNFINISHED,
    to: null,
    requires: ["date", "reason"],
  },
  unpark: {
    from: UNFINISHED,
    to: null,
    requires: [],
  },
};

const MISSING_CODES: Readonly<
  Record<Requirement, "reason_required" | "photo_required" | "target_required" | "date_required">
> = {
  target: "target_required",
  original: "target_required",
  reason: "reason_required",
  after_photo: "photo_required",
  date: "date_required",
};

/** The issue as the rules see it. */
export interface IssueState {
  status: IssueStatus;
  /** Whether rectifying needs an after-photo (from the category); default true. */
  afterPhotoRequired?: boolean;
  /** Its id and category, which a merge checks the original against. */
  id?: number;
  categoryId?: number | null;
  /** Whether it has a deadline, an extension request waiting for an answer, and whether it is parked (挂账/缓办). */
  hasDeadline?: boolean;
  extensionPending?: boolean;
  parked?: boolean;
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
  /** The date asked for (延期) or waited for (挂账/缓办), once it was read. */
  date?: Date;
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

/**
 * Why an issue is in no state for an extension or parking action, though its status allows it: no deadline to
 * extend, a request already waiting, none waiting, parked already, or not parked.
 */
export type StateProblem = "no_deadline" | "request_pending" | "no_request" | "parked" | "not_parked";

/** What is wrong with the original a merge names: the issue itself, a finished issue, or another category. */
export type MergeProblem = "itself" | "finished" | "other_category";

/**
 * Why an action was refused, as data the texts room words for the user (texts/lifecycle.ts) — except a refusal by
 * role, whose sentence names who may act from the permission table (texts/permissions.ts).
 */
export type TransitionDenial =
  | { ok: false; code: "role" }
  | { ok: false; code: "status"; status: IssueStatus }
  | { ok: false; code: "self_verify" }
  | { ok: false; code: "state"; problem: StateProblem }
  | {
      ok: false;
      code: "reason_required" | "photo_required" | "target_required" | "date_required";
      requirement: Requirement;
    }
  | { ok: false; code: "original_invalid"; original: MergeOriginal; problem: MergeProblem };

/** The verdict on an action: the status it leads to, or why not. */
export type TransitionResult = { ok: true; to: IssueStatus } | TransitionDenial;

/** Why an action was refused. */
export type TransitionDenialCode = TransitionDenial["code"];

/** One proposed action on one issue. */
export interface TransitionRequest {
  action: IssueAction;
  issue: IssueState;
  actor: Acting;
  input?: TransitionInput;
  policy?: LifecyclePolicy;
}

/** Status, role, self-verification and state checks: everything that does not depend on the supplied data. */
function authorityDenial(
  action: IssueAction,
  issue: IssueState,
  actor: Acting,
  policy: LifecyclePolicy,
): TransitionDenial | null {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(issue.status)) {
    return { ok: false, code: "status", status: issue.status };
  }
  if (!actor.permitted) return { ok: false, code: "role" };
  if (action === "verify" && actor.isRectifier && !policy.allowSelfVerify) {
    return { ok: false, code: "self_verify" };
  }
  const problem = stateProblem(action, issue);
  return problem ? { ok: false, code: "state", problem } : null;
}

/**
 * What keeps an extension or parking action from applying to the issue as it stands: an extension is asked of a
 * deadline not yet waiting for an answer and not parked; an answer needs a request; a parked issue is not parked
 * again, nor extended, and only a parked one comes back.
 */
function stateProblem(action: IssueAction, issue: IssueState): StateProblem | null {
  switch (action) {
    case "request_extension":
      if (issue.parked) return "parked";
      if (issue.hasDeadline === false) return "no_deadline";
      return issue.extensionPending ? "request_pending" : null;
    case "approve_extension":
    case "decline_extension":
      return issue.extensionPending ? null : "no_request";
    case "park":
      return issue.parked ? "parked" : null;
    case "unpark":
      return issue.parked ? null : "not_parked";
    default:
      return null;
  }
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
    case "date":
      return input.date !== undefined;
  }
}

/**
 * What is wrong with `original` as the issue `issue` duplicates; null when nothing is. Not itself, not a finished
 * issue (closed, rejected or itself a duplicate: nobody follows it up any more), not another category.
 */
function mergeProblem(issue: IssueState, original: MergeOriginal): MergeProblem | null {
  if (original.id === issue.id) return "itself";
  if (!OPEN_STATUSES.includes(original.status)) return "finished";
  const categoryId = issue.categoryId ?? null;
  if (categoryId !== null && original.categoryId !== null && original.categoryId !== categoryId) {
    return "other_category";
  }
  return null;
}

/**
 * Decides whether `actor` may take `action` on `issue` with the supplied data. Checks, in order: the issue's status,
 * the actor's authority, self-verification, the state an extension or parking action needs, the required data,
 * then the original a merge names. Never changes anything.
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
  for (const requirement of rule.requires) {
    if (!isSupplied(requirement, issue, input)) return { ok: false, code: MISSING_CODES[requirement], requirement };
  }
  const problem = action === "merge" && input.original ? mergeProblem(issue, input.original) : null;
  if (problem) return { ok: false, code: "original_invalid", original: input.original as MergeOriginal, problem };
  return { ok: true, to: rule.to ?? issue.status };
}

/** Statuses in which an issue is nagged: its rectification clock is running. */
export const REMINDED_STATUSES: readonly IssueStatus[] = ["reported", "assigned", "accepted"];
