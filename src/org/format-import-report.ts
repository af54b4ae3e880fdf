import { ENTITY_LABELS, T } from "../texts/org.ts";
import type { EntityCounts, ImportEntity, ImportReport } from "./import-org.ts";
import type { SourceLoc } from "./org-data.ts";

/** Where a problem is, as users read it: `org.xlsx › 人员 › 第 7 行`. */
export function formatSourceLoc(loc: SourceLoc): string {
  const parts = [loc.file];
  if (loc.sheet !== undefined) parts.push(loc.sheet);
  if (loc.row !== undefined) parts.push(`第 ${loc.row} 行`);
  return parts.join(" › ");
}

function formatCounts(entity: ImportEntity, c: EntityCounts): string {
  const parts = [`新增 ${c.created}`];
  if (entity === "duties") parts.push(`删除 ${c.removed}`);
  else parts.push(`更新 ${c.updated}`);
  parts.push(`无变化 ${c.unchanged}`);
  return `${ENTITY_LABELS[entity]} ${parts.join("、")}`;
}

/**
 * The Chinese text the CLI prints for an import: per entity what was added, changed and left as it was; "无变化"
 * when the file matched the database; or, for a rejected file, every problem with its file, sheet and row, and the
 * assurance that nothing was written.
 */
export function formatImportReport(report: ImportReport): string {
  if (!report.ok) {
    const lines = report.problems.map((p) => `  ${formatSourceLoc(p.loc)}：${p.message}`);
    return [`导入失败，共 ${report.problems.length} 处错误，未做任何修改：`, ...lines].join("\n");
  }
  const entities = (Object.keys(ENTITY_LABELS) as ImportEntity[]).filter((e) => {
    const c = report.counts[e];
    return c.created + c.updated + c.unchanged + c.removed > 0;
  });
  const head = report.dryRun ? "试运行（未写入任何数据）" : "导入完成";
  const { inserted, linked } = report.catalogue;
  const catalogue = [
    inserted > 0 ? `载入默认问题类别 ${inserted} 个` : "",
    linked > 0 ? `为 ${linked} 个默认问题类别关联了默认部门` : "",
  ].filter(Boolean);
  const tail = catalogue.length > 0 ? `\n另${report.dryRun ? "将" : ""}${catalogue.join("，")}。` : "";

  if (!report.changed) {
    const totals = entities.map((e) => `${ENTITY_LABELS[e]} ${report.counts[e].unchanged}`).join("、");
    return `${head}：无变化（${totals} 条均与数据库一致）。`;
  }
  return `${report.dryRun ? `${head}，正式导入将` : head}：${entities.map((e) => formatCounts(e, report.counts[e])).join("；")}。${tail}${handedOverText(report)}`;
}

/** The issues passed on because their owner lost their duty, one a line (behaviour §1.9). */
function handedOverText({ handedOver, dryRun }: ImportReport): string {
  if (handedOver.length === 0) return "";
  const lines = handedOver.map((h) => T.handedOverIssue(h.number, h.from, h.to));
  return `\n${[T.handedOver(handedOver.length, dryRun), ...lines].join("\n")}`;
}
