import { photoLinkPath } from "../access/photo-link.ts";
import type { Db } from "../db/client.ts";
import { ancestorAt, type Org, orgOf } from "../db/org-queries.ts";
import { boardState } from "../domain/board-state.ts";
import { isoWithOffset } from "../domain/deadline.ts";
import { isOverdueAt } from "../domain/metrics.ts";
import { type IssueStatus, OPEN_STATUSES } from "../domain/types.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { CLASS_LABELS, externalSourceLabel, KIND_LABELS, STATUS_LABELS } from "../texts/labels.ts";
import { eventText } from "../texts/messages.ts";
import { API_TEXTS } from "../texts/open-data.ts";

/** The relations a request is built from. */
export const REQUEST_INCLUDE = {
  category: { select: { code: true, name: true, kind: true, class: true } },
  grid: { select: { id: true, code: true, name: true } },
  point: { select: { code: true, name: true, lat: true, long: true } },
  assigneeUnit: { select: { name: true } },
  assigneePerson: { select: { name: true } },
  duplicateOf: { select: { number: true } },
  reboundOf: { select: { number: true } },
  photos: { select: { id: true, stage: true }, orderBy: { id: "asc" } },
  events: { select: { type: true, at: true, reason: true, actor: { select: { name: true } } }, orderBy: { id: "asc" } },
} as const satisfies Prisma.IssueInclude;

export type RequestRecord = Prisma.IssueGetPayload<{ include: typeof REQUEST_INCLUDE }>;

/** One service request as GeoReport v2 returns it, with Riqing's own fields under `x_riqing`. */
export interface Open311Request {
  service_request_id: string;
  status: "open" | "closed";
  status_notes: string;
  service_name: string | null;
  service_code: string | null;
  description: string;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string;
  address_id: string | null;
  zipcode: null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
  x_riqing: {
    number: string;
    status: { code: IssueStatus; label: string };
    board_state: string | null;
    grid: { code: string; name: string } | null;
    community: { code: string; name: string } | null;
    point: string | null;
    source: string | null;
    photos: { stage: string; url: string }[];
    history: { at: string; actor: string; type: string; text: string }[];
    indicators: {
      kind: string | null;
      class: string | null;
      urgent: boolean;
      overdue: boolean;
      rebound: boolean;
      rebound_of: string | null;
    };
  };
}

/** How links in a request are made: absolute, signed, valid for a while. */
export interface LinkMaker {
  /** The origin links start with, e.g. https://riqing.example.gov.cn */
  base: string;
  secret: string | undefined;
  /** How long photo links stay valid. */
  validMs: number;
}

const CLOSED: ReadonlySet<string> = new Set(["closed", "rejected", "duplicate"]);

/** Builds the GeoReport v2 view of loaded issues (see REQUEST_INCLUDE), in order. */
export async function toRequests(
  db: Db,
  issues: readonly RequestRecord[],
  now: Date,
  timeZone: string,
  links: LinkMaker,
): Promise<Open311Request[]> {
  const org = await orgOf(db);
  return issues.map((issue) => toRequest(org, issue, now, timeZone, links));
}

function toRequest(org: Org, issue: RequestRecord, now: Date, timeZone: string, links: LinkMaker): Open311Request {
  const status = issue.status as IssueStatus;
  const closed = CLOSED.has(status);
  const community = issue.gridId === null ? undefined : ancestorAt(org, issue.gridId, "community");
  const street = issue.gridId === null ? undefined : ancestorAt(org, issue.gridId, "street");
  const lat = issue.lat ?? issue.point?.lat ?? null;
  const long = issue.long ?? issue.point?.long ?? null;
  const photoUrl = (id: number) =>
    links.secret ? `${links.base}${photoLinkPath(links.secret, id, new Date(now.getTime() + links.validMs))}` : null;
  const photos = links.secret ? issue.photos.map((p) => ({ stage: p.stage, url: photoUrl(p.id) as string })) : [];
  const lastChange = issue.events.at(-1)?.at ?? issue.reportedAt;
  const reason =
    status === "duplicate" && issue.duplicateOf
      ? API_TEXTS.duplicateOf(issue.duplicateOf.number)
      : status === "rejected"
        ? issue.rejectReason
        : null;
  return {
    service_request_id: String(issue.number),
    status: closed ? "closed" : "open",
    status_notes: API_TEXTS.statusNotes(STATUS_LABELS[status] ?? status, reason),
    service_name: issue.category?.name ?? null,
    service_code: issue.category?.code ?? null,
    description: issue.text,
    agency_responsible: issue.assigneeUnit?.name ?? issue.grid?.name ?? community?.name ?? null,
    service_notice: null,
    requested_datetime: isoWithOffset(issue.reportedAt, timeZone),
    updated_datetime: isoWithOffset(closed ? (issue.closedAt ?? issue.rejectedAt ?? lastChange) : lastChange, timeZone),
    expected_datetime: issue.deadline ? isoWithOffset(issue.deadline, timeZone) : null,
    address: API_TEXTS.address([issue.point?.name, issue.grid?.name, community?.name, street?.name]),
    address_id: issue.point?.code ?? issue.grid?.code ?? null,
    zipcode: null,
    lat,
    long,
    media_url: photos.find((p) => p.stage === "before")?.url ?? photos[0]?.url ?? null,
    x_riqing: {
      number: `#${issue.number}`,
      status: { code: status, label: STATUS_LABELS[status] ?? status },
      board_state: boardState({ status, deadline: issue.deadline, parkedAt: issue.parkedAt }, now),
      grid: issue.grid ? { code: issue.grid.code, name: issue.grid.name } : null,
      community: community ? { code: community.code, name: community.name } : null,
      point: issue.point?.name ?? null,
      source: issue.externalSource ? externalSourceLabel(issue.externalSource, issue.externalId) : null,
      photos,
      history: issue.events.map((e) => ({
        at: isoWithOffset(e.at, timeZone),
        actor: e.actor?.name ?? issue.externalSource ?? API_TEXTS.systemActor,
        type: e.type,
        text: eventText(e.type, e.reason),
      })),
      indicators: {
        kind: issue.category ? (KIND_LABELS[issue.category.kind as keyof typeof KIND_LABELS] ?? null) : null,
        class: issue.category ? (CLASS_LABELS[issue.category.class as keyof typeof CLASS_LABELS] ?? null) : null,
        urgent: issue.urgent,
        overdue:
          OPEN_STATUSES.includes(status) &&
          isOverdueAt({ status, deadline: issue.deadline, parkedAt: issue.parkedAt }, now),
        rebound: issue.reboundOfId !== null,
        rebound_of: issue.reboundOf ? `#${issue.reboundOf.number}` : null,
      },
    },
  };
}
