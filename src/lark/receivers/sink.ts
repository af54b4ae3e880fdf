import type { Log } from "../../log.ts";
import { TEXTS } from "../../texts/messages.ts";
import type { FlatEvent } from "../flat-event.ts";
import type { CardAnswer, InboxStore } from "../inbox-store.ts";

/** Where both receivers hand a verified event; resolves with the inline answer for card callbacks. */
export type ReceiverSink = (event: FlatEvent) => Promise<CardAnswer | undefined>;

/** How long a card callback may wait for its real answer before Lark gets a holding toast (Lark allows 3 s). */
export const CARD_ANSWER_BUDGET_MS = 1_000;

/**
 * The holding answer when the work outlives the budget; the card is patched when it finishes, and a refusal is
 * posted to the card's thread (see Inbox).
 */
const WORKING: CardAnswer = { toast: { type: "info", content: TEXTS.working } };

/**
 * Acknowledge-first: store the event durably (de-duplicated), then answer. For card callbacks, wait up to
 * CARD_ANSWER_BUDGET_MS for the processor's answer so Lark can show it inline.
 */
export function createSink(store: InboxStore, log: Log): ReceiverSink {
  return async (event) => {
    const stored = await store.accept(event);
    if (event.event_type !== "card.action.trigger") return undefined;
    if (stored.status === "duplicate" || stored.id === undefined) return {};
    const answer = await store.answer(stored, CARD_ANSWER_BUDGET_MS);
    if (answer === undefined) log.info({ eventId: event.event_id }, "card answer late; sent holding toast");
    return answer ?? WORKING;
  };
}
