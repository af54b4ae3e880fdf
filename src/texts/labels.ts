import { LIMIT_UNITS, type LimitUnit, type TimeLimit } from "../domain/deadline.ts";
import { normalizeText } from "../domain/match.ts";
import {
  CATEGORY_CLASSES,
  CATEGORY_KINDS,
  type CategoryClass,
  type CategoryKind,
  type IssueStatus,
  OBJECT_TYPES,
  type ObjectType,
  PATROL_FREQUENCIES,
  PATROL_LEVELS,
  type PatrolFrequency,
  type PatrolLevel,
  ROLES,
  type Role,
  UNIT_LEVELS,
  type UnitLevel,
} from "../domain/types.ts";

/** Header colours a Lark card accepts (the `template` of a card header). */
export type CardColor =
  | "blue"
  | "wathet"
  | "turquoise"
  | "green"
  | "yellow"
  | "orange"
  | "red"
  | "carmine"
  | "violet"
  | "purple"
  | "indigo"
  | "grey"
  | "default";

/** What an issue whose category is not known yet is called, in titles and lists. */
export const CATEGORY_PENDING = "类别待定";

/** What users read for each issue status. */
export const STATUS_LABELS: Readonly<Record<IssueStatus, string>> = {
  reported: "待派单",
  assigned: "待接单",
  accepted: "整改中",
  rectified: "待验收",
  closed: "已销项",
  rejected: "不予受理",
  duplicate: "重复",
};

/** Card header colour for each status when the issue is not overdue. */
export const STATUS_COLORS: Readonly<Record<IssueStatus, CardColor>> = {
  reported: "orange",
  assigned: "blue",
  accepted: "wathet",
  rectified: "violet",
  closed: "green",
  rejected: "grey",
  duplicate: "grey",
};

/** Card header colour of an overdue issue. */
export const OVERDUE_COLOR: CardColor = "red";

/** Statuses in which the rectification clock is still running, so being past the deadline shows as overdue. */
const CLOCK_RUNNING: ReadonlySet<IssueStatus> = new Set(["reported", "assigned", "accepted"]);

/**
 * The card header colour for an issue: red when it is overdue and still waiting for a fix, otherwise the status
 * colour. A rectified or finished issue keeps its status colour even if its deadline has passed.
 */
export function statusColor(status: IssueStatus, overdue: boolean): CardColor {
  return overdue && CLOCK_RUNNING.has(status) ? OVERDUE_COLOR : STATUS_COLORS[status];
}

/** What users read for each role. */
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  grid_worker: "网格员",
  grid_head: "网格长",
  secretary: "社区书记",
  leader: "包片领导",
  dispatcher: "派单员",
  responder: "责任人",
  admin: "管理员",
};

/** What users read for each category kind. */
export const KIND_LABELS: Readonly<Record<CategoryKind, string>> = {
  dynamic: "动态",
  static: "静态",
};

/** What users read for each category class. */
export const CLASS_LABELS: Readonly<Record<CategoryClass, string>> = {
  engineering: "工程",
  cleanup: "整治",
  enforcement: "执法",
  management: "管理",
};

/** What users read for each object type. */
export const OBJECT_TYPE_LABELS: Readonly<Record<ObjectType, string>> = {
  component: "部件",
  event: "事件",
};

/** What users read for each unit a time limit is counted in: "2工作时", "3工作日". */
export const LIMIT_UNIT_LABELS: Readonly<Record<LimitUnit, string>> = {
  natural_hours: "自然时",
  work_hours: "工作时",
  work_days: "工作日",
  natural_days: "自然日",
};

/** A time limit as users read it: the amount and its unit, "2工作时", "0.5工作日". */
export function limitLabel(limit: TimeLimit): string {
  return `${Number(limit.amount.toFixed(2))}${LIMIT_UNIT_LABELS[limit.unit]}`;
}

/** What users read for each unit level. */
export const UNIT_LEVEL_LABELS: Readonly<Record<UnitLevel, string>> = {
  district: "区",
  street: "街道",
  community: "社区",
  grid: "网格",
  microgrid: "微网格",
  department: "部门",
};

/** What users read for each patrol level (三级巡查). */
export const PATROL_LEVEL_LABELS: Readonly<Record<PatrolLevel, string>> = {
  leader: "一级",
  department: "二级",
  community: "三级",
};

/** What users read for each patrol frequency. */
export const PATROL_FREQUENCY_LABELS: Readonly<Record<PatrolFrequency, string>> = {
  daily: "每天",
  workdays: "工作日",
  weekly: "每周",
  twice_monthly: "每半月",
};

/** Further words people write in import files, beyond the labels above and the English codes. */
const ROLE_SYNONYMS: Readonly<Record<Role, readonly string[]>> = {
  grid_worker: ["巡查员", "志愿者", "专职网格员", "兼职网格员", "网格巡查员"],
  grid_head: ["网格负责人"],
  secretary: ["书记", "主任", "社区主任", "村书记", "村主任", "社区（村）书记", "居委会主任", "村委会主任"],
  leader: ["领导", "主管领导", "包片", "包片负责人"],
  dispatcher: ["指挥中心", "创城办", "创文办", "调度员"],
  responder: ["物业", "商户", "整改责任人", "部门责任人"],
  admin: ["系统管理员"],
};

const KIND_SYNONYMS: Readonly<Record<CategoryKind, readonly string[]>> = {
  dynamic: ["动态指标"],
  static: ["静态指标"],
};

const CLASS_SYNONYMS: Readonly<Record<CategoryClass, readonly string[]>> = {
  engineering: ["工程类"],
  cleanup: ["整治类"],
  enforcement: ["执法类"],
  management: ["管理类"],
};

const OBJECT_TYPE_SYNONYMS: Readonly<Record<ObjectType, readonly string[]>> = {
  component: ["部件类", "管理部件", "城市部件"],
  event: ["事件类", "管理事件", "城市事件"],
};

/** Further words for each limit unit: the hours of an older org file (小时) are 自然时. */
const LIMIT_UNIT_SYNONYMS: Readonly<Record<LimitUnit, readonly string[]>> = {
  natural_hours: ["小时", "个小时", "时", "h", "自然小时"],
  work_hours: ["个工作时", "工作小时", "个工作小时"],
  work_days: ["个工作日"],
  natural_days: ["天", "日", "个自然日", "自然天"],
};

const UNIT_LEVEL_SYNONYMS: Readonly<Record<UnitLevel, readonly string[]>> = {
  district: ["区县", "县", "市辖区", "县区"],
  street: ["镇", "乡", "街道办", "乡镇", "街镇"],
  community: ["村", "社区（村）", "村居", "居委会", "村委会"],
  grid: ["单元网格"],
  microgrid: ["楼栋网格"],
  department: ["职能部门", "专项工作组"],
};

const PATROL_LEVEL_SYNONYMS: Readonly<Record<PatrolLevel, readonly string[]>> = {
  leader: ["一级巡查", "领导", "包干领导", "包片领导", "领导包干", "1", "一"],
  department: ["二级巡查", "部门", "职能部门", "部门巡查", "2", "二"],
  community: ["三级巡查", "社区", "村", "社区巡查", "网格", "3", "三"],
};

const PATROL_FREQUENCY_SYNONYMS: Readonly<Record<PatrolFrequency, readonly string[]>> = {
  daily: ["每日", "每天一次", "每日一次", "天", "日"],
  workdays: ["每个工作日", "工作日每天", "工作日巡查"],
  weekly: ["每周一次", "周", "一周一次"],
  twice_monthly: ["每月两次", "每月2次", "半月", "半月一次", "每半月一次"],
};

/** A parser from any accepted word (compared after {@link normalizeText}) back to its code. */
function parserFor<Code extends string>(
  codes: readonly Code[],
  labels: Readonly<Record<Code, string>>,
  synonyms: Readonly<Record<Code, readonly string[]>>,
): (text: string) => Code | null {
  const lookup = new Map<string, Code>();
  for (const code of codes) {
    for (const word of [code, labels[code], ...synonyms[code]]) lookup.set(normalizeText(word), code);
  }
  return (text) => lookup.get(normalizeText(text)) ?? null;
}

/** The role a Chinese label, a common synonym (书记, 主任 → secretary; 巡查员, 志愿者 → grid_worker) or a code names. */
export const parseRole: (text: string) => Role | null = parserFor(ROLES, ROLE_LABELS, ROLE_SYNONYMS);

/** The category kind 动态/静态 (also 动态指标/静态指标 or the code) names. */
export const parseKind: (text: string) => CategoryKind | null = parserFor(CATEGORY_KINDS, KIND_LABELS, KIND_SYNONYMS);

/** 部件 or 事件 (also 部件类, 管理事件… or the code). */
export const parseObjectType: (text: string) => ObjectType | null = parserFor(
  OBJECT_TYPES,
  OBJECT_TYPE_LABELS,
  OBJECT_TYPE_SYNONYMS,
);

const parseLimitUnit = parserFor(LIMIT_UNITS, LIMIT_UNIT_LABELS, LIMIT_UNIT_SYNONYMS);

/**
 * A time limit as people write it: an amount and a unit, "2工作时", "3 工作日", "1自然日", "24小时" (自然时); a bare
 * number is hours (自然时), as older org files gave them. Null for anything else, or an amount that is not positive.
 */
export function parseLimit(text: string): TimeLimit | null {
  const match = /^(\d+(?:\.\d+)?)\s*(.*)$/.exec(text.trim());
  if (!match) return null;
  const amount = Number.parseFloat(match[1] as string);
  const unit = match[2] ? parseLimitUnit(match[2]) : "natural_hours";
  return unit && amount > 0 ? { amount, unit } : null;
}

/** The category class 工程/整治/执法/管理 (also 工程类… or the code) names. */
export const parseClass: (text: string) => CategoryClass | null = parserFor(
  CATEGORY_CLASSES,
  CLASS_LABELS,
  CLASS_SYNONYMS,
);

/** The unit level a label or synonym names (镇 → street, 村 → community, 职能部门 → department…). */
export const parseUnitLevel: (text: string) => UnitLevel | null = parserFor(
  UNIT_LEVELS,
  UNIT_LEVEL_LABELS,
  UNIT_LEVEL_SYNONYMS,
);

/** The patrol level 一级/二级/三级 (also 领导, 部门, 社区 or the code) names. */
export const parsePatrolLevel: (text: string) => PatrolLevel | null = parserFor(
  PATROL_LEVELS,
  PATROL_LEVEL_LABELS,
  PATROL_LEVEL_SYNONYMS,
);

/** The patrol frequency 每天/工作日/每周/每半月 (or a synonym, or the code) names. */
export const parsePatrolFrequency: (text: string) => PatrolFrequency | null = parserFor(
  PATROL_FREQUENCIES,
  PATROL_FREQUENCY_LABELS,
  PATROL_FREQUENCY_SYNONYMS,
);

/** How an issue another system filed names its source: "12345热线 · 工单号 2026120500123". */
export function externalSourceLabel(system: string, ticket: string | null): string {
  return ticket ? `${system} · 工单号 ${ticket}` : system;
}
