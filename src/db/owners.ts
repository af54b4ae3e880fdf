import { Prisma } from "../generated/prisma/client.ts";
import type { Db, Tx } from "./client.ts";
import { inChunks } from "./in-chunks.ts";
import { holders, type Org, orgOf } from "./org-queries.ts";

type Client = Db | Tx;

/** A person to name and @-mention. */
export interface PersonRef {
  name: string;
  openId: string;
}

/**
 * Who answers for an issue now: the department it was dispatched to (if any) and the people to mention — whoever
 * accepted it (接单), unless it was handed on since; else the assigned person; else the department's responders and
 * heads. Nobody while it waits for dispatch.
 */
export interface Owner {
  unit: string | null;
  people: PersonRef[];
}

/** The columns of an issue that decide its owner. */
export interface OwnedIssue {
  id: number;
  assigneePersonId: number | null;
  assigneeUnitId: number | null;
}

/** Events after which an earlier 接单 no longer stands: the issue was handed to someone (or back) since. */
const HANDED_ON = ["assign", "send_back", "filed", "edit", "handover"];
/** The events that say who holds an issue. */
const EVENTS_READ = ["accept", ...HANDED_ON];

/**
 * The {@link Owner} of each issue, by id (null for an issue nobody has been given), in three queries however many
 * issues: their accept and hand-over events, the people named, and the org snapshot for departments.
 */
export async function ownersOf(client: Client, issues: readonly OwnedIssue[]): Promise<Map<number, Owner | null>> {
  const owners = new Map<number, Owner | null>();
  const inHand = issues.filter((i) => i.assigneePersonId !== null || i.assigneeUnitId !== null);
  for (const issue of issues) owners.set(issue.id, null);
  if (inHand.length === 0) return owners;
  // In id order within each issue, which is all the walk below needs (a digest's lists of a whole city name
  // thousands of issues: more than one query may bind).
  const events = await inChunks(
    inHand.map((i) => i.id),
    (ids) =>
      client.$queryRaw<{ issueId: number; type: string; toStatus: string | null; actorId: number | null }[]>`
        SELECT "issueId", "type", "toStatus", "actorId" FROM "IssueEvent"
        WHERE "issueId" IN (${Prisma.join(ids)}) AND "type" IN (${Prisma.join(EVENTS_READ)}) ORDER BY "id"`,
  );
  const accepter = new Map<number, number | null>();
  for (const e of events) {
    if (e.type === "accept") accepter.set(e.issueId, e.actorId);
    else if (e.type !== "edit" || e.toStatus === "assigned") accepter.set(e.issueId, null);
  }
  const personIds = new Set<number>();
  for (const issue of inHand) {
    const id = accepter.get(issue.id) ?? issue.assigneePersonId;
    if (id !== null && id !== undefined) personIds.add(id);
  }
  const people = new Map(
    (
      await inChunks([...personIds], (ids) =>
        client.person.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, openId: true } }),
      )
    ).map((p) => [p.id, { name: p.name, openId: p.openId }]),
  );
  const org = await orgOf(client);
  for (const issue of inHand) {
    owners.set(issue.id, ownerIn(org, issue, people.get(accepter.get(issue.id) ?? issue.assigneePersonId ?? -1)));
  }
  return owners;
}

/**
 * The {@link Owner} of an issue in someone's hands, given the person who answers for it by name (whoever accepted it,
 * else its assigned person), if any: that person, else its department's responders and heads.
 */
export function ownerIn(org: Org, issue: OwnedIssue, named: PersonRef | undefined): Owner {
  const unit = issue.assigneeUnitId === null ? undefined : org.units.get(issue.assigneeUnitId);
  const staff = unit
    ? [...holders(org, unit.id, "responder"), ...holders(org, unit.id, "grid_head")].filter(
        (p, i, all) => all.findIndex((q) => q.openId === p.openId) === i,
      )
    : [];
  return {
    unit: unit?.name ?? null,
    people: named ? [named] : staff.map((p) => ({ name: p.name, openId: p.openId })),
  };
}
