/** Vocabulary shared by every room (behaviour §1). Code names in English; users read the Chinese labels. */

export const ISSUE_STATUSES = [
  "reported",
  "assigned",
  "accepted",
  "rectified",
  "closed",
  "rejected",
  "duplicate",
] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];

/** Statuses in which an issue still needs work. */
export const OPEN_STATUSES: readonly IssueStatus[] = ["reported", "assigned", "accepted", "rectified"];

export const ROLES = ["grid_worker", "grid_head", "secretary", "leader", "dispatcher", "responder", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const UNIT_LEVELS = ["district", "street", "community", "grid", "microgrid", "department"] as const;
export type UnitLevel = (typeof UNIT_LEVELS)[number];

export const CATEGORY_KINDS = ["dynamic", "static"] as const;
export type CategoryKind = (typeof CATEGORY_KINDS)[number];

/** 部件 (a thing: 宣传栏, 垃圾箱) or 事件 (a situation: 堆物堆料, 占道经营), as the standard catalogue sorts them. */
export const OBJECT_TYPES = ["component", "event"] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

export const CATEGORY_CLASSES = ["engineering", "cleanup", "enforcement", "management"] as const;
export type CategoryClass = (typeof CATEGORY_CLASSES)[number];

export const CHAT_PURPOSES = ["work", "leader", "department", "patrol"] as const;
export type ChatPurpose = (typeof CHAT_PURPOSES)[number];

/** The three levels of patrol (三级巡查): 一级 a leader's 包干 points, 二级 a department's, 三级 a community's. */
export const PATROL_LEVELS = ["leader", "department", "community"] as const;
export type PatrolLevel = (typeof PATROL_LEVELS)[number];

/** How often a point is patrolled under a plan; twice a month is the 市民巡访团's rhythm. */
export const PATROL_FREQUENCIES = ["daily", "workdays", "weekly", "twice_monthly"] as const;
export type PatrolFrequency = (typeof PATROL_FREQUENCIES)[number];

/** What a patrol visit found: nothing wrong, or problems (filed as issues linked to the visit). */
export const PATROL_RESULTS = ["ok", "problems"] as const;
export type PatrolResult = (typeof PATROL_RESULTS)[number];
