import { HELP_CARD } from "../texts/cards.ts";
import { card } from "./card.ts";
import { markdown, note } from "./markdown.ts";

/** The help card: what to post and which commands exist (behaviour §5). */
export function helpCard() {
  return card({
    header: { title: HELP_CARD.title, template: "blue" },
    elements: [
      markdown(HELP_CARD.posting.join("\n")),
      markdown(HELP_CARD.commands.join("\n")),
      note(HELP_CARD.english),
    ],
  });
}
