import type { Placement } from "../commands/file-issue.ts";
import { fileIssue, matchReportText } from "../commands/file-issue.ts";
import type { Db } from "../db/client.ts";
import { inChunks } from "../db/in-chunks.ts";
import { type BindingRef, type Org, orgOf, unitChain, unitSubtree } from "../db/org-queries.ts";
import { transaction } from "../db/transaction.ts";
import { areaAt, isPosition, storedAreaGeometry } from "../domain/geo.ts";
import { formatDateTime } from "../texts/messages.ts";
import { API_TEXTS } from "../texts/open-data.ts";
import type { ApiDeps } from "./api-deps.ts";
import { ApiError } from "./api-error.ts";
import type { ApiCaller } from "./api-keys.ts";

/** A POST requests.json body, checked. */
export interface NewRequest {
  serviceCode: string | null;
  description: string;
  addressString: string | null;
  addressId: string | null;
  lat: number | null;
  long: number | null;
  mediaUrl: string | null;
  /** The caller's own ticket number (12345 工单号), `x_riqing_ticket`. */
  ticket: string | null;
}

const MAX_DESCRIPTION = 4000;

/** Reads a POST body (form fields or JSON), as the spec names the fields. Throws ApiError 400. */
export function parseNewRequest(fields: Record<string, unknown>): NewRequest {
  const text = (name: string): string | null => {
    const value = fields[name];
    if (typeof value === "number") return String(value);
    return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
  };
  const description = text("description") ?? "";
  if ([...description].length > MAX_DESCRIPTION) throw new ApiError(400, API_TEXTS.descriptionTooLong);
  const latText = text("lat");
  const longText = text("long");
  const lat = latText === null ? null : Number(latText);
  const long = longText === null ? null : Number(longText);
  if ((lat === null) !== (long === null) || (lat !== null && long !== null && !isPosition(lat, long))) {
    throw new ApiError(400, API_TEXTS.halfPosition);
  }
  const addressString = text("address_string");
  const addressId = text("address_id");
  if (lat === null && addressString === null && addressId === null) throw new ApiError(400, API_TEXTS.needLocation);
  const ticket = text("x_riqing_ticket");
  if (ticket !== null && (ticket.length > 64 || /\s/.test(ticket))) throw new ApiError(400, API_TEXTS.badTicket);
  return {
    serviceCode: text("service_code"),
    description,
    addressString,
    addressId,
    lat,
    long,
    mediaUrl: text("media_url"),
    ticket,
  };
}

/**
 * Files a request from another system the way a chat report is filed (commands/file-issue.ts): placed in a grid of
 * the key's unit — by address_id (a point or grid code), else by coordinates inside a grid's outline, else by the
 * point or grid the address or description names — classed by service_code or by the text's keywords, and posted
 * as a card to the work group of the grid's community, marked with the system's name and ticket. A ticket already
 * filed by the same key returns that issue. Returns the issue's number and where it went.
 */
export async function fileRequest(
  deps: ApiDeps,
  caller: ApiCaller,
  request: NewRequest,
): Promise<{ number: number; notice: string }> {
  const org = await orgOf(deps.db);
  const text = [request.addressString, request.description].filter(Boolean).join(" ");
  const matched = matchReportText(org, caller.unitId, text);
  const category = categoryOf(org, request.serviceCode) ?? matched.categoryId;
  const place =
    placeOf(org, caller.unitId, request.addressId) ??
    (await gridAt(deps.db, org, caller.unitId, request, matched.place)) ??
    matched.place;
  if (!place) throw new ApiError(400, API_TEXTS.noGrid);
  const binding = workGroupOf(org, place.gridId);
  const placement: Placement = {
    gridId: place.gridId,
    pointId: place.pointId,
    categoryId: category,
    placeFromText: true,
  };
  const now = deps.now();
  const body = API_TEXTS.requestBody(text, request.mediaUrl);
  const { id } = await transaction(deps.db, (tx) =>
    fileIssue(
      tx,
      {
        chatId: binding.chatId,
        chatUnitId: binding.unitId,
        reporter: null,
        text: body,
        photos: [],
        reportedAt: now,
        external: {
          apiKeyId: caller.id,
          system: caller.name,
          ticket: request.ticket,
          placement,
          lat: request.lat,
          long: request.long,
        },
      },
      { now, timeZone: deps.timeZone, officeHours: deps.officeHours, admins: deps.admins, policy: deps.policy },
    ),
  );
  deps.queued();
  const issue = await deps.db.issue.findUniqueOrThrow({ where: { id }, select: { number: true, deadline: true } });
  const chat = binding.name ?? org.units.get(binding.unitId)?.name ?? "";
  const deadline = issue.deadline ? formatDateTime(issue.deadline, deps.timeZone) : null;
  return { number: issue.number, notice: API_TEXTS.serviceNotice(chat, deadline) };
}

/** The category a service_code names; ApiError 400 for a code that is not in the catalogue. */
function categoryOf(org: Org, code: string | null): number | null {
  if (code === null) return null;
  const category = org.categories.find((c) => c.code === code);
  if (!category) throw new ApiError(400, API_TEXTS.unknownService(code));
  return category.id;
}

type Place = { gridId: number; pointId: number | null };

/** The point or grid an address_id names, inside the key's unit; ApiError 400 when it names neither. */
function placeOf(org: Org, unitId: number, addressId: string | null): Place | null {
  if (addressId === null) return null;
  const grids = new Map(
    unitSubtree(org, unitId)
      .filter(isGrid)
      .map((g) => [g.code, g]),
  );
  const grid = grids.get(addressId);
  if (grid) return { gridId: grid.id, pointId: null };
  const point = [...org.points.values()].find(
    (p) => p.code === addressId && [...grids.values()].some((g) => g.id === p.gridId),
  );
  if (!point) throw new ApiError(400, API_TEXTS.unknownAddressId(addressId));
  return { gridId: point.gridId, pointId: point.id };
}

/** The grid of the key's unit whose outline holds the coordinates, with the point the text names in it, if any. */
async function gridAt(
  db: Db,
  org: Org,
  unitId: number,
  request: NewRequest,
  named: Place | null,
): Promise<Place | null> {
  if (request.lat === null || request.long === null) return null;
  const ids = unitSubtree(org, unitId)
    .filter(isGrid)
    .map((g) => g.id);
  const rows = await inChunks(ids, (slice) =>
    db.unit.findMany({ where: { id: { in: slice } }, select: { id: true, boundary: true } }),
  );
  const areas = rows.flatMap((r) => {
    const boundary = storedAreaGeometry(r.boundary);
    return boundary ? [{ id: r.id, boundary }] : [];
  });
  // Microgrids lie inside their grids: the smallest area that holds the position wins.
  const rank = (id: number) => (org.units.get(id)?.level === "microgrid" ? 0 : 1);
  const grid = areaAt(
    areas.sort((a, b) => rank(a.id) - rank(b.id)),
    request.lat,
    request.long,
  );
  if (!grid) return null;
  return { gridId: grid.id, pointId: named?.gridId === grid.id ? named.pointId : null };
}

function isGrid(unit: { level: string }): boolean {
  return unit.level === "grid" || unit.level === "microgrid";
}

/** The work group (else patrol group) bound nearest above the grid: its community's, normally. */
function workGroupOf(org: Org, gridId: number): BindingRef {
  const bindings = [...org.bindings.values()];
  for (const unit of unitChain(org, gridId)) {
    const bound =
      bindings.find((b) => b.unitId === unit.id && b.purpose === "work") ??
      bindings.find((b) => b.unitId === unit.id && b.purpose === "patrol");
    if (bound) return bound;
  }
  const community = unitChain(org, gridId).find((u) => u.level === "community") ?? org.units.get(gridId);
  throw new ApiError(400, API_TEXTS.noChat(community?.name ?? ""));
}
