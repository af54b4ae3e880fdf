import type { Changes } from "../domain/changes.ts";
import type { TimeLimit } from "../domain/deadline.ts";
import { PARK_KINDS, type ParkKind } from "../domain/extension.ts";
import { isOverdueAt } from "../domain/metrics.ts";
import {
  type CategoryClass,
  type CategoryKind,
  type IssueStatus,
  type ObjectType,
  OPEN_STATUSES,
} from "../domain/types.ts";
import { changesAside } from "../texts/changes.ts";
import { deadlineDate } from "../texts/deadline.ts";
import { escapeMarkdown } from "../texts/escape.ts";
import {
  EXTENSION_CARD_WORDS,
  extensionCountText,
  extensionRequestLine,
  PARK_KIND_LABELS,
  parkedLine,
  parkedMark,
  refusedAttemptLabel,
} from "../texts/extension.ts";
import {
  awaitingDispatch,
  categoryLine,
  DEADLINE_FIELD,
  descriptionBlock,
  earlierHistory,
  ISSUE_CARD_WORDS,
  ISSUE_FIELDS,
  issueCardTitle,
  mergedLead,
  photoCountText,
  photosAlt,
  reboundLead,
  rejectReasonLine,
  sourceLine,
  suspectedDuplicateLine,
  uploadingPhotos,
} from "../texts/issue-card.ts";
import {
  CATEGORY_PENDING,
  CLASS_LABELS,
  KIND_LABELS,
  limitLabel,
  OBJECT_TYPE_LABELS,
  STATUS_LABELS,
  statusColor,
} from "../texts/labels.ts";
import { ACTION_LABELS } from "../texts/lifecycle.ts";
import { formatDateTime, TEXTS } from "../texts/messages.ts";
import { stripReportWord } from "../texts/words.ts";
import { buttons, form, input, selectMenu, submitButton } from "./actions.ts";
import { type Card, type CardElement, card } from "./card.ts";
import { fields, hr, imageGrid, MAX_GRID_IMAGES, markdown, mention, note } from "./markdown.ts";

/** Everything the issue card shows, loaded by commands/sync-issue-card.ts. */
export interface IssueView {
  id: number;
  number: number;
  status: IssueStatus;
  urgent: boolean;
  text: string;
  category: { name: string; kind: CategoryKind; class: CategoryClass; objectType: ObjectType } | null;
  /** The time limit the issue has: its category's, or its street's own for the category (behaviour §2.20). */
  limit: TimeLimit | null;
  community: string | null;
  grid: string | null;
  point: string | null;
  /** The Lark user who reported it; for an issue another system filed, that system's name and no open_id. */
  reporter: { name: string; openId: string | null };
  /** Where an issue another system filed came from: "12345热线 · 工单号 …"; null for a chat report. */
  source?: string | null;
  reportedAt: Date;
  assignee: { name: string; mentions: string[] } | null;
  /** Who must dispatch when nobody is assigned (the community secretaries). */
  dispatchers: string[];
  deadline: Date | null;
  rectifiedAt: Date | null;
  closedAt: Date | null;
  rejectReason: string | null;
  suspectedDuplicateOf: number | null;
  duplicateOf: number | null;
  reboundOf: number | null;
  /**
   * `attempt`: the rectification attempt that brought an after-photo (null for a photo of the report); `refused`: an
   * after-photo of an attempt that was then refused (驳回).
   */
  photos: { stage: "before" | "after"; imageKey: string | null; refused: boolean; attempt: number | null }[];
  /** Extensions approved so far, and the request waiting for its approvers (延期, behaviour §2.15). */
  extensionCount: number;
  extensionRequest: { until: Date; reason: string; approvers: string[] } | null;
  /** While it is parked (挂账/缓办, behaviour §2.17): since when, until when, and the plan. */
  park: { kind: ParkKind; until: Date; plan: string } | null;
  parkedAt: Date | null;
  /** Choices for the grid and category selects (asking while unknown, 修改 after) and for 转派. */
  gridOptions: { id: number; name: string }[];
  categoryOptions: { id: number; name: string }[];
  /** While the category is unknown: the categories the text may mean, best first, offered as buttons. */
  categorySuggestions: { id: number; name: string }[];
  assignOptions: { openId: string; name: string }[];
  /** What happened, with the fields each event moved (before and after) when it recorded them. */
  history: { at: Date; actor: string; text: string; changes?: Changes }[];
}

const HISTORY_ON_CARD = 4;
/** Even the full history (查) and the description are cut so a card stays far below Lark's 30 KB. */
const HISTORY_MAX = 60;
const DESCRIPTION_MAX = 600;
/** Longer choice lists are cut; 转派 @某人 in the thread reaches anyone. */
const MAX_OPTIONS = 40;

/** The card value every action button carries: which action, on which issue. */
export function actionValue(action: string, issueId: number): Record<string, unknown> {
  return { a: action, i: issueId };
}

/** The value of a button that sets the issue's category: the category rides along as `c`. */
export function categoryButtonValue(issueId: number, categoryId: number): Record<string, unknown> {
  return { ...actionValue("set_category", issueId), c: categoryId };
}

/**
 * The issue card (behaviour §3.4): number, status in colour, category, place, description, the deadline as a date,
 * the assignee @-mentioned, photos, links, the latest history, and the actions the current status allows. Pure.
 */
export function issueCard(view: IssueView, now: Date, timeZone: string, options: { fullHistory?: boolean } = {}): Card {
  const history = view.history.slice(-(options.fullHistory ? HISTORY_MAX : HISTORY_ON_CARD));
  const earlier = view.history.length - history.length;
  const overdue = isOverdueAt(view, now);
  const title = issueCardTitle(
    view.number,
    view.category?.name ?? CATEGORY_PENDING,
    `${STATUS_LABELS[view.status]}${view.park ? parkedMark(view.park.kind) : ""}`,
    overdue,
    view.urgent,
  );
  return card({
    header: { title, template: statusColor(view.status, overdue) },
    elements: [
      view.reboundOf !== null && markdown(reboundLead(view.reboundOf)),
      view.duplicateOf !== null && markdown(mergedLead(view.duplicateOf)),
      view.source && markdown(sourceLine(escapeMarkdown(view.source))),
      fields([
        { label: ISSUE_FIELDS.grid, value: escapeMarkdown(view.grid ?? ISSUE_CARD_WORDS.gridPending) },
        { label: ISSUE_FIELDS.point, value: escapeMarkdown(view.point ?? "—") },
        { label: ISSUE_FIELDS.category, value: categoryText(view) },
        {
          label: ISSUE_FIELDS.reported,
          value: `${escapeMarkdown(view.reporter.name)} ${formatDateTime(view.reportedAt, timeZone)}`,
        },
        { label: ISSUE_FIELDS.assignee, value: assigneeText(view) },
        {
          label: ISSUE_FIELDS.deadline,
          value: `${deadlineText(view, now, timeZone)}${extensionCountText(view.extensionCount)}`,
        },
      ]),
      markdown(descriptionBlock(describe(view.text))),
      ...photoElements(view),
      view.rejectReason ? markdown(rejectReasonLine(escapeMarkdown(view.rejectReason))) : null,
      ...placeSelects(view, false),
      ...actionElements(view),
      ...extensionElements(view, now, timeZone),
      ...placeSelects(view, true),
      history.length > 0 && hr(),
      history.length > 0 &&
        note(
          [
            ...(earlier > 0 ? [earlierHistory(earlier, view.number, options.fullHistory === true)] : []),
            ...history.map(
              (h) =>
                `${formatDateTime(h.at, timeZone)} ${h.actor} ${h.text}${h.changes ? changesAside(h.changes, timeZone) : ""}`,
            ),
          ].join("\n"),
        ),
    ],
  });
}

/**
 * The copy of an issue's card in the group of the department it was routed to (中心吹哨、部门报到): the same card and
 * buttons, led by what it is doing there — or, once the issue went elsewhere, by saying so.
 */
export function departmentCard(
  view: IssueView,
  now: Date,
  timeZone: string,
  department: { name: string; current: boolean },
): Card {
  const base = issueCard(view, now, timeZone);
  const lead = department.current
    ? TEXTS.dispatched(escapeMarkdown(view.community ?? ""), view.number, escapeMarkdown(department.name))
    : TEXTS.dispatchMoved(escapeMarkdown(department.name));
  return { ...base, elements: [markdown(lead), ...base.elements] };
}

/** The report's words without the 上报 each of its messages may open with, cut to a card's length. */
function describe(reported: string): string {
  const text = reported
    .split("\n")
    .map(stripReportWord)
    .filter((line) => line.trim() !== "")
    .join("\n");
  if (!text) return ISSUE_CARD_WORDS.noText;
  const cut = [...text];
  return cut.length > DESCRIPTION_MAX
    ? `${escapeMarkdown(cut.slice(0, DESCRIPTION_MAX).join(""))}${ISSUE_CARD_WORDS.cut}`
    : escapeMarkdown(text);
}

function categoryText(view: IssueView): string {
  if (!view.category) return ISSUE_CARD_WORDS.categoryPending;
  return categoryLine(
    escapeMarkdown(view.category.name),
    OBJECT_TYPE_LABELS[view.category.objectType],
    KIND_LABELS[view.category.kind],
    CLASS_LABELS[view.category.class],
  );
}

function assigneeText(view: IssueView): string {
  if (view.assignee) {
    const people = view.assignee.mentions.map(mention).join(" ");
    return people ? `${escapeMarkdown(view.assignee.name)} ${people}` : escapeMarkdown(view.assignee.name);
  }
  if (view.status !== "reported") return "—";
  const who = view.dispatchers.map(mention).join(" ");
  return who ? awaitingDispatch(who) : ISSUE_CARD_WORDS.unassigned;
}

/**
 * The deadline as a date and time that stays true ("11月24日 09:00 前"): the card lives for days and is redrawn only
 * when the issue changes (and by the reminder sweep when the deadline passes), so it carries no countdown.
 */
function deadlineText(view: IssueView, now: Date, timeZone: string): string {
  if (!view.deadline) return ISSUE_CARD_WORDS.deadlinePending;
  const date = deadlineDateText(view, view.deadline, now, timeZone);
  return view.limit ? DEADLINE_FIELD.withLimit(date, limitLabel(view.limit), view.urgent) : date;
}

function deadlineDateText(view: IssueView, deadline: Date, now: Date, timeZone: string): string {
  const at = deadlineDate(deadline, timeZone, now);
  const since = (instant: Date | null) => deadlineDate(instant ?? now, timeZone, now);
  if (view.status === "closed") return DEADLINE_FIELD.closed(at, since(view.closedAt));
  if (view.status === "rectified") return DEADLINE_FIELD.rectified(at, since(view.rectifiedAt));
  if (view.status === "rejected" || view.status === "duplicate") return at;
  return isOverdueAt(view, now) ? DEADLINE_FIELD.overdue(at) : DEADLINE_FIELD.running(at);
}

/**
 * The photos under 整改前 and 整改后, each with a placeholder while it has none; the after-photos of each refused
 * rectification stay visible under 第 N 次整改（已驳回）(behaviour §2.19).
 */
function photoElements(view: IssueView): CardElement[] {
  const before = view.photos.filter((p) => p.stage === "before");
  const after = view.photos.filter((p) => p.stage === "after" && !p.refused);
  const refused = view.photos.filter((p) => p.stage === "after" && p.refused);
  const refusedAttempts = [...new Set(refused.map((p) => p.attempt ?? 0))].sort((a, b) => a - b);
  const awaitingFix = ["reported", "assigned", "accepted"].includes(view.status);
  const noRectification = view.status === "rejected" || view.status === "duplicate";
  return [
    ...photoGroup(ISSUE_CARD_WORDS.before, before, ISSUE_CARD_WORDS.noPhoto),
    ...(noRectification && after.length === 0
      ? []
      : photoGroup(
          ISSUE_CARD_WORDS.after,
          after,
          awaitingFix ? ISSUE_CARD_WORDS.notRectified : ISSUE_CARD_WORDS.noPhoto,
        )),
    ...refusedAttempts.flatMap((attempt) =>
      photoGroup(
        refusedAttemptLabel(attempt),
        refused.filter((p) => (p.attempt ?? 0) === attempt),
        "",
      ),
    ),
  ];
}

/** A stage's photos: all of them in a grid up to nine, with how many there are beyond (the ledger has them all). */
function photoGroup(label: string, photos: IssueView["photos"], placeholder: string): CardElement[] {
  if (photos.length === 0) return [markdown(`**${label}**${placeholder}`)];
  const shown = photos.slice(0, MAX_GRID_IMAGES);
  const keys = shown.flatMap((photo) => (photo.imageKey ? [photo.imageKey] : []));
  const uploading = shown.length - keys.length;
  return [
    markdown(`**${label}**${photoCountText(photos.length, MAX_GRID_IMAGES)}`),
    ...(keys.length > 0 ? [imageGrid(keys, photosAlt(label))] : []),
    ...(uploading > 0 ? [markdown(uploadingPhotos(uploading))] : []),
  ];
}

/**
 * The grid and category selects of an open issue: while the report did not say, a question (`known` false, shown
 * before the buttons) — for the category, the likeliest ones from the text as buttons first, the select for any
 * other; once known, 修改网格 / 修改类别 (`known` true, after them) — the reporter and the secretary may correct
 * either; a click by anyone else is refused with a toast.
 */
function placeSelects(view: IssueView, known: boolean): CardElement[] {
  if (!OPEN_STATUSES.includes(view.status)) return [];
  const suggested = view.category === null && view.categorySuggestions.length > 0;
  const selects = [
    {
      known: view.grid !== null,
      question: [markdown(ISSUE_CARD_WORDS.gridQuestion)],
      placeholder: view.grid ? ISSUE_CARD_WORDS.changeGrid : ISSUE_CARD_WORDS.chooseGrid,
      options: view.gridOptions,
      action: "set_grid",
    },
    {
      known: view.category !== null,
      question: suggested
        ? [
            markdown(ISSUE_CARD_WORDS.categorySuggested),
            buttons(view.categorySuggestions.map((c) => ({ text: c.name, value: categoryButtonValue(view.id, c.id) }))),
          ]
        : [markdown(ISSUE_CARD_WORDS.categoryQuestion)],
      placeholder: view.category
        ? ISSUE_CARD_WORDS.changeCategory
        : suggested
          ? ISSUE_CARD_WORDS.otherCategory
          : ISSUE_CARD_WORDS.chooseCategory,
      options: view.categoryOptions,
      action: "set_category",
    },
  ];
  return selects
    .filter((select) => select.known === known && select.options.length > 0)
    .flatMap((select) => [
      ...(known ? [] : select.question),
      selectMenu({
        placeholder: select.placeholder,
        options: select.options.slice(0, MAX_OPTIONS).map((o) => ({ text: o.name, value: String(o.id) })),
        value: actionValue(select.action, view.id),
      }),
    ]);
}

/** The buttons of the current status; a click is checked against the clicker's duty when it arrives. */
function actionElements(view: IssueView): CardElement[] {
  const id = view.id;
  const out: CardElement[] = [];
  if (view.suspectedDuplicateOf !== null && view.status !== "duplicate" && view.status !== "closed") {
    out.push(markdown(suspectedDuplicateLine(view.suspectedDuplicateOf)));
    out.push(
      buttons([
        { text: ACTION_LABELS.merge, value: actionValue("merge", id), type: "primary" },
        { text: ACTION_LABELS.dismiss_duplicate, value: actionValue("dismiss_duplicate", id) },
      ]),
    );
  }
  switch (view.status) {
    case "assigned":
      out.push(
        buttons([
          { text: ACTION_LABELS.accept, value: actionValue("accept", id), type: "primary" },
          { text: ACTION_LABELS.rectify, value: actionValue("rectify", id) },
        ]),
      );
      break;
    case "accepted":
      out.push(buttons([{ text: ACTION_LABELS.rectify, value: actionValue("rectify", id), type: "primary" }]));
      break;
    case "rectified":
      out.push(buttons([{ text: ACTION_LABELS.verify, value: actionValue("verify", id), type: "primary" }]));
      out.push(reasonForm(id, "refuse", ISSUE_CARD_WORDS.refuseReason));
      break;
    default:
      break;
  }
  if (view.status === "reported" || view.status === "assigned" || view.status === "accepted") {
    if (view.assignOptions.length > 0) {
      out.push(
        selectMenu({
          placeholder: view.status === "reported" ? ISSUE_CARD_WORDS.assignTo : ISSUE_CARD_WORDS.reassignTo,
          options: view.assignOptions.slice(0, MAX_OPTIONS).map((p) => ({ text: p.name, value: p.openId })),
          value: actionValue("assign", id),
        }),
      );
    }
    out.push(reasonForm(id, view.status === "reported" ? "reject" : "send_back", ISSUE_CARD_WORDS.otherReason));
  }
  return out;
}

/** The inputs of the card's forms for 延期 and 挂账/缓办, by action; the click handler reads them by these names. */
export const FORM_FIELDS = {
  request_extension: { date: "extension_date", reason: "extension_reason" },
  park: { date: "park_date", reason: "park_plan" },
} as const;

/**
 * 延期 and 挂账/缓办 on the card (behaviour §2.15–2.17): a waiting request with 批准延期 / 不批准, a parked issue's
 * line with 恢复办理; otherwise, while the issue is unfinished, the form to ask for more time (once it is in someone's
 * hands and has a deadline) and the form to park it (挂账 or 缓办). Who may is checked when the click arrives.
 */
function extensionElements(view: IssueView, now: Date, timeZone: string): CardElement[] {
  const id = view.id;
  if (!["reported", "assigned", "accepted"].includes(view.status)) return [];
  if (view.park) {
    const { kind, until, plan } = view.park;
    return [
      markdown(parkedLine(kind, deadlineDate(until, timeZone, now), escapeMarkdown(plan))),
      buttons([{ text: ACTION_LABELS.unpark, value: actionValue("unpark", id) }]),
    ];
  }
  const out: CardElement[] = [];
  if (view.extensionRequest) {
    const { until, reason, approvers } = view.extensionRequest;
    out.push(
      markdown(
        extensionRequestLine(
          deadlineDate(until, timeZone, now),
          escapeMarkdown(reason),
          approvers.map(mention).join(" "),
        ),
      ),
      buttons([
        { text: ACTION_LABELS.approve_extension, value: actionValue("approve_extension", id), type: "primary" },
        { text: ACTION_LABELS.decline_extension, value: actionValue("decline_extension", id), type: "danger" },
      ]),
    );
  } else if (view.status !== "reported" && view.deadline) {
    const fields = FORM_FIELDS.request_extension;
    out.push(
      form(`extension_${id}`, [
        input({ name: fields.date, placeholder: EXTENSION_CARD_WORDS.extensionDate, maxLength: 20 }),
        input({ name: fields.reason, placeholder: EXTENSION_CARD_WORDS.extensionReason, maxLength: 200 }),
        submitButton({
          name: "submit_request_extension",
          text: ACTION_LABELS.request_extension,
          value: actionValue("request_extension", id),
        }),
      ]),
    );
  }
  const fields = FORM_FIELDS.park;
  out.push(
    form(`park_${id}`, [
      input({ name: fields.date, placeholder: EXTENSION_CARD_WORDS.parkDate, maxLength: 20 }),
      input({ name: fields.reason, placeholder: EXTENSION_CARD_WORDS.parkPlan, maxLength: 200 }),
      ...PARK_KINDS.map((kind) =>
        submitButton({ name: `submit_park_${kind}`, text: PARK_KIND_LABELS[kind], value: parkValue(id, kind) }),
      ),
    ]),
  );
  return out;
}

/** The value of a 挂账 or 缓办 button: the kind rides along as `k`. */
export function parkValue(issueId: number, kind: ParkKind): Record<string, unknown> {
  return { ...actionValue("park", issueId), k: kind };
}

/** A one-line reason input with its submit buttons (不予受理 / 退回 / 驳回). */
function reasonForm(issueId: number, primary: "reject" | "send_back" | "refuse", placeholder: string): CardElement {
  const submits = primary === "send_back" ? (["send_back", "reject"] as const) : ([primary] as const);
  return form(`reason_${issueId}`, [
    input({ name: "reason", placeholder, maxLength: 200 }),
    ...submits.map((action) =>
      submitButton({
        name: `submit_${action}`,
        text: ACTION_LABELS[action],
        value: actionValue(action, issueId),
        type: action === "refuse" || action === "reject" ? "danger" : "default",
      }),
    ),
  ]);
}
