// behaviour §11.5
import { afterEach, describe, expect, it } from "vitest";
import { type DatabaseBefore, databaseBefore } from "../support/migration-db.ts";

const MIGRATION = "20261206180000_inbound_without_token";

/** Events as earlier versions stored them: flattened, with the verification token (or a card's update token). */
const STORED: Record<string, unknown>[] = [
  {
    schema: "2.0",
    event_id: "ev_1",
    token: "verification-token-value",
    create_time: "1764032400000",
    event_type: "im.message.receive_v1",
    message: { message_id: "om_1", content: JSON.stringify({ text: '上报 "token":"x" 堆物 \ud800' }) },
  },
  {
    schema: "2.0",
    event_id: "ev_2",
    token: "c-card-update-token",
    event_type: "card.action.trigger",
    action: { value: { a: "accept", i: 1 } },
  },
  { token: "verification-token-value", event_id: "ev_3", event_type: "im.chat.member.bot.added_v1" },
  { event_id: "ev_4", event_type: "im.message.receive_v1" },
];

describe("the migration that takes the token out of stored events", () => {
  let before: DatabaseBefore | undefined;
  afterEach(async () => {
    await before?.close();
    before = undefined;
  });

  it("removes the token from every stored event and leaves the rest of each event as it was", async () => {
    before = await databaseBefore(MIGRATION);
    const { db } = before;
    for (const event of STORED) {
      await db.inboundEvent.create({
        data: { eventId: String(event.event_id), eventType: String(event.event_type), payload: JSON.stringify(event) },
      });
    }

    expect(await before.migrateRest()).toContain(MIGRATION);

    const rows = await db.inboundEvent.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => JSON.parse(r.payload))).toEqual(STORED.map(({ token: _, ...kept }) => kept));
    expect(rows.map((r) => r.payload).join("\n")).not.toMatch(/verification-token-value|c-card-update-token/);
  });
});
