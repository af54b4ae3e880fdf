import { CHANGED_FIELDS, type ChangedField, type Changes, type FieldValues } from "../domain/changes.ts";
import { deadlineDate } from "./deadline.ts";
import { CATEGORY_PENDING, STATUS_LABELS } from "./labels.ts";

/** What users call each field history follows. */
const FIELD_LABELS: Readonly<Record<ChangedField, string>> = {
  status: "状态",
  category: "类别",
  grid: "网格",
  point: "点位",
  deadline: "整改期限",
  owner: "责任人",
};

/** A field's value as users read it; "无" for none (a category not known yet is 类别待定). */
function valueText(field: ChangedField, value: FieldValues[ChangedField], timeZone: string): string {
  if (value === null) return field === "category" ? CATEGORY_PENDING : "无";
  if (typeof value !== "string") return value.name;
  return field === "deadline"
    ? deadlineDate(new Date(value), timeZone)
    : (STATUS_LABELS[value as keyof typeof STATUS_LABELS] ?? value);
}

/**
 * The fields an event moved, before and after (behaviour §2.14, §9.4): "类别：堆物堆料 → 宣传栏破损；整改期限：11月24日
 * 09:00 → 11月26日 09:00". The status is left out: every history line shows it beside (原状态, 新状态).
 */
export function changesText(changes: Changes, timeZone: string): string {
  return CHANGED_FIELDS.flatMap((field) => {
    const change = changes[field];
    if (!change || field === "status") return [];
    const from = valueText(field, change.from, timeZone);
    const to = valueText(field, change.to, timeZone);
    return [`${FIELD_LABELS[field]}：${from} → ${to}`];
  }).join("；");
}

/** What a history line's event moved, as an aside after the line: "（类别：堆物堆料 → 占道经营）", or nothing. */
export function changesAside(changes: Changes, timeZone: string): string {
  const text = changesText(changes, timeZone);
  return text ? `（${text}）` : "";
}
