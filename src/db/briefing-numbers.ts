import type { Db, Tx } from "./client.ts";
import { insertUnlessTaken } from "./once.ts";

/** A street's briefing of one cadence and period. */
export interface BriefingSlot {
  unitId: number;
  cadence: string;
  period: { from: Date; to: Date };
}

/** Most attempts at a number when other processes keep taking the next one first. */
const ATTEMPTS = 5;

async function givenNumber(db: Db | Tx, slot: BriefingSlot): Promise<number | null> {
  const given = await db.briefing.findUnique({
    where: { unitId_cadence_periodFrom: { unitId: slot.unitId, cadence: slot.cadence, periodFrom: slot.period.from } },
    select: { number: true },
  });
  return given?.number ?? null;
}

async function nextNumber(db: Db | Tx, unitId: number): Promise<number> {
  const last = await db.briefing.aggregate({ where: { unitId }, _max: { number: true } });
  return (last._max.number ?? 0) + 1;
}

/** The number the slot's briefing has, or would get if it were issued now (a dry run), without recording anything. */
export async function peekBriefingNumber(db: Db | Tx, slot: BriefingSlot): Promise<number> {
  return (await givenNumber(db, slot)) ?? nextNumber(db, slot.unitId);
}

/**
 * The number (第N期) of the slot's briefing: the one it was given when first issued, else the street's next one,
 * recorded now. Two processes issuing the same slot get the same number, and two slots never share one (both are
 * unique keys, so whoever loses a race reads what the winner wrote).
 */
export async function briefingNumber(db: Db | Tx, slot: BriefingSlot): Promise<number> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const given = await givenNumber(db, slot);
    if (given !== null) return given;
    const number = await nextNumber(db, slot.unitId);
    const inserted = await insertUnlessTaken(db, () =>
      db.briefing.create({
        data: {
          unitId: slot.unitId,
          cadence: slot.cadence,
          periodFrom: slot.period.from,
          periodTo: slot.period.to,
          number,
        },
      }),
    );
    if (inserted) return number;
  }
  throw new Error(`no briefing number for unit ${slot.unitId} after ${ATTEMPTS} attempts`);
}
