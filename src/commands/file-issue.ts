import type { Tx } from "../db/client.ts";
import { unitSubtree } from "../db/org-queries.ts";
import { classify, findPlace, hasUrgentWord } from "../domain/match.ts";
import { deadlineFor, findReboundOrigin, findSuspectedDuplicate, resolveAssignee } from "./assignment.ts";
import type { CommandContext, PhotoFile } from "./context.ts";
import { ensurePerson } from "./ensure-person.ts";
import { syncIssueCard } from "./sync-issue-card.ts";

export interface FileIssueInput {
  chatId: string;
  /** The unit the chat is bound to: places are looked for in its subtree. */
  chatUnitId: number;
  reporter: { openId: string; name: string };
  text: string;
  photos: PhotoFile[];
  /** The report's first message: the card is posted as a reply in its thread. */
  sourceMessageId: string;
  reportedAt: Date;
  /**
   * Set when a look-back (回头看) found the problem back: the new issue is linked to that closed issue as its rebound
   * and takes its grid, point and category instead of placing the text.
   */
  reboundOfId?: number;
}

/** Where a report was placed and what it was classed as. */
export interface Placement {
  gridId: number | null;
  pointId: number | null;
  categoryId: number | null;
  /** Whether the grid came from a place named in the text (rather than the reporter's own grid). */
  placeFromText: boolean;
}

/**
 * Resolves grid and point (a named point or grid in the text, longest match first, else the reporter's only grid in
 * the chat's unit) and the category (keywords). Unknowns stay null and the card asks.
 */
export async function placeReport(tx: Tx, chatUnitId: number, reporterId: number, text: string): Promise<Placement> {
  const units = await unitSubtree(tx, chatUnitId);
  const grids = units.filter((u) => u.level === "grid" || u.level === "microgrid");
  const gridIds = grids.map((g) => g.id);
  const points = await tx.point.findMany({ where: { gridId: { in: gridIds } } });
  const places = [
    ...points.map((p) => ({ id: -p.id, names: [p.name, ...asStrings(p.aliases)] })),
    ...grids.map((g) => ({ id: g.id, names: [g.name, ...g.aliases] })),
  ];
  const match = text ? findPlace(text, places) : null;
  let gridId: number | null = null;
  let pointId: number | null = null;
  if (match && match.id < 0) {
    pointId = -match.id;
    gridId = points.find((p) => p.id === pointId)?.gridId ?? null;
  } else if (match) {
    gridId = match.id;
  } else {
    const own = await tx.duty.findMany({
      where: { personId: reporterId, unitId: { in: gridIds } },
      select: { unitId: true },
      distinct: ["unitId"],
    });
    if (own.length === 1) gridId = own[0]?.unitId ?? null;
  }
  const categories = await tx.category.findMany({ select: { id: true, name: true, keywords: true } });
  const category = text
    ? classify(
        text,
        categories.map((c) => ({ id: c.id, name: c.name, keywords: asStrings(c.keywords) })),
      )
    : null;
  return { gridId, pointId, categoryId: category?.id ?? null, placeFromText: match !== null };
}

/** The placement of an existing issue, for a new issue about the same problem at the same place. */
async function placementOf(tx: Tx, issueId: number): Promise<Placement> {
  const issue = await tx.issue.findUniqueOrThrow({
    where: { id: issueId },
    select: { gridId: true, pointId: true, categoryId: true },
  });
  return { ...issue, placeFromText: false };
}

/**
 * Files a report as an issue in one transaction: number, placement, category, deadline, assignee, duplicate and
 * rebound links, photos, the `filed` history event, and the issue card queued as a thread reply. Filing the same
 * source message twice returns the existing issue.
 */
export async function fileIssue(
  tx: Tx,
  input: FileIssueInput,
  ctx: CommandContext,
): Promise<{ id: number; created: boolean }> {
  const existing = await tx.issue.findUnique({
    where: { sourceMessageId: input.sourceMessageId },
    select: { id: true },
  });
  if (existing) return { id: existing.id, created: false };

  const reporter = await ensurePerson(tx, input.reporter);
  const placement =
    input.reboundOfId === undefined
      ? await placeReport(tx, input.chatUnitId, reporter.id, input.text)
      : await placementOf(tx, input.reboundOfId);
  const urgent = hasUrgentWord(input.text);
  const number = await nextIssueNumber(tx);
  const assignee =
    placement.gridId !== null && placement.categoryId !== null
      ? await resolveAssignee(tx, placement.gridId, placement.categoryId)
      : null;
  const deadline = await deadlineFor(tx, placement.categoryId, input.reportedAt, urgent, ctx.timeZone);
  const status = assignee ? "assigned" : "reported";

  const issue = await tx.issue.create({
    data: {
      number,
      categoryId: placement.categoryId,
      gridId: placement.gridId,
      pointId: placement.pointId,
      text: input.text,
      urgent,
      reporterId: reporter.id,
      assigneePersonId: assignee?.personId ?? null,
      assigneeUnitId: assignee?.unitId ?? null,
      deadline,
      status,
      reportedAt: input.reportedAt,
      assignedAt: assignee ? ctx.now : null,
      sourceChatId: input.chatId,
      sourceMessageId: input.sourceMessageId,
    },
  });
  const links = {
    suspectedDuplicateOfId: await findSuspectedDuplicate(tx, issue),
    reboundOfId: input.reboundOfId ?? (await findReboundOrigin(tx, issue)),
  };
  if (links.suspectedDuplicateOfId !== null || links.reboundOfId !== null) {
    await tx.issue.update({ where: { id: issue.id }, data: links });
  }
  await attachPhotos(tx, issue.id, "before", input.photos);
  await tx.issueEvent.create({
    data: {
      issueId: issue.id,
      type: "filed",
      actorId: reporter.id,
      at: ctx.now,
      toStatus: status,
      data: {
        gridId: placement.gridId,
        pointId: placement.pointId,
        categoryId: placement.categoryId,
        ...links,
        urgent,
        photos: input.photos.length,
      },
    },
  });
  await syncIssueCard(tx, issue.id, ctx);
  return { id: issue.id, created: true };
}

/** Adds photos to an issue, skipping ones it already has (the same content twice). */
export async function attachPhotos(
  tx: Tx,
  issueId: number,
  stage: "before" | "after",
  photos: PhotoFile[],
): Promise<number[]> {
  const ids: number[] = [];
  for (const photo of photos) {
    const row = await tx.photo.upsert({
      where: { issueId_sha256: { issueId, sha256: photo.sha256 } },
      create: {
        issueId,
        stage,
        sha256: photo.sha256,
        path: photo.path,
        size: photo.size,
        mime: photo.mime,
        sourceMessageId: photo.sourceMessageId ?? null,
      },
      update: {},
      select: { id: true },
    });
    ids.push(row.id);
  }
  return ids;
}

/** The first issue is #1001, so numbers read like the campaign's paper ledgers. */
const FIRST_NUMBER = 1001;

async function nextIssueNumber(tx: Tx): Promise<number> {
  const row = await tx.sequence.upsert({
    where: { name: "issue" },
    create: { name: "issue", value: FIRST_NUMBER },
    update: { value: { increment: 1 } },
  });
  return row.value;
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
