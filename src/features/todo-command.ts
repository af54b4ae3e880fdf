import type { FeatureDeps } from "../commands/deps.ts";
import { dutiesOf, orgOf } from "../db/org-queries.ts";
import { localPeriod } from "../domain/deadline.ts";
import { REMINDED_STATUSES } from "../domain/lifecycle.ts";
import { awaitingVerificationAt, inHandAt, overdueAt, waitingDispatchAt } from "../domain/metrics.ts";
import { reachOf } from "../domain/permissions.ts";
import type { Role, UnitLevel } from "../domain/types.ts";
import { issueListLine, type ListContext, listContext, PLAIN_LIST } from "../reports/digest.ts";
import { patrolsForToday } from "../reports/patrol-coverage.ts";
import { todayPatrolLines } from "../reports/patrol-lines.ts";
import { statsByUnit } from "../reports/stats.ts";
import { type IssueList, issuesAssignedTo, issuesAt } from "../reports/stats-lists.ts";
import { formatDateTime, TEXTS } from "../texts/messages.ts";
import { TODAY_TEXTS } from "../texts/patrol.ts";

/** Lines of each community's or department's list in a 待办 answer; the rest are counted. */
const TODO_LIST_LIMIT = 10;
/** Lines of 待办 per message: a phone screen's worth or two, however long the sender's own list. */
const TODO_PAGE_LINES = 50;

/**
 * Which part of 待办 a duty brings, by the role and the level of the unit it reaches (domain/permissions.ts): a
 * dispatcher of the command centre, like a 包片领导, sees their street.
 */
const TODO_PARTS: readonly { roles: readonly Role[]; levels: readonly UnitLevel[]; part: "community" | "street" }[] = [
  { roles: ["secretary"], levels: ["community"], part: "community" },
  { roles: ["leader", "dispatcher"], levels: ["street", "district"], part: "street" },
];

/**
 * 待办 by role (behaviour §5): first the sender's own issues (assigned to them and not yet fixed); then, for a community
 * secretary, the community's overdue, awaiting-verification and undispatched issues; for a street leader or the
 * command centre's dispatcher, a count per community with the worst first; for a department's people, the issues
 * routed to the department. Every list and count comes from the statistics module's rules, as of now. The sender's
 * own issues are listed in full, and after them the patrol points they are due to visit today (behaviour §14.5), in messages of {@link TODO_PAGE_LINES} lines (each within Lark's size limits).
 */
export async function todoPages(deps: FeatureDeps, openId: string): Promise<string[]> {
  const person = await deps.db.person.findUnique({ where: { openId } });
  if (!person) return [TEXTS.todoEmpty];
  const org = await orgOf(deps.db);
  const now = deps.now();
  const duties = dutiesOf(org, person.id).flatMap((d) => {
    const unit = org.units.get(reachOf(d, org.units) ?? d.unitId);
    return unit ? [{ ...d, unit }] : [];
  });
  const unitsFor = (part: "community" | "street") => [
    ...new Map(
      duties
        .filter((d) =>
          TODO_PARTS.some((p) => p.part === part && p.roles.includes(d.role) && p.levels.includes(d.unit.level)),
        )
        .map((d) => [d.unit.id, d.unit]),
    ).values(),
  ];
  const departments = [
    ...new Map(duties.filter((d) => d.unit.level === "department").map((d) => [d.unit.id, d.unit])).values(),
  ];
  const context = (unit: { level: string }) => listContext(unit, now, deps.timeZone);
  const listLines = (list: IssueList, ctx: ListContext, show: "owner" | "status" = "owner") => [
    ...list.items.map((item) => `  ${issueListLine(ctx, item, PLAIN_LIST, show)}`),
    ...(list.total > list.items.length ? [`  ${TEXTS.todoMore(list.total)}`] : []),
  ];

  const parts: string[][] = [];
  const own = await issuesAssignedTo(deps.db, person.id, REMINDED_STATUSES);
  if (own.total > 0) {
    // A person's own issues may lie in several communities: each line names its community.
    const anywhere = { asOf: now, timeZone: deps.timeZone, withCommunity: true };
    parts.push([TEXTS.todoOwn(own.total), ...listLines(own, anywhere, "status")]);
  }

  // behaviour §14.5: the sender's patrol points for today.
  const patrols = await patrolsForToday(deps.db, { personId: person.id, at: now, timeZone: deps.timeZone });
  if (patrols.length > 0) {
    const left = patrols.filter((p) => !p.visited).length;
    parts.push([
      TODAY_TEXTS.todoHead(left, patrols.length),
      ...todayPatrolLines(patrols, PLAIN_LIST.escape).map((line) => `  ${line}`),
    ]);
  }

  for (const community of unitsFor("community")) {
    const [overdue, awaiting, waiting] = (await Promise.all(
      [overdueAt(now), awaitingVerificationAt(now), waitingDispatchAt(now)].map((condition) =>
        issuesAt(deps.db, community.id, condition, { limit: TODO_LIST_LIMIT }),
      ),
    )) as [IssueList, IssueList, IssueList];
    if (overdue.total + awaiting.total + waiting.total === 0) continue;
    const ctx = context(community);
    parts.push([
      TEXTS.todoCommunity(community.name, overdue.total, awaiting.total, waiting.total),
      ...(
        [
          [TEXTS.todoOverdue, overdue],
          [TEXTS.todoAwaiting, awaiting],
          [TEXTS.todoWaiting, waiting],
        ] as const
      ).flatMap(([title, list]) => (list.total > 0 ? [title, ...listLines(list, ctx)] : [])),
    ]);
  }

  for (const street of unitsFor("street")) {
    const counting = { timeZone: deps.timeZone, officeHours: deps.officeHours };
    const stats = await statsByUnit(deps.db, [street.id], localPeriod(now, "day", deps.timeZone), now, counting, 1);
    const communities = [...stats.values()]
      .filter((s) => s.unit.level === "community")
      .map((s) => ({
        name: s.unit.name,
        overdue: s.overdue,
        awaiting: s.awaitingVerification,
        waiting: s.openByStatus.reported,
      }))
      .sort((a, b) => b.overdue - a.overdue || b.awaiting + b.waiting - (a.awaiting + a.waiting));
    if (communities.every((c) => c.overdue + c.awaiting + c.waiting === 0)) continue;
    parts.push([
      TEXTS.todoStreet(street.name),
      ...communities.map((c) => `  ${TEXTS.todoStreetLine(c.name, c.overdue, c.awaiting, c.waiting)}`),
    ]);
  }

  for (const department of departments) {
    const routed = await issuesAt(deps.db, department.id, inHandAt(now), { limit: TODO_LIST_LIMIT });
    if (routed.total > 0)
      parts.push([TEXTS.todoDepartment(department.name, routed.total), ...listLines(routed, context(department))]);
  }

  if (parts.length === 0) return [TEXTS.todoEmpty];
  const title = TEXTS.todoTitle(person.name, formatDateTime(now, deps.timeZone));
  const lines = parts.flatMap((part, i) => (i === 0 ? part : ["", ...part]));
  const pages = Math.ceil(lines.length / TODO_PAGE_LINES);
  return Array.from({ length: pages }, (_, i) =>
    [
      pages === 1 ? title : `${title}${TEXTS.todoPage(i + 1, pages)}`,
      "",
      ...lines.slice(i * TODO_PAGE_LINES, (i + 1) * TODO_PAGE_LINES),
    ].join("\n"),
  );
}
