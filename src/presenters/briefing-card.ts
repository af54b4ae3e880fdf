/**
 * The 工作简报's card in a leader group (behaviour §15.1): the headline figures with 环比, the units with 🚩 and 🟨,
 * the 约谈 list, and a line saying the whole briefing is the Word file posted with it. Pure: a function of the
 * briefing's data (reports/briefing.ts).
 */

import {
  type BriefingData,
  FIGURE_KEYS,
  figureChange,
  figureValue,
  flaggedNames,
  formatFigure,
} from "../reports/briefing.ts";
import {
  ATTACHMENT_NOTE,
  BRIEFING_FIGURES,
  briefingCardTitle,
  CADENCE_WORDS,
  cardFlags,
  cardTalks,
  issueNumber,
  valueWithChange,
} from "../texts/briefing.ts";
import { escapeMarkdown } from "../texts/escape.ts";
import { type Card, card } from "./card.ts";
import { fields, markdown, note } from "./markdown.ts";

/** The briefing's card; its numbers are the document's. */
export function briefingCard(data: BriefingData): Card {
  const previous = CADENCE_WORDS[data.cadence].previous;
  const flagged = flaggedNames(data);
  const red = flagged.red.map(escapeMarkdown);
  const yellow = flagged.yellow.map(escapeMarkdown);
  return card({
    header: {
      title: briefingCardTitle(issueNumber(data.number), data.unit.name, data.periodName),
      template: "red",
    },
    elements: [
      fields(
        FIGURE_KEYS.map((key) => ({
          label: BRIEFING_FIGURES[key],
          value: valueWithChange(
            formatFigure(key, figureValue(key, data.stats)),
            previous,
            figureChange(key, data.stats, data.previous),
          ),
        })),
      ),
      (red.length > 0 || yellow.length > 0) && markdown(cardFlags(red, yellow)),
      data.talks.length > 0 && markdown(cardTalks(data.talks.map((t) => escapeMarkdown(t.unit.name)))),
      note(ATTACHMENT_NOTE),
    ],
  });
}
