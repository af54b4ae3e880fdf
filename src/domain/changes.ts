/**
 * What an issue's history keeps of a change (behaviour §2.14): for each field the change moved — status, category,
 * grid, point, deadline, owner — its value before and after, as the event's `data.changes`:
 *
 *   { "category": { "from": { "id": 1, "name": "堆物堆料" }, "to": { "id": 17, "name": "宣传栏破损" } },
 *     "deadline": { "from": "2026-11-24T01:00:00.000Z", "to": "2026-11-26T01:00:00.000Z" } }
 *
 * Categories, places and owners keep their names as they were then, so the history reads the same after a rename.
 */

import { z } from "zod";
import { ISSUE_STATUSES } from "./types.ts";

const named = z.object({ id: z.number().int(), name: z.string() });

const VALUES = {
  status: z.enum(ISSUE_STATUSES),
  category: named.nullable(),
  grid: named.nullable(),
  point: named.nullable(),
  /** An ISO instant. */
  deadline: z.string().nullable(),
  /** The person or the department (unit) the issue is assigned to. */
  owner: named.extend({ type: z.enum(["person", "unit"]) }).nullable(),
};

const change = <T extends z.ZodType>(value: T) => z.object({ from: value, to: value });
const changesSchema = z
  .object({
    status: change(VALUES.status),
    category: change(VALUES.category),
    grid: change(VALUES.grid),
    point: change(VALUES.point),
    deadline: change(VALUES.deadline),
    owner: change(VALUES.owner),
  })
  .partial();

/** The fields history follows, in the order they are told. */
export const CHANGED_FIELDS = Object.keys(VALUES) as ChangedField[];
export type ChangedField = keyof typeof VALUES;

/** An issue's followed fields at one moment. */
export type FieldValues = z.infer<z.ZodObject<typeof VALUES>>;

/** The fields one event moved, each with its value before and after. */
export type Changes = z.infer<typeof changesSchema>;

/** What makes two values the same: the id (a rename is no change), the instant, the status. */
function identity(value: FieldValues[ChangedField]): string {
  if (value === null) return "";
  if (typeof value === "string") return value;
  return "type" in value ? `${value.type}:${value.id}` : String(value.id);
}

/** Each field whose value differs between `before` and `after`, with both. */
export function changesBetween(before: FieldValues, after: FieldValues): Changes {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of CHANGED_FIELDS) {
    if (identity(before[field]) !== identity(after[field])) changes[field] = { from: before[field], to: after[field] };
  }
  return changes as Changes;
}

/** The changes an event's data records; none for an event that records none (or one written before they were). */
export function changesOf(data: unknown): Changes {
  const recorded = (data as { changes?: unknown } | null)?.changes;
  // Most events record none; a failed parse costs zod an error object (a ledger reads hundreds of thousands).
  if (recorded === undefined) return {};
  const parsed = changesSchema.safeParse(recorded);
  return parsed.success ? parsed.data : {};
}
