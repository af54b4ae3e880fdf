import type { Category } from "../generated/prisma/client.ts";
import { API_TEXTS } from "../texts/open-data.ts";
import { ApiError } from "./api-error.ts";

/** What GET requests.json (and issues.geojson) asks for, checked. */
export interface RequestFilters {
  /** Issue numbers; when given, the other filters are ignored (the spec: "This overrides all other arguments"). */
  numbers: number[] | null;
  categoryIds: number[] | null;
  from: Date;
  to: Date;
  status: ("open" | "closed")[] | null;
}

/** The spec's default and largest span of requested_datetime, and its largest answer. */
export const MAX_SPAN_MS = 90 * 24 * 3_600_000;
export const MAX_REQUESTS = 1000;

/** W3C date-times (ISO 8601 with a time zone, or a bare date); anything else is refused. */
const W3C = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

function list(value: unknown): string[] | null {
  const text = Array.isArray(value) ? value.join(",") : typeof value === "string" ? value : "";
  const items = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length > 0 ? items : null;
}

function date(name: string, value: unknown): Date | null {
  if (typeof value !== "string" || value.trim() === "") return null;
  const text = value.trim();
  const at = W3C.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) throw new ApiError(400, API_TEXTS.badDate(name, text));
  return at;
}

/**
 * Reads the query of GET requests.json: service_request_id, service_code and status as comma lists, start_date and
 * end_date in W3C format no more than 90 days apart (the most recent 90 days when neither is given; 90 days from
 * the one given otherwise). Throws ApiError 400 with the reason for anything else.
 */
export function parseRequestFilters(
  query: Record<string, unknown>,
  categories: readonly Pick<Category, "id" | "code">[],
  now: Date,
): RequestFilters {
  const ids = list(query.service_request_id);
  const numbers = ids?.map((id) => {
    if (!/^\d{1,9}$/.test(id)) throw new ApiError(400, API_TEXTS.badId(id));
    return Number(id);
  });
  if (numbers && numbers.length > MAX_REQUESTS) throw new ApiError(400, API_TEXTS.tooManyIds);

  const codes = list(query.service_code);
  const categoryIds = codes?.map((code) => {
    const category = categories.find((c) => c.code === code);
    if (!category) throw new ApiError(400, API_TEXTS.unknownService(code));
    return category.id;
  });

  const statuses = list(query.status)?.map((s) => {
    const status = s.toLowerCase();
    if (status !== "open" && status !== "closed") throw new ApiError(400, API_TEXTS.badStatus(s));
    return status;
  });

  const start = date("start_date", query.start_date);
  const end = date("end_date", query.end_date);
  const to = end ?? (start ? new Date(Math.min(start.getTime() + MAX_SPAN_MS, now.getTime())) : now);
  const from = start ?? new Date(to.getTime() - MAX_SPAN_MS);
  if (from.getTime() > to.getTime()) throw new ApiError(400, API_TEXTS.dateOrder);
  if (to.getTime() - from.getTime() > MAX_SPAN_MS) throw new ApiError(400, API_TEXTS.dateSpan);

  return {
    numbers: numbers ?? null,
    categoryIds: categoryIds ?? null,
    from,
    to,
    status: statuses ? [...new Set(statuses)] : null,
  };
}
