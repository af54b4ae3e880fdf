/**
 * How the permission table (domain/permissions.ts) reads to users: what each permission lets a person do, and the
 * refusal that names who may — "只有本社区书记、街道派单员或管理员可以标记不予受理".
 */

import type { IssueAction } from "../domain/lifecycle.ts";
import { PERMISSIONS, type Permission, type PermissionScope, rolesFor } from "../domain/permissions.ts";
import { ROLES, type Role } from "../domain/types.ts";
import { escapeText } from "./escape.ts";
import { ACTION_VERBS } from "./lifecycle.ts";

/** What each permission besides the lifecycle's actions lets a person do, as it reads after "可以". */
const VERBS: Readonly<Record<Exclude<Permission, IssueAction>, string>> = {
  use_commands: "使用统计、日报、待办等命令",
  show: "查看问题详情",
  snooze: "延后提醒",
  answer_lookback: "回答回头看",
  list_overdue: "查看超期问题",
  export_ledger: "导出台账",
  review_digest: "填写审阅意见",
  read_review: "确认已阅",
  bind: "绑定、解绑本群",
  check_in: "巡查打卡",
};

/** The deed of a permission, as it reads after "可以": the lifecycle's own words for its actions. */
export function permissionVerb(permission: Permission): string {
  return permission in ACTION_VERBS ? ACTION_VERBS[permission as IssueAction] : VERBS[permission as keyof typeof VERBS];
}

/** Roles as a refusal names them, by where their duty must be: "本网格的网格员、网格长", "街道包片领导、派单员". */
const ROLE_GROUPS: readonly { where: string; roles: Partial<Record<Role, string>> }[] = [
  { where: "本网格的", roles: { grid_worker: "网格员", grid_head: "网格长" } },
  { where: "本社区", roles: { secretary: "书记" } },
  { where: "街道", roles: { leader: "包片领导", dispatcher: "派单员" } },
  { where: "", roles: { admin: "管理员" } },
];

/** Everyone with a duty where it counts, for rows open to every role. */
const ANYONE: Readonly<Record<PermissionScope, string>> = {
  issue: "该问题所在单位的工作人员",
  unit: "本单位的工作人员",
  unit_or_below: "在对应单位有职责的人员",
};

/** Who may, in the order a refusal names them; a name that ends an item keeps a space before what follows. */
function whoMay(permission: Permission, names: RefusalNames): string[] {
  const rule = PERMISSIONS[permission];
  const may = rolesFor(permission, names.atDepartment === true);
  const items = ROLES.every((role) => may.includes(role))
    ? [ANYONE[rule.on]]
    : ROLE_GROUPS.flatMap(({ where, roles }) => {
        const held = may.flatMap((role) => roles[role] ?? []);
        return held.length ? [`${where}${held.join("、")}`] : [];
      });
  const named = (role: string, name: string | undefined) => (name ? `${role} ${escapeText(name)} ` : role);
  if (rule.assignee) items.push(named("责任人", names.assignee));
  if (rule.reporter) items.push(named("上报人", names.reporter));
  return items;
}

/** What a refusal names: the issue's assignee and reporter, and whether it is dispatched to a department. */
export interface RefusalNames {
  assignee?: string;
  reporter?: string;
  atDepartment?: boolean;
}

/**
 * The answer to someone the table refuses: who may, and what — with the issue's assignee and reporter named where the
 * row lets them act.
 */
export function refusal(permission: Permission, names: RefusalNames = {}): string {
  const items = whoMay(permission, names);
  const last = items.pop() ?? "";
  const head = items.map((item) => item.trimEnd()).join("、");
  return `只有${head ? `${head}或` : ""}${last}可以${permissionVerb(permission)}`;
}
