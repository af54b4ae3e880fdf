import type { Tx } from "../db/client.ts";
import { ancestorAt, holders, unitSubtree } from "../db/org-queries.ts";
import type { CategoryClass, CategoryKind, IssueStatus } from "../domain/types.ts";
import { type IssueView, issueCard } from "../lark/cards/issue-card.ts";
import { enqueue } from "../lark/outbox.ts";
import { eventText } from "../texts.ts";
import type { CommandContext } from "./context.ts";

/** Outbox key of an issue's card message (the first post); patches add `:v<n>`. The key parses back. */
export function cardKey(issueId: number): string {
  return `card:${issueId}`;
}

/** The issue whose card an outbox key posted, if it is a first card post. */
export function issueOfCardKey(key: string): number | null {
  const match = /^card:(\d+)$/.exec(key);
  return match ? Number(match[1]) : null;
}

/**
 * Brings the issue's card in the chat up to date, inside the caller's transaction: the first time it queues the
 * card as a thread reply to the report; after that a numbered patch of that card (sent once the card exists),
 * skipped when the content is what the last patch already says; older pending patches are superseded.
 */
export async function syncIssueCard(
  tx: Tx,
  issueId: number,
  ctx: Pick<CommandContext, "now" | "timeZone">,
): Promise<void> {
  const issue = await tx.issue.findUniqueOrThrow({ where: { id: issueId } });
  if (!issue.sourceChatId || !issue.sourceMessageId) return;
  const content = JSON.stringify(issueCard(await loadIssueView(tx, issueId), ctx.now, ctx.timeZone));
  const key = cardKey(issueId);
  const first = await tx.outboxMessage.findUnique({ where: { key }, select: { id: true } });
  if (!first) {
    await enqueue(tx, {
      key,
      kind: "reply",
      chatId: issue.sourceChatId,
      target: issue.sourceMessageId,
      msgType: "interactive",
      content,
      replyInThread: true,
    });
    return;
  }
  const latest = await tx.outboxMessage.findFirst({
    where: { key: { startsWith: `${key}:v` } },
    orderBy: { id: "desc" },
    select: { content: true, key: true },
  });
  if ((latest?.content ?? "") === content) return;
  const version = Number(latest?.key.slice(`${key}:v`.length) ?? 0) + 1;
  await enqueue(tx, {
    key: `${key}:v${version}`,
    kind: "patch",
    chatId: issue.sourceChatId,
    target: issue.cardMessageId ?? { outboxKey: key },
    msgType: "interactive",
    content,
  });
}

/** Loads what the issue card shows. */
export async function loadIssueView(tx: Tx, issueId: number): Promise<IssueView> {
  const issue = await tx.issue.findUniqueOrThrow({
    where: { id: issueId },
    include: {
      category: true,
      grid: true,
      point: true,
      reporter: true,
      assigneePerson: true,
      assigneeUnit: true,
      photos: { orderBy: { id: "asc" } },
      events: { orderBy: { id: "asc" }, include: { actor: true } },
    },
  });
  const chatUnitId = issue.sourceChatId
    ? ((await tx.chatBinding.findUnique({ where: { chatId: issue.sourceChatId } }))?.unitId ?? null)
    : null;
  const anchor = issue.gridId ?? chatUnitId;
  const community = anchor === null ? undefined : await ancestorAt(tx, anchor, "community");
  const scope = community?.id ?? chatUnitId;
  const units = scope === null ? [] : await unitSubtree(tx, scope);

  let assignee: IssueView["assignee"] = null;
  if (issue.assigneePerson) {
    assignee = { name: issue.assigneePerson.name, mentions: [issue.assigneePerson.openId] };
  } else if (issue.assigneeUnit) {
    const people = [
      ...(await holders(tx, issue.assigneeUnit.id, "responder")),
      ...(await holders(tx, issue.assigneeUnit.id, "grid_head")),
    ];
    assignee = { name: issue.assigneeUnit.name, mentions: [...new Set(people.map((p) => p.openId))] };
  }
  const dispatchers = community ? (await holders(tx, community.id, "secretary")).map((p) => p.openId) : [];
  const keys = await tx.larkImage.findMany({ where: { sha256: { in: issue.photos.map((p) => p.sha256) } } });
  const keyBySha = new Map(keys.map((k) => [k.sha256, k.imageKey]));
  const staff = await tx.duty.findMany({
    where: { unitId: { in: units.map((u) => u.id) }, role: { in: ["grid_head", "grid_worker", "responder"] } },
    include: { person: true },
    orderBy: { id: "asc" },
  });
  const departments = await tx.unit.findMany({ where: { level: "department" }, orderBy: { id: "asc" } });
  const suspected = issue.suspectedDuplicateOfId
    ? await tx.issue.findUnique({ where: { id: issue.suspectedDuplicateOfId } })
    : null;
  const duplicateOf = issue.duplicateOfId ? await tx.issue.findUnique({ where: { id: issue.duplicateOfId } }) : null;
  const reboundOf = issue.reboundOfId ? await tx.issue.findUnique({ where: { id: issue.reboundOfId } }) : null;

  return {
    id: issue.id,
    number: issue.number,
    status: issue.status as IssueStatus,
    urgent: issue.urgent,
    text: issue.text,
    category: issue.category
      ? {
          name: issue.category.name,
          kind: issue.category.kind as CategoryKind,
          class: issue.category.class as CategoryClass,
        }
      : null,
    community: community?.name ?? null,
    grid: issue.grid?.name ?? null,
    point: issue.point?.name ?? null,
    reporter: { name: issue.reporter.name, openId: issue.reporter.openId },
    reportedAt: issue.reportedAt,
    assignee,
    dispatchers,
    deadline: issue.deadline,
    rectifiedAt: issue.rectifiedAt,
    closedAt: issue.closedAt,
    rejectReason: issue.rejectReason,
    suspectedDuplicateOf: suspected?.number ?? null,
    duplicateOf: duplicateOf?.number ?? null,
    reboundOf: reboundOf?.number ?? null,
    photos: issue.photos.map((p) => ({
      stage: p.stage as "before" | "after",
      imageKey: keyBySha.get(p.sha256) ?? null,
    })),
    gridOptions: units
      .filter((u) => u.level === "grid" || u.level === "microgrid")
      .map((u) => ({ id: u.id, name: u.name })),
    categoryOptions: issue.category
      ? []
      : (await tx.category.findMany({ orderBy: { id: "asc" } })).map((c) => ({ id: c.id, name: c.name })),
    assignOptions: [
      ...uniqueBy(
        staff.map((d) => ({ openId: d.person.openId, name: d.person.name })),
        (p) => p.openId,
      ),
      ...departments.map((d) => ({ openId: `unit:${d.id}`, name: d.name })),
    ],
    history: issue.events.map((e) => ({
      at: e.at,
      actor: e.actor?.name ?? "系统",
      text: eventText(e.type, e.reason),
    })),
  };
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
