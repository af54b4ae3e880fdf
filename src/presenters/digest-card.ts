/**
 * The 日清日报 card (behaviour §7): the day's figures and account, the overdue list with assignees @-mentioned, what is
 * still due today and what falls due tomorrow, the ranking with its chart, the buttons 查看超期 · 导出台账, the 审阅意见 form, and the definitions. Pure:
 * the figures come from reports/digest.ts, the chart's image key from the caller.
 */

import { assertCardWithinLimits, CardLimitError } from "../lark/card-limits.ts";
import {
  type DigestData,
  type DigestMark,
  digestFigures,
  digestLists,
  digestTitle,
  indicatorSections,
  issueListLine,
  type ListFormat,
  listContext,
  patrolSection,
  rankingLine,
  rankingRule,
  rankingTitle,
  todayAccountLine,
  unrankedLine,
} from "../reports/digest.ts";
import { DIGEST_CARD } from "../texts/cards.ts";
import { escapeMarkdown } from "../texts/escape.ts";
import { formatDateTime, METRICS_DEFINITION, TEXTS } from "../texts/messages.ts";
import { BOARD_TEXTS } from "../texts/open-data.ts";
import { buttons, form, input, select, submitButton } from "./actions.ts";
import { type Card, type CardElement, card } from "./card.ts";
import { fields, hr, image, markdown, mention, note } from "./markdown.ts";

/** How the digest card is presented: its chart, and how its title is marked (预览, 截至, 补发). */
export interface DigestCardOptions extends DigestMark {
  /** The uploaded ranking chart; null when there is no chart (nobody ranked, or the upload failed). */
  imageKey: string | null;
}

/** What a digest button does. */
export type DigestAction = "overdue" | "ledger" | "review";

/** Card value of a digest button: which action, for which unit and date. */
export function digestValue(action: DigestAction, unitId: number, date: string): Record<string, unknown> {
  return { dg: action, u: unitId, d: date };
}

/** Card value of the 挂图作战 button of a street digest: a personal board link of the digest's unit. */
export function boardValue(unitId: number): Record<string, unknown> {
  return { bd: "open", u: unitId };
}

/** Digests of these levels carry the 挂图作战 button (a leader's view of a whole street or district). */
const BOARD_LEVELS: ReadonlySet<string> = new Set(["street", "district"]);

/** Form field of the review text, and of the community it goes to (street digests). */
export const REVIEW_FIELDS = { comment: "comment", target: "target" } as const;

/** The target option meaning every community of a street digest. */
export const ALL_TARGETS = "all";

/** What the 审阅意见 card in a community's work group shows. */
export interface ReviewView {
  reviewId: number;
  leader: string;
  /** The digest's date for people, "11月23日". */
  date: string;
  comment: string;
  /** The community's secretaries, @-mentioned. */
  secretaries: string[];
  /** Set once a secretary confirmed 已阅. */
  read?: { by: string; at: Date };
}

/** Card value of the 已阅 button. */
export function reviewReadValue(reviewId: number): Record<string, unknown> {
  return { rv: "read", r: reviewId };
}

/**
 * A leader's 审阅意见 in a community's work group: the secretaries @-mentioned, the comment, and 已阅 for them to
 * confirm; once confirmed, who read it and when.
 */
export function reviewCard(view: ReviewView, timeZone: string): Card {
  const who = view.secretaries.map(mention).join(" ");
  return card({
    header: { title: DIGEST_CARD.review, template: view.read ? "green" : "orange" },
    elements: [
      markdown(
        `${who ? `${who} ` : ""}${TEXTS.reviewHeading(escapeMarkdown(view.leader), view.date)}\n${escapeMarkdown(view.comment)}`,
      ),
      view.read
        ? note(TEXTS.reviewRead(view.read.by, formatDateTime(view.read.at, timeZone)))
        : buttons([{ text: DIGEST_CARD.read, value: reviewReadValue(view.reviewId), type: "primary" }]),
    ],
  });
}

/** Ranking lines shown before the rest are counted (the chart has them all, up to its own limit). */
const RANKING_LINES = 30;

/**
 * The digest card. Lists are as long as `data` holds them (reports/digest.ts keeps ten of each) and end with
 * "等 N 件" when there are more; the ranking is cut if the card would exceed Lark's size limits.
 */
export function digestCard(data: DigestData, options: DigestCardOptions): Card {
  for (let rankingLines = RANKING_LINES; ; rankingLines = Math.floor(rankingLines / 2)) {
    const built = build(data, options, rankingLines);
    try {
      assertCardWithinLimits(built);
      return built;
    } catch (error) {
      if (!(error instanceof CardLimitError) || rankingLines === 0) throw error;
    }
  }
}

const cardFormat: ListFormat = {
  escape: escapeMarkdown,
  assignee: (a: { name: string; openId: string }) => mention(a.openId),
};

function build(data: DigestData, options: DigestCardOptions, rankingLines: number): Card {
  const { stats } = data;
  return card({
    header: { title: digestTitle(data, options), template: options.preview || options.early ? "wathet" : "blue" },
    elements: [
      fields(digestFigures(data).map((f) => ({ label: f.label, value: f.value }))),
      markdown(todayAccountLine(data)),
      hr(),
      ...digestLists(data).map((list) =>
        markdown(
          listSection(
            list.title,
            list.items.map((item) => issueListLine(listContext(data.unit, data.asOf, data.timeZone), item, cardFormat)),
            list.total,
            list.empty,
            list.overdue,
          ),
        ),
      ),
      ...patrolElements(data),
      hr(),
      markdown(rankingSection(data, rankingLines)),
      options.imageKey && image(options.imageKey, rankingTitle(data)),
      ...indicatorSections(data, escapeMarkdown).map((section) =>
        markdown(
          [
            `**${section.title}**`,
            ...section.lines.slice(0, rankingLines),
            ...(section.lines.length > rankingLines ? [DIGEST_CARD.moreUnits(section.lines.length, "")] : []),
          ].join("\n"),
        ),
      ),
      hr(),
      buttons([
        ...(stats.overdue > 0
          ? [{ text: DIGEST_CARD.showOverdue, value: digestValue("overdue", data.unit.id, data.date) }]
          : []),
        { text: DIGEST_CARD.exportLedger, value: digestValue("ledger", data.unit.id, data.date) },
        ...(BOARD_LEVELS.has(data.unit.level)
          ? [{ text: BOARD_TEXTS.buttonLabel, value: boardValue(data.unit.id) }]
          : []),
      ]),
      reviewForm(data),
      note(`${DIGEST_CARD.definitions(METRICS_DEFINITION)}\n${rankingRule(data)}`),
    ],
  });
}

/** The patrol section (behaviour §14.4), when the digest has one. */
function patrolElements(data: DigestData): CardElement[] {
  const section = patrolSection(data, escapeMarkdown);
  if (!section) return [];
  return [hr(), markdown([`**${section.title}**`, ...section.lines.map((l) => `- ${l}`)].join("\n"))];
}

function listSection(title: string, lines: string[], total: number, empty: string, overdue: boolean): string {
  if (total === 0) return `**${title}**\n${empty}`;
  const more = total > lines.length ? [DIGEST_CARD.moreIssues(total, overdue)] : [];
  return [`**${title}**`, ...lines.map((l) => `- ${l}`), ...more].join("\n");
}

function rankingSection(data: DigestData, limit: number): string {
  const ranked = data.ranking.filter((e) => e.rank !== null);
  const lines = ranked.slice(0, limit).map((e) => rankingLine(e, escapeMarkdown));
  if (ranked.length > lines.length) lines.push(DIGEST_CARD.moreUnits(ranked.length, data.childLabel));
  const unranked = unrankedLine(data, escapeMarkdown);
  if (unranked) lines.push(unranked);
  if (lines.length === 0) lines.push(DIGEST_CARD.noUnits(data.childLabel));
  return [`**${rankingTitle(data)}**`, ...lines].join("\n");
}

/**
 * The 审阅意见 form: a leader's comment goes to the work groups of the digest's community; on a digest above
 * community level the leader picks a community (or all).
 */
function reviewForm(data: DigestData): CardElement {
  const targets = data.ranking.map((e) => e.stats.unit).filter((u) => u.level === "community");
  const elements: CardElement[] = [];
  if (targets.length > 0) {
    elements.push({
      ...select({
        placeholder: DIGEST_CARD.reviewTarget,
        options: [
          { text: DIGEST_CARD.allCommunities, value: ALL_TARGETS },
          ...targets.map((u) => ({ text: u.name, value: String(u.id) })),
        ],
        value: digestValue("review", data.unit.id, data.date),
        initialOption: ALL_TARGETS,
      }),
      name: REVIEW_FIELDS.target,
    });
  }
  elements.push(
    input({
      name: REVIEW_FIELDS.comment,
      label: DIGEST_CARD.review,
      placeholder: targets.length > 0 ? DIGEST_CARD.reviewToChosen : DIGEST_CARD.reviewToCommunity,
      maxLength: 500,
    }),
    submitButton({
      name: "submit_review",
      text: DIGEST_CARD.submitReview,
      value: digestValue("review", data.unit.id, data.date),
      type: "primary",
    }),
  );
  return form(`review_${data.unit.id}`, elements);
}
