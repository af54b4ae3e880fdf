import { escapeMarkdown } from "../texts/escape.ts";
import { PATROL_CARD, pointLabel } from "../texts/patrol.ts";
import { buttons } from "./actions.ts";
import { type Card, card } from "./card.ts";
import { markdown, note } from "./markdown.ts";

/** A point on the card of today's points: its line, and its id when it still waits for a visit. */
export interface TodayCardPoint {
  line: string;
  point: { id: number; name: string; key: boolean };
  visited: boolean;
}

/** The value a point's button carries: its check-in without problems. */
export function patrolCheckInValue(pointId: number): Record<string, unknown> {
  return { pt: "ok", p: pointId };
}

/**
 * The card a patroller gets for 巡查 alone in a group (behaviour §14.3): today's points, and for each one not yet
 * visited a button that checks in there without problems, with the photo they sent just before.
 */
export function todayPatrolCard(title: string, points: readonly TodayCardPoint[]): Card {
  const open = [...new Map(points.filter((p) => !p.visited).map((p) => [p.point.id, p.point])).values()];
  return card({
    header: { title, template: "turquoise" },
    elements: [
      markdown(points.map((p) => `- ${escapeMarkdown(p.line)}`).join("\n")),
      ...open.map((p) =>
        buttons([{ text: PATROL_CARD.button(pointLabel(p.name, p.key)), value: patrolCheckInValue(p.id) }]),
      ),
      note(PATROL_CARD.note),
    ],
  });
}
