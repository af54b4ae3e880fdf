import type { Tx } from "../db/client.ts";
import { insertRows } from "../db/insert-rows.ts";
import { ancestorAt, dutiesOf, type Org, orgOf, unitSubtree } from "../db/org-queries.ts";
import { ownerIn } from "../db/owners.ts";
import { type CategoryScore, classify, findPlace } from "../domain/match.ts";
import type { Issue } from "../generated/prisma/client.ts";
import { hasUrgentWord } from "../texts/words.ts";
import { deadlineFor, findLinks, resolveAssignee } from "./assignment.ts";
import type { CommandContext, PhotoFile } from "./context.ts";
import { ensurePerson } from "./ensure-person.ts";
import { imageKeysOf, postNewIssueCard } from "./sync-issue-card.ts";

export interface FileIssueInput {
  chatId: string;
  /** The unit the chat is bound to: places are looked for in its subtree. */
  chatUnitId: number;
  /** The Lark user who reported it; null when another system files it (see `external`). */
  reporter: { openId: string; name: string } | null;
  text: string;
  photos: PhotoFile[];
  /**
   * The report's first message: the card is posted as a reply in its thread. Absent when another system files the
   * issue: then the card is posted in the chat, and its thread is the issue's.
   */
  sourceMessageId?: string;
  reportedAt: Date;
  /**
   * Filed by another system through the API: its key, its name and its own ticket number (a ticket is filed once per
   * key), where it is, and the place and category the caller resolved (from a service code, a place named in the
   * address or the text, coordinates inside a grid's boundary) instead of the chat's matching.
   */
  external?: {
    apiKeyId: number;
    system: string;
    ticket: string | null;
    placement: Placement;
    lat: number | null;
    long: number | null;
  };
  /**
   * Set when a look-back (回头看) found the problem back: the new issue is linked to that closed issue as its rebound
   * and takes its grid, point and category instead of placing the text.
   */
  reboundOfId?: number;
  /** Set when a patrol check-in found the problem (behaviour §14.3): the issue is linked to that visit. */
  patrolVisitId?: number;
}

/** Where a report was placed and what it was classed as. */
export interface Placement {
  gridId: number | null;
  pointId: number | null;
  categoryId: number | null;
  /** Whether the grid came from a place named in the text (rather than the reporter's own grid). */
  placeFromText: boolean;
}

/** The grids in the unit's subtree; every grid of the org for null. */
function gridsUnder(org: Org, unitId: number | null) {
  const units = unitId === null ? [...org.units.values()] : unitSubtree(org, unitId);
  return units.filter((u) => u.level === "grid" || u.level === "microgrid");
}

/** The grid or point, and the category, that a text names; null where it names none. */
export interface TextMatch {
  place: { gridId: number; pointId: number | null } | null;
  /** The place's name or alias as the text matched it. */
  placeName: string | null;
  /** The category the text decides on; null when it names none or is unsure (then `candidates` are offered). */
  categoryId: number | null;
  /** The categories the text may mean, best first, with the keywords found. */
  candidates: CategoryScore[];
}

/**
 * What a report's text names among the grids and points of the chat's unit (of the whole org for null) (names and aliases, longest match first,
 * one-character typos and traditional characters tolerated) and the categories (keywords found in the segmented
 * text, homophone typos tolerated; see {@link classify}). Pure.
 */
export function matchReportText(org: Org, chatUnitId: number | null, text: string): TextMatch {
  const grids = gridsUnder(org, chatUnitId);
  const gridIds = new Set(grids.map((g) => g.id));
  const points = [...org.points.values()].filter((p) => gridIds.has(p.gridId));
  const places = [
    ...points.map((p) => ({ id: -p.id, names: [p.name, ...p.aliases] })),
    ...grids.map((g) => ({ id: g.id, names: [g.name, ...g.aliases] })),
  ];
  const match = text ? findPlace(text, places) : null;
  const point = match && match.id < 0 ? org.points.get(-match.id) : undefined;
  const place = point
    ? { gridId: point.gridId, pointId: point.id }
    : match
      ? { gridId: match.id, pointId: null }
      : null;
  const { category, candidates } = classify(text, org.categories);
  return { place, placeName: match?.name ?? null, categoryId: category?.id ?? null, candidates };
}

/**
 * Resolves grid and point (a named point or grid in the text, else the reporter's only grid in the chat's unit) and
 * the category (keywords), by {@link matchReportText}. Unknowns stay null and the card asks.
 */
export async function placeReport(
  tx: Tx,
  chatUnitId: number,
  reporterId: number | null,
  text: string,
): Promise<Placement> {
  const org = await orgOf(tx);
  const { place, categoryId } = matchReportText(org, chatUnitId, text);
  if (place) return { ...place, categoryId, placeFromText: true };
  const grids = new Set(gridsUnder(org, chatUnitId).map((g) => g.id));
  const duties = reporterId === null ? [] : dutiesOf(org, reporterId);
  const ownGrids = [...new Set(duties.map((d) => d.unitId))].filter((id) => grids.has(id));
  return {
    gridId: ownGrids.length === 1 ? (ownGrids[0] ?? null) : null,
    pointId: null,
    categoryId,
    placeFromText: false,
  };
}

/** The placement of an existing issue, for a new issue about the same problem at the same place; and its number. */
async function placementOf(tx: Tx, issueId: number): Promise<Placement & { number: number }> {
  const issue = await tx.issue.findUniqueOrThrow({
    where: { id: issueId },
    select: { gridId: true, pointId: true, categoryId: true, number: true },
  });
  return { ...issue, placeFromText: false };
}

/** The columns that say which grid an issue is filed against. */
interface GridColumns {
  gridId: number | null;
  communityId: number | null;
  streetId: number | null;
}

/**
 * The columns that place an issue in a grid (behaviour §8.5): the grid, and the community and street it lies in now,
 * kept with the issue so that its figures stay with the units it was filed against when the grid later moves. Only a
 * new grid sets them: none when `gridId` is the issue's `current` grid (omitted for an issue being filed).
 */
export async function gridColumns(
  tx: Tx,
  gridId: number | null,
  current?: number | null,
): Promise<Partial<GridColumns>> {
  if (gridId === current) return {};
  if (gridId === null) return { gridId, communityId: null, streetId: null };
  const org = await orgOf(tx);
  const above = (level: "community" | "street") => ancestorAt(org, gridId, level)?.id ?? null;
  return { gridId, communityId: above("community"), streetId: above("street") };
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
  const existing = await alreadyFiled(tx, input);
  if (existing) return { id: existing.id, created: false };

  const reporter = input.reporter ? await ensurePerson(tx, input.reporter) : null;
  const origin = input.reboundOfId === undefined ? undefined : await placementOf(tx, input.reboundOfId);
  const placement =
    input.external?.placement ?? origin ?? (await placeReport(tx, input.chatUnitId, reporter?.id ?? null, input.text));
  const urgent = hasUrgentWord(input.text);
  const number = await nextIssueNumber(tx);
  const assignee =
    placement.gridId !== null && placement.categoryId !== null
      ? await resolveAssignee(tx, placement.gridId, placement.categoryId)
      : null;
  const deadline = await deadlineFor(tx, { ...placement, reportedAt: input.reportedAt, urgent }, ctx);
  const status = assignee ? "assigned" : "reported";
  const candidate = { ...placement, reportedAt: input.reportedAt };
  const found = await findLinks(tx, candidate, origin === undefined);
  const suspected = found.suspected;
  const rebound =
    input.reboundOfId !== undefined && origin ? { id: input.reboundOfId, number: origin.number } : found.rebound;
  const links = { suspectedDuplicateOfId: suspected?.id ?? null, reboundOfId: rebound?.id ?? null };

  // Written whole and never read back: the card is drawn from what was written.
  const now = new Date();
  const written = {
    number,
    categoryId: placement.categoryId,
    gridId: null,
    communityId: null,
    streetId: null,
    ...(await gridColumns(tx, placement.gridId)),
    pointId: placement.pointId,
    text: input.text,
    urgent,
    reporterId: reporter?.id ?? null,
    assigneePersonId: assignee?.personId ?? null,
    assigneeUnitId: assignee?.unitId ?? null,
    deadline,
    status,
    reportedAt: input.reportedAt,
    assignedAt: assignee ? ctx.now : null,
    sourceChatId: input.chatId,
    sourceMessageId: input.sourceMessageId ?? null,
    patrolVisitId: input.patrolVisitId ?? null,
    apiKeyId: input.external?.apiKeyId ?? null,
    externalSource: input.external?.system ?? null,
    externalId: input.external?.ticket ?? null,
    lat: input.external?.lat ?? null,
    long: input.external?.long ?? null,
    ...links,
    createdAt: now,
    updatedAt: now,
  };
  const [inserted] = await insertRows(tx, "Issue", [written], ["id"]);
  const issue: Issue = { ...UNWRITTEN, ...written, id: Number(inserted?.id) };
  const photoIds = await attachPhotos(tx, issue.id, "before", input.photos, { newIssue: true });
  const data = {
    gridId: placement.gridId,
    pointId: placement.pointId,
    categoryId: placement.categoryId,
    ...links,
    urgent,
    photos: input.photos.length,
    ...(input.patrolVisitId !== undefined && { patrolVisitId: input.patrolVisitId }),
    ...(input.external && { source: input.external.system, ticket: input.external.ticket }),
  };
  const event = { type: "filed", actorId: reporter?.id ?? null, at: ctx.now, toStatus: status };
  const [filed] = await insertRows(
    tx,
    "IssueEvent",
    [{ issueId: issue.id, ...event, data: JSON.stringify(data) }],
    ["id"],
  );
  const photos = uniqueShas(input.photos).map((sha256, i) => ({ id: photoIds[i] ?? 0, stage: "before", sha256 }));
  const org = await orgOf(tx);
  const named = assignee?.personId ? org.dutiesByPerson.get(assignee.personId)?.[0] : undefined;
  await postNewIssueCard(
    tx,
    {
      issue: {
        ...issue,
        reporter,
        photos,
        events: [{ id: Number(filed?.id), ...event, reason: null, data, actor: reporter }],
      },
      // Nobody has accepted a new issue: it is in the hands it was given.
      owner: assignee ? ownerIn(org, issue, named && { name: named.name, openId: named.openId }) : null,
      imageKeys: await imageKeysOf(tx, input.photos),
      linked: {
        suspectedDuplicateOf: suspected?.number ?? null,
        duplicateOf: null,
        reboundOf: rebound?.number ?? null,
      },
    },
    ctx,
  );
  return { id: issue.id, created: true };
}

/** The issue this input was filed as already: the same report message, or the same ticket of the same system. */
function alreadyFiled(tx: Tx, input: FileIssueInput): Promise<{ id: number } | null> {
  const { external, sourceMessageId } = input;
  if (external?.ticket) {
    return tx.issue.findUnique({
      where: { apiKeyId_externalId: { apiKeyId: external.apiKeyId, externalId: external.ticket } },
      select: { id: true },
    });
  }
  if (sourceMessageId === undefined) return Promise.resolve(null);
  return tx.$queryRaw<{ id: number }[]>`SELECT "id" FROM "Issue" WHERE "sourceMessageId" = ${sourceMessageId}`.then(
    ([row]) => (row ? { id: Number(row.id) } : null),
  );
}

/**
 * Adds photos to an issue, skipping ones it already has (the same content twice). Returns their ids, in order. An
 * issue created in this transaction (`newIssue`) has none yet: nothing to look up.
 */
export async function attachPhotos(
  tx: Tx,
  issueId: number,
  stage: "before" | "after",
  photos: PhotoFile[],
  options: { newIssue?: boolean } = {},
): Promise<number[]> {
  if (photos.length === 0) return [];
  const shas = uniqueShas(photos);
  const existing = options.newIssue
    ? []
    : await tx.photo.findMany({ where: { issueId, sha256: { in: shas } }, select: { id: true, sha256: true } });
  const ids = new Map(existing.map((p) => [p.sha256, p.id]));
  const fresh = shas.flatMap((sha) => (ids.has(sha) ? [] : photos.filter((p) => p.sha256 === sha).slice(0, 1)));
  if (fresh.length > 0) {
    const createdAt = new Date();
    const created = await insertRows(
      tx,
      "Photo",
      fresh.map((photo) => ({
        issueId,
        stage,
        sha256: photo.sha256,
        path: photo.path,
        size: photo.size,
        mime: photo.mime,
        sourceMessageId: photo.sourceMessageId ?? null,
        createdAt,
      })),
      ["id", "sha256"],
    );
    for (const row of created) ids.set(String(row.sha256), Number(row.id));
  }
  return shas.map((sha) => ids.get(sha) ?? 0);
}

/** The photos' contents, each once, in the order they first appear. */
function uniqueShas(photos: readonly PhotoFile[]): string[] {
  return [...new Set(photos.map((p) => p.sha256))];
}

/** A new issue's columns that filing leaves to their defaults. */
const UNWRITTEN = {
  acceptedAt: null,
  rectifiedAt: null,
  rectifiedById: null,
  closedAt: null,
  rejectedAt: null,
  rejectReason: null,
  cardMessageId: null,
  duplicateOfId: null,
  extensionCount: 0,
  extensionRequestedUntil: null,
  extensionReason: null,
  parkKind: null,
  parkedAt: null,
  parkedUntil: null,
  parkPlan: null,
  nextReminderAt: null,
  nextLookbackAt: null,
} as const;

/** The first issue is #1001, so numbers read like the campaign's paper ledgers. */
const FIRST_NUMBER = 1001;

async function nextIssueNumber(tx: Tx): Promise<number> {
  const [row] = await tx.$queryRaw<{ value: number }[]>`
    INSERT INTO "Sequence" ("name", "value") VALUES ('issue', ${FIRST_NUMBER})
    ON CONFLICT ("name") DO UPDATE SET "value" = "Sequence"."value" + 1 RETURNING "value"`;
  return Number(row?.value);
}
