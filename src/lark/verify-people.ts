import type { Db } from "../db/client.ts";
import { type LarkClient, USERS_BATCH_SIZE } from "./client.ts";

/** What a check of people's open_ids found. */
export interface PeopleCheck {
  checked: number;
  /** People whose open_id Lark does not know to this app (another app's id, a typo, someone who left). */
  unknown: { openId: string; name: string }[];
}

/**
 * Asks Lark, 50 at a time, whether it knows each open_id (all people, or those given) and records the answer on the
 * person (`larkStatus` ok | unknown): the outbox never @-mentions an unknown one. `record: false` only reports (the
 * doctor). Throws the LarkApiError of a refused call (e.g. 99991672 without the contact scope), recording nothing more.
 */
export async function verifyPeople(
  db: Db,
  client: Pick<LarkClient, "getUsers">,
  options: { openIds?: readonly string[]; record?: boolean; now?: Date } = {},
): Promise<PeopleCheck> {
  const people = await db.person.findMany({
    where: options.openIds ? { openId: { in: [...options.openIds] } } : {},
    select: { openId: true, name: true },
    orderBy: { id: "asc" },
  });
  const unknown: PeopleCheck["unknown"] = [];
  for (let i = 0; i < people.length; i += USERS_BATCH_SIZE) {
    const batch = people.slice(i, i + USERS_BATCH_SIZE);
    const known = new Set((await client.getUsers(batch.map((p) => p.openId))).map((u) => u.openId));
    const missing = batch.filter((p) => !known.has(p.openId));
    unknown.push(...missing);
    if (options.record === false) continue;
    const larkCheckedAt = options.now ?? new Date();
    const ok = batch.filter((p) => known.has(p.openId)).map((p) => p.openId);
    await db.person.updateMany({ where: { openId: { in: ok } }, data: { larkStatus: "ok", larkCheckedAt } });
    await db.person.updateMany({
      where: { openId: { in: missing.map((p) => p.openId) } },
      data: { larkStatus: "unknown", larkCheckedAt },
    });
  }
  return { checked: people.length, unknown };
}
