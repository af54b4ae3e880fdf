import { photoLinkPath } from "../access/photo-link.ts";
import { loadIssueView } from "../commands/sync-issue-card.ts";
import type { Db } from "../db/client.ts";
import { inChunks } from "../db/in-chunks.ts";
import { ancestorAt, type Org, orgOf, unitSubtree } from "../db/org-queries.ts";
import { transaction } from "../db/transaction.ts";
import { boardState } from "../domain/board-state.ts";
import { localDateString } from "../domain/deadline.ts";
import { storedAreaGeometry } from "../domain/geo.ts";
import { DEFAULT_MIN_RANKED_ISSUES, isOverdueAt } from "../domain/metrics.ts";
import { type IssueStatus, OPEN_STATUSES } from "../domain/types.ts";
import { buildDigest, digestFigures, rankingTitle, unrankedLine } from "../reports/digest.ts";
import { headCounts } from "../reports/stats.ts";
import { FLAG_EMOJI } from "../reports/stats-ranking.ts";
import { loadScope, PLACED_SELECT } from "../reports/stats-scope.ts";
import { scoreTerms } from "../texts/digest.ts";
import { CATEGORY_PENDING, externalSourceLabel, STATUS_LABELS } from "../texts/labels.ts";
import { formatDateTime, formatDecimal, formatDuration, formatHours, formatRate } from "../texts/messages.ts";
import { BOARD_TEXTS } from "../texts/open-data.ts";
import type { BoardDeps } from "./board-deps.ts";
import type { BoardIssue, BoardIssueDetail, BoardView } from "./view-types.ts";

const TEXT_ON_BOARD = 80;

/** The board of `unitId` (one of the viewer's units) at `now`. */
export async function boardView(
  db: Db,
  roots: readonly number[],
  unitId: number,
  now: Date,
  { timeZone, officeHours }: Pick<BoardDeps, "timeZone" | "officeHours">,
): Promise<BoardView> {
  const org = await orgOf(db);
  const unit = org.units.get(unitId);
  if (!unit) throw new Error(`unit ${unitId} vanished`);
  const scope = await loadScope(db, [unitId]);
  const rows = await db.issue.findMany({
    where: { AND: [scope.where, { status: { in: [...OPEN_STATUSES] } }] },
    select: {
      number: true,
      status: true,
      deadline: true,
      text: true,
      reportedAt: true,
      parkedAt: true,
      ...PLACED_SELECT,
      categoryId: true,
      lat: true,
      long: true,
      category: { select: { name: true } },
      grid: { select: { name: true } },
      point: { select: { name: true, lat: true, long: true } },
    },
    orderBy: [{ deadline: "asc" }, { number: "asc" }],
  });
  const issues = rows
    .filter((r) => scope.contains(r))
    .flatMap((r): BoardIssue[] => {
      const status = r.status as IssueStatus;
      const state = boardState({ status, deadline: r.deadline, parkedAt: r.parkedAt }, now);
      if (!state) return [];
      const lat = r.lat ?? r.point?.lat ?? null;
      const long = r.long ?? r.point?.long ?? null;
      return [
        {
          number: r.number,
          state,
          status: STATUS_LABELS[status],
          category: r.category?.name ?? null,
          categoryId: r.categoryId,
          communityId: r.gridId === null ? null : (ancestorAt(org, r.gridId, "community")?.id ?? null),
          gridId: r.gridId,
          grid: r.grid?.name ?? null,
          point: r.point?.name ?? null,
          position: lat !== null && long !== null ? [long, lat] : null,
          text: [...r.text].slice(0, TEXT_ON_BOARD).join(""),
          reportedAt: formatDateTime(r.reportedAt, timeZone),
          deadline: r.deadline ? formatDateTime(r.deadline, timeZone) : null,
        },
      ];
    });

  const digest = await buildDigest(db, {
    unitId,
    date: localDateString(now, timeZone),
    now,
    timeZone,
    officeHours,
    minRankedIssues: DEFAULT_MIN_RANKED_ISSUES,
    listLimit: 1,
  });
  const s = digest.stats;
  const categoryIds = new Set(issues.map((i) => i.categoryId));
  return {
    generatedAt: formatDateTime(now, timeZone),
    roots: roots.map((id) => ({ id, name: org.units.get(id)?.name ?? "" })),
    unit: { id: unit.id, name: unit.name, level: unit.level },
    areas: await areasOf(db, org, unitId, issues),
    issues,
    categories: org.categories.filter((c) => categoryIds.has(c.id)).map((c) => ({ id: c.id, name: c.name })),
    headline: {
      ...headCounts(s),
      rate: formatRate(s.rate.rate),
      cumulativeRate: formatRate(s.cumulativeRate.rate),
      rectificationTime: formatHours(s.durations.rectification.averageHours),
      figures: digestFigures(digest),
    },
    ranking: {
      title: rankingTitle(digest),
      rows: digest.ranking.flatMap((e) =>
        e.rank === null
          ? []
          : [
              {
                name: e.stats.unit.name,
                rank: e.rank,
                flag: e.flag ? FLAG_EMOJI[e.flag] : "",
                rate: e.score === null ? "—" : formatDecimal(e.score),
                terms: scoreTerms(e.stats.indicators),
              },
            ],
      ),
      unranked: unrankedLine(digest, (t) => t),
    },
  };
}

/**
 * The communities of the unit with their grids (a community or grid: itself), and for a department the grids its
 * issues are in; each grid with its outline when the org import gave one.
 */
async function areasOf(db: Db, org: Org, unitId: number, issues: readonly BoardIssue[]): Promise<BoardView["areas"]> {
  const isGrid = (level: string) => level === "grid";
  const grids = new Map(
    [
      ...unitSubtree(org, unitId).filter((u) => isGrid(u.level)),
      ...issues.flatMap((i) => {
        const grid = i.gridId === null ? undefined : org.units.get(i.gridId);
        return grid && isGrid(grid.level) ? [grid] : [];
      }),
    ].map((g) => [g.id, g]),
  );
  const outlines = new Map(
    (
      await inChunks([...grids.keys()], (ids) =>
        db.unit.findMany({ where: { id: { in: ids } }, select: { id: true, boundary: true } }),
      )
    ).map((u) => [u.id, storedAreaGeometry(u.boundary)]),
  );
  const areas = new Map<number, BoardView["areas"][number]>();
  for (const grid of grids.values()) {
    const area = ancestorAt(org, grid.id, "community") ?? org.units.get(grid.parentId ?? -1) ?? grid;
    const entry = areas.get(area.id) ?? { id: area.id, name: area.name, grids: [] };
    entry.grids.push({ id: grid.id, code: grid.code, name: grid.name, boundary: outlines.get(grid.id) ?? null });
    areas.set(area.id, entry);
  }
  return [...areas.values()];
}

/** The detail of issue `number` when it belongs to the units (else null); photo links valid until `linksUntil`. */
export async function boardIssueDetail(
  db: Db,
  units: readonly number[],
  number: number,
  now: Date,
  timeZone: string,
  photoLinks: { secret: string; until: Date },
): Promise<BoardIssueDetail | null> {
  const issue = await db.issue.findUnique({
    where: { number },
    select: { id: true, ...PLACED_SELECT, externalSource: true, externalId: true },
  });
  if (!issue) return null;
  const scope = await loadScope(db, units);
  if (!scope.contains(issue)) return null;
  const view = await transaction(db, (tx) => loadIssueView(tx, issue.id));
  const photos = await db.photo.findMany({
    where: { issueId: issue.id },
    orderBy: { id: "asc" },
    select: { id: true, stage: true },
  });
  const link = (id: number) => photoLinkPath(photoLinks.secret, id, photoLinks.until);
  const overdue = view.deadline !== null && isOverdueAt(view, now);
  const left = view.deadline ? view.deadline.getTime() - now.getTime() : 0;
  return {
    number: view.number,
    title: `#${view.number} ${view.category?.name ?? CATEGORY_PENDING}`,
    state: boardState({ status: view.status, deadline: view.deadline, parkedAt: view.parkedAt }, now),
    status: STATUS_LABELS[view.status],
    category: view.category?.name ?? null,
    place: [view.community, view.grid, view.point].filter(Boolean).join(" · "),
    text: view.text,
    reporter: view.reporter.name,
    source: issue.externalSource ? externalSourceLabel(issue.externalSource, issue.externalId) : null,
    reportedAt: formatDateTime(view.reportedAt, timeZone),
    assignee: view.assignee?.name ?? null,
    deadline: view.deadline
      ? BOARD_TEXTS.deadline(
          formatDateTime(view.deadline, timeZone),
          overdue
            ? BOARD_TEXTS.overdueBy(formatDuration(-left))
            : OPEN_STATUSES.includes(view.status) && view.status !== "rectified"
              ? BOARD_TEXTS.timeLeft(formatDuration(left))
              : STATUS_LABELS[view.status],
        )
      : null,
    overdue,
    photos: {
      before: photos.filter((p) => p.stage === "before").map((p) => link(p.id)),
      after: photos.filter((p) => p.stage === "after").map((p) => link(p.id)),
    },
    history: view.history.map((h) => ({ at: formatDateTime(h.at, timeZone), actor: h.actor, text: h.text })),
  };
}
