import { z } from "zod";
import type { Tx } from "../db/client.ts";
import {
  ancestorAt,
  categoryOf,
  filedUnder,
  holders,
  issueLimit,
  type Org,
  orgOf,
  unitSubtree,
} from "../db/org-queries.ts";
import { type Owner, ownersOf } from "../db/owners.ts";
import { changesOf } from "../domain/changes.ts";
import { PARK_KINDS, type ParkKind } from "../domain/extension.ts";
import { classify } from "../domain/match.ts";
import { type CategoryClass, type CategoryKind, type IssueStatus, OPEN_STATUSES, type Role } from "../domain/types.ts";
import { type Issue, type IssueEvent, type Person, type Photo, Prisma } from "../generated/prisma/client.ts";
import { enqueue, type OutboxRef } from "../lark/outbox.ts";
import { departmentCard, type IssueView, issueCard } from "../presenters/issue-card.ts";
import { SYSTEM_ACTOR } from "../texts/commands.ts";
import { HISTORY_DETAILS } from "../texts/extension.ts";
import { externalSourceLabel } from "../texts/labels.ts";
import { eventText, TEXTS } from "../texts/messages.ts";
import { holdersOf } from "./actors.ts";
import type { CommandContext } from "./context.ts";

/**
 * Outbox key of an issue's card message (the first post); patches add `:v<n>`, a fresh card posted when Lark no longer
 * lets the old one be updated adds `:renew:<n>`. The keys parse back.
 */
export function cardKey(issueId: number): string {
  return `card:${issueId}`;
}

/** The issue whose card an outbox key posted (the first card or a fresh one), if it is one. */
export function issueOfCardKey(key: string): number | null {
  const match = /^card:(\d+)(?::renew:\d+)?$/.exec(key);
  return match ? Number(match[1]) : null;
}

/** The issue whose card an outbox key patched, if it is a card patch. */
export function issueOfCardPatchKey(key: string): number | null {
  const match = /^card:(\d+):v\d+$/.exec(key);
  return match ? Number(match[1]) : null;
}

/**
 * The issue's card as patches must name it: the newest card post (first or fresh) — its message id once sent, its
 * outbox key before.
 */
async function currentCard(tx: Tx, issueId: number): Promise<string | { outboxKey: string }> {
  const key = cardKey(issueId);
  const latest = await tx.outboxMessage.findFirst({
    where: { OR: [{ key }, { key: { startsWith: `${key}:renew:` } }] },
    orderBy: { id: "desc" },
    select: { key: true, status: true, messageId: true },
  });
  if (latest?.status === "sent" && latest.messageId) return latest.messageId;
  return { outboxKey: latest?.key ?? key };
}

/**
 * Lark refused to update the issue's card (sent over 14 days ago, 230031): posts the card afresh in the report's
 * thread after a line saying why, in the caller's transaction. Later patches go to the fresh card (see
 * `currentCard`), and it becomes the issue's card once sent. `refusedKey` (the refused patch) keys both messages.
 */
export async function renewIssueCard(
  tx: Tx,
  issueId: number,
  refusedKey: string,
  ctx: Pick<CommandContext, "now" | "timeZone">,
): Promise<void> {
  const { issue, view } = await readIssue(tx, issueId);
  if (!issue.sourceChatId || !issue.sourceMessageId) return;
  const reply = {
    kind: "reply",
    chatId: issue.sourceChatId,
    target: issue.sourceMessageId,
    replyInThread: true,
  } as const;
  await enqueue(tx, {
    ...reply,
    key: `card-renewed:${refusedKey}`,
    msgType: "text",
    content: JSON.stringify({ text: TEXTS.cardRenewed(view.number) }),
  });
  await enqueue(tx, {
    ...reply,
    key: `${cardKey(issueId)}:renew:${refusedKey.slice(refusedKey.lastIndexOf(":v") + 2)}`,
    msgType: "interactive",
    content: JSON.stringify(issueCard(view, ctx.now, ctx.timeZone)),
  });
}

/** Outbox key of the copy of an issue's card in a department's group; patches add `:v<n>`. The key parses back. */
export function departmentCardKey(issueId: number, chatId: string): string {
  return `dept-card:${issueId}:${chatId}`;
}

/** The issue whose department copy an outbox key posted, if it is the first post of one. */
export function issueOfDepartmentCardKey(key: string): number | null {
  const match = /^dept-card:(\d+):[^:]+$/.exec(key);
  return match ? Number(match[1]) : null;
}

/**
 * Brings the issue's card in the chat up to date, inside the caller's transaction: the first time it queues the
 * card as a thread reply to the report; after that a numbered patch of that card (sent once the card exists),
 * skipped when the content is what the last patch already says; older pending patches are superseded. With
 * `redrawOnly` (a redraw for the passing of time, not for a change) an issue whose card was never posted gets none.
 *
 * An issue routed to a department is also posted, with the same card, in each group bound to that department
 * (中心吹哨、部门报到), and those copies are kept up to date the same way — also after the issue went elsewhere,
 * when they say so.
 */
export async function syncIssueCard(
  tx: Tx,
  issueId: number,
  ctx: Pick<CommandContext, "now" | "timeZone">,
  options: { redrawOnly?: boolean } = {},
): Promise<void> {
  const key = cardKey(issueId);
  const first = await tx.outboxMessage.findUnique({ where: { key }, select: { id: true } });
  if (!first && options.redrawOnly) return;
  const { issue, view } = await readIssue(tx, issueId);
  const posted = first ? { card: await currentCard(tx, issueId) } : {};
  await queueCards(tx, issue, view, ctx, posted, await postedDepartmentChats(tx, issueId));
}

/**
 * Queues the card of an issue filed in this transaction (see {@link syncIssueCard}), drawn from what the filing wrote:
 * nothing of it is read back, and it has no card anywhere yet.
 */
export async function postNewIssueCard(
  tx: Tx,
  record: IssueRecord,
  ctx: Pick<CommandContext, "now" | "timeZone">,
): Promise<void> {
  await queueCards(tx, record.issue, issueView(await orgOf(tx), record), ctx, {}, new Set());
}

/**
 * Queues the issue's card: the first post, or a patch of the card posted before (`posted.card`, as patches name it);
 * then the department copies (see `syncDepartmentCards`).
 */
async function queueCards(
  tx: Tx,
  issue: Pick<Issue, "id" | "sourceChatId" | "sourceMessageId" | "assigneeUnitId">,
  view: IssueView,
  ctx: Pick<CommandContext, "now" | "timeZone">,
  posted: { card?: string | OutboxRef },
  postedChats: ReadonlySet<string>,
): Promise<void> {
  if (!issue.sourceChatId) return;
  const key = cardKey(issue.id);
  const content = JSON.stringify(issueCard(view, ctx.now, ctx.timeZone));
  if (!posted.card) {
    // A report gets its card in its thread; an issue another system filed gets its card in the chat, and the card's
    // thread becomes the issue's (the sender records the card as its source message).
    await enqueue(
      tx,
      issue.sourceMessageId
        ? {
            key,
            kind: "reply",
            chatId: issue.sourceChatId,
            target: issue.sourceMessageId,
            msgType: "interactive",
            content,
            replyInThread: true,
          }
        : {
            key,
            kind: "send",
            chatId: issue.sourceChatId,
            target: issue.sourceChatId,
            msgType: "interactive",
            content,
          },
    );
  } else {
    await patchCard(tx, key, issue.sourceChatId, posted.card, content);
  }
  await syncDepartmentCards(tx, issue, view, ctx, postedChats);
}

/** Queues a numbered patch of the card posted under `key`, unless its latest patch already says `content`. */
async function patchCard(tx: Tx, key: string, chatId: string, target: string | OutboxRef, content: string) {
  const latest = await tx.outboxMessage.findFirst({
    where: { key: { startsWith: `${key}:v` } },
    orderBy: { id: "desc" },
    select: { content: true, key: true },
  });
  if ((latest?.content ?? "") === content) return;
  const version = Number(latest?.key.slice(`${key}:v`.length) ?? 0) + 1;
  await enqueue(tx, { key: `${key}:v${version}`, kind: "patch", chatId, target, msgType: "interactive", content });
}

/** The department groups where the issue's card was posted. */
async function postedDepartmentChats(tx: Tx, issueId: number): Promise<Set<string>> {
  const posted = await tx.outboxMessage.findMany({
    where: { key: { startsWith: `dept-card:${issueId}:` } },
    select: { key: true, chatId: true },
  });
  return new Set(
    posted.flatMap((p) => (issueOfDepartmentCardKey(p.key) !== null && p.chatId !== null ? [p.chatId] : [])),
  );
}

/**
 * Posts the card in the groups of the department the issue is routed to, and updates every copy posted before (in
 * `postedChats`).
 */
async function syncDepartmentCards(
  tx: Tx,
  issue: { id: number; assigneeUnitId: number | null },
  view: IssueView,
  ctx: Pick<CommandContext, "now" | "timeZone">,
  postedChats: ReadonlySet<string>,
): Promise<void> {
  const org = await orgOf(tx);
  const current = new Set(
    [...org.bindings.values()]
      .filter((b) => b.purpose === "department" && b.unitId === issue.assigneeUnitId)
      .map((b) => b.chatId),
  );
  for (const chatId of new Set([...current, ...postedChats])) {
    const unitId = org.bindings.get(chatId)?.unitId;
    const department = {
      name: (unitId === undefined ? undefined : org.units.get(unitId))?.name ?? "",
      current: current.has(chatId),
    };
    const key = departmentCardKey(issue.id, chatId);
    const content = JSON.stringify(departmentCard(view, ctx.now, ctx.timeZone, department));
    if (postedChats.has(chatId)) await patchCard(tx, key, chatId, { outboxKey: key }, content);
    else await enqueue(tx, { key, kind: "send", chatId, target: chatId, msgType: "interactive", content });
  }
}

/** Whom 转派 offers: the people working in the issue's community, then the departments. */
const STAFF_ROLES: ReadonlySet<Role> = new Set(["grid_head", "grid_worker", "responder"]);

/** Loads what the issue card shows. */
export async function loadIssueView(tx: Tx, issueId: number): Promise<IssueView> {
  return (await readIssue(tx, issueId)).view;
}

/**
 * What an issue's card is drawn from besides the org: the issue with its reporter, photos and history, who answers for
 * it, its photos' image keys and the numbers of the issues it is linked to.
 */
export interface IssueRecord {
  issue: Issue & {
    reporter: Pick<Person, "name" | "openId"> | null;
    photos: Pick<Photo, "id" | "stage" | "sha256">[];
    events: (Pick<IssueEvent, "id" | "type" | "reason" | "data" | "at"> & { actor: Pick<Person, "name"> | null })[];
  };
  owner: Owner | null;
  /** Lark image keys by photo content. */
  imageKeys: ReadonlyMap<string, string>;
  linked: { suspectedDuplicateOf: number | null; duplicateOf: number | null; reboundOf: number | null };
}

async function readIssue(tx: Tx, issueId: number) {
  const issue = await tx.issue.findUniqueOrThrow({
    where: { id: issueId },
    include: {
      reporter: true,
      photos: { orderBy: { id: "asc" } },
      events: { orderBy: { id: "asc" }, include: { actor: true } },
    },
  });
  const org = await orgOf(tx);
  const owner = (await ownersOf(tx, [issue])).get(issue.id) ?? null;
  const numberOf = async (id: number | null) =>
    id === null ? null : ((await tx.issue.findUnique({ where: { id }, select: { number: true } }))?.number ?? null);
  const record: IssueRecord = {
    issue,
    owner,
    imageKeys: await imageKeysOf(tx, issue.photos),
    linked: {
      suspectedDuplicateOf: await numberOf(issue.suspectedDuplicateOfId),
      duplicateOf: await numberOf(issue.duplicateOfId),
      reboundOf: await numberOf(issue.reboundOfId),
    },
  };
  return { issue, view: issueView(org, record) };
}

/**
 * The Lark image keys of the photos' contents that were uploaded: those the photos carry (uploaded just now) and
 * the others' as LarkImage keeps them.
 */
export async function imageKeysOf(
  tx: Tx,
  photos: readonly { sha256: string; imageKey?: string }[],
): Promise<Map<string, string>> {
  const known = new Map(photos.flatMap((p) => (p.imageKey === undefined ? [] : [[p.sha256, p.imageKey] as const])));
  const missing = photos.filter((p) => !known.has(p.sha256));
  if (missing.length === 0) return known;
  const keys = await tx.$queryRaw<{ sha256: string; imageKey: string }[]>`
    SELECT "sha256", "imageKey" FROM "LarkImage" WHERE "sha256" IN (${Prisma.join(missing.map((p) => p.sha256))})`;
  for (const k of keys) known.set(k.sha256, k.imageKey);
  return known;
}

/** The issue card's view of an issue. Pure. */
function issueView(org: Org, { issue, owner, imageKeys, linked }: IssueRecord): IssueView {
  const { category, grid, point } = filedUnder(org, issue);
  const chatUnitId = issue.sourceChatId ? (org.bindings.get(issue.sourceChatId)?.unitId ?? null) : null;
  const anchor = issue.gridId ?? chatUnitId;
  const community = anchor === null ? undefined : ancestorAt(org, anchor, "community");
  const scope = community?.id ?? chatUnitId;
  const units = scope === null ? [] : unitSubtree(org, scope);

  const assignee: IssueView["assignee"] = owner
    ? { name: owner.unit ?? owner.people[0]?.name ?? "", mentions: owner.people.map((p) => p.openId) }
    : null;
  const dispatchers = community ? holders(org, community.id, "secretary").map((p) => p.openId) : [];
  const scopeIds = new Set(units.map((u) => u.id));
  const staff = org.duties.filter((d) => scopeIds.has(d.unitId) && STAFF_ROLES.has(d.role));
  const departments = [...org.units.values()].filter((u) => u.level === "department");

  const attempts = rectificationAttempts(issue.events);

  return {
    id: issue.id,
    number: issue.number,
    status: issue.status as IssueStatus,
    urgent: issue.urgent,
    text: issue.text,
    category: category
      ? {
          name: category.name,
          kind: category.kind as CategoryKind,
          class: category.class as CategoryClass,
          objectType: category.objectType,
        }
      : null,
    limit: issueLimit(org, issue.categoryId, issue.gridId),
    community: community?.name ?? null,
    grid: grid?.name ?? null,
    point: point?.name ?? null,
    reporter: issue.reporter
      ? { name: issue.reporter.name, openId: issue.reporter.openId }
      : { name: issue.externalSource ?? "", openId: null },
    source: issue.externalSource ? externalSourceLabel(issue.externalSource, issue.externalId) : null,
    reportedAt: issue.reportedAt,
    assignee,
    dispatchers,
    deadline: issue.deadline,
    rectifiedAt: issue.rectifiedAt,
    closedAt: issue.closedAt,
    rejectReason: issue.rejectReason,
    suspectedDuplicateOf: linked.suspectedDuplicateOf,
    duplicateOf: linked.duplicateOf,
    reboundOf: linked.reboundOf,
    photos: issue.photos.map((p) => ({
      stage: p.stage as "before" | "after",
      imageKey: imageKeys.get(p.sha256) ?? null,
      refused: attempts.refused.has(p.id),
      attempt: attempts.photoAttempt.get(p.id) ?? null,
    })),
    extensionCount: issue.extensionCount,
    extensionRequest:
      issue.extensionRequestedUntil === null
        ? null
        : {
            until: issue.extensionRequestedUntil,
            reason: issue.extensionReason ?? "",
            approvers: holdersOf(org, issue, "approve_extension").map((p) => p.openId),
          },
    park:
      issue.parkKind === null || issue.parkedAt === null || issue.parkedUntil === null
        ? null
        : { kind: issue.parkKind as ParkKind, until: issue.parkedUntil, plan: issue.parkPlan ?? "" },
    parkedAt: issue.parkedAt,
    gridOptions: units
      .filter((u) => u.level === "grid" || u.level === "microgrid")
      .map((u) => ({ id: u.id, name: u.name })),
    categoryOptions: org.categories.map((c) => ({ id: c.id, name: c.name })),
    categorySuggestions: categorySuggestions(org, issue),
    assignOptions: [
      ...uniqueBy(
        staff.map((d) => ({ openId: d.openId, name: d.name })),
        (p) => p.openId,
      ),
      ...departments.map((d) => ({ openId: `unit:${d.id}`, name: d.name })),
    ],
    history: issue.events.map((e) => ({
      at: e.at,
      actor: e.actor?.name ?? SYSTEM_ACTOR,
      text: historyText(e, attempts),
      changes: changesOf(e.data),
    })),
  };
}

/** What an event's data may record besides its changes (commands/act-on-issue.ts writes it). */
const eventDetails = z
  .object({
    photoIds: z.array(z.number()).catch([]),
    /** The day an extension asked for or a parking waited for, as typed (YYYY-MM-DD). */
    day: z.iso.date().optional().catch(undefined),
    kind: z.enum(PARK_KINDS).optional().catch(undefined),
  })
  .catch({ photoIds: [] });

/** Every rectification (整改) and every 驳回 after one (返工), numbered, with the photos each attempt brought. */
interface Attempts {
  /** The attempt of each 整改 and the 返工 of each 驳回, by event id. */
  ordinal: Map<number, number>;
  /** The attempt that brought each after-photo, by photo id (the latest, when a photo came twice). */
  photoAttempt: Map<number, number>;
  /** The after-photos of attempts a 驳回 then turned down, unless a later 整改 brought them again. */
  refused: Set<number>;
}

/**
 * The rectification attempts of an issue's history (behaviour §2.19): each 整改 is an attempt, each 驳回 of one is a
 * 返工, numbered in order; the after-photos each attempt brought, and which were turned down.
 */
function rectificationAttempts(events: readonly { id: number; type: string; data: unknown }[]): Attempts {
  const attempts: Attempts = { ordinal: new Map(), photoAttempt: new Map(), refused: new Set() };
  let rectified = 0;
  let refusedCount = 0;
  let pending: number[] = [];
  for (const event of events) {
    if (event.type === "rectify") {
      rectified += 1;
      attempts.ordinal.set(event.id, rectified);
      for (const id of eventDetails.parse(event.data).photoIds) {
        pending.push(id);
        attempts.photoAttempt.set(id, rectified);
        attempts.refused.delete(id);
      }
    } else if (event.type === "refuse") {
      refusedCount += 1;
      attempts.ordinal.set(event.id, refusedCount);
      for (const id of pending) attempts.refused.add(id);
      pending = [];
    }
  }
  return attempts;
}

/**
 * One history line: what happened, with which attempt a 整改 was and how many photos it brought, which 返工 a 驳回 was,
 * the day an extension asked for, and what a 挂账 or 缓办 waited for.
 */
function historyText(
  event: { id: number; type: string; reason: string | null; data: unknown },
  attempts: Attempts,
): string {
  const details = eventDetails.parse(event.data);
  const ordinal = attempts.ordinal.get(event.id) ?? 0;
  const day = details.day ? HISTORY_DETAILS.until(details.day) : "";
  switch (event.type) {
    case "rectify":
      return eventText(event.type, event.reason, HISTORY_DETAILS.attempt(ordinal, details.photoIds.length));
    case "refuse":
      return eventText(event.type, event.reason, HISTORY_DETAILS.rework(ordinal));
    case "request_extension":
      return eventText(event.type, event.reason, day);
    case "park":
      return eventText(details.kind ? `park:${details.kind}` : event.type, event.reason, day);
    case "unpark":
      return eventText(details.kind ? `unpark:${details.kind}` : event.type, event.reason);
    default:
      return eventText(event.type, event.reason);
  }
}

/** While an open issue's category is unknown, the categories its text may mean, best first. */
function categorySuggestions(org: Org, issue: { categoryId: number | null; status: string; text: string }) {
  if (issue.categoryId !== null || !OPEN_STATUSES.includes(issue.status as IssueStatus)) return [];
  return classify(issue.text, org.categories).candidates.flatMap((c) => {
    const category = categoryOf(org, c.id);
    return category ? [{ id: category.id, name: category.name }] : [];
  });
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
