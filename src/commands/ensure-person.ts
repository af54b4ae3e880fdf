import type { Tx } from "../db/client.ts";
import { orgOf } from "../db/org-queries.ts";
import { UNREGISTERED_USER } from "../texts/commands.ts";

/**
 * Finds a person by open_id, creating one for a Lark user the org file did not list (known to Lark: the id came in
 * one of its events). Someone with a duty is found in the org snapshot, without a query.
 */
export async function ensurePerson(
  tx: Tx,
  user: { openId: string; name: string },
): Promise<{ id: number; openId: string; name: string }> {
  const [duty] = (await orgOf(tx)).dutiesByOpenId.get(user.openId) ?? [];
  if (duty) return { id: duty.personId, openId: duty.openId, name: duty.name };
  return tx.person.upsert({
    where: { openId: user.openId },
    create: { openId: user.openId, name: user.name || UNREGISTERED_USER, larkStatus: "ok" },
    update: {},
    select: { id: true, openId: true, name: true },
  });
}
