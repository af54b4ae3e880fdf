import { ENTITY_LABELS, IMPORT_REPORT_TEXTS as R, T } from "../texts/org.ts";
import type { EntityCounts, ImportEntity, ImportReport } from "./import-org.ts";
import type { SourceLoc } from "./org-data.ts";

/** Where a problem is, as users read it: `org.xlsx › 人员 › 第 7 行`. */
export function formatSourceLoc(loc: SourceLoc): string {
  const parts = [loc.file];
  if (loc.sheet !== undefined) parts.push(loc.sheet);
  if (loc.row !== undefined) parts.push(R.row(loc.row));
  return parts.join(" › ");
}

/** Entities an import replaces for what it names (so it reports removals). */
const REPLACED: ReadonlySet<ImportEntity> = new Set(["duties", "patrols"]);

function formatCounts(entity: ImportEntity, c: EntityCounts): string {
  return R.counts(ENTITY_LABELS[entity], c, REPLACED.has(entity));
}

/**
 * The Chinese text the CLI prints for an import: per entity what was added, changed and left as it was; "无变化"
 * when the file matched the database; or, for a rejected file, every problem with its file, sheet and row, and the
 * assurance that nothing was written.
 */
export function formatImportReport(report: ImportReport): string {
  if (!report.ok) {
    const lines = report.problems.map((p) => R.problem(formatSourceLoc(p.loc), p.message));
    return [R.failed(report.problems.length), ...lines].join("\n");
  }
  const entities = (Object.keys(ENTITY_LABELS) as ImportEntity[]).filter((e) => {
    const c = report.counts[e];
    return c.created + c.updated + c.unchanged + c.removed > 0;
  });
  const head = R.head(report.dryRun);
  const tail = R.catalogue(report.catalogue.inserted, report.catalogue.linked, report.dryRun);

  if (!report.changed) {
    const totals = entities.map((e) => ({ entity: ENTITY_LABELS[e], count: report.counts[e].unchanged }));
    return R.unchanged(head, totals);
  }
  const counts = entities.map((e) => formatCounts(e, report.counts[e]));
  return `${R.changed(head, report.dryRun, counts)}${tail}${handedOverText(report)}`;
}

/** The issues passed on because their owner lost their duty, one a line (behaviour §1.9). */
function handedOverText({ handedOver, dryRun }: ImportReport): string {
  if (handedOver.length === 0) return "";
  const lines = handedOver.map((h) => T.handedOverIssue(h.number, h.from, h.to));
  return `\n${[T.handedOver(handedOver.length, dryRun), ...lines].join("\n")}`;
}
