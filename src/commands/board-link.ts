import { issueBoardToken } from "../access/board-token.ts";
import type { Db, Tx } from "../db/client.ts";
import { dutiesOf, type Org, orgOf } from "../db/org-queries.ts";
import { visibleUnits, withinUnits } from "../domain/permissions.ts";

/** How board links are made: the secret that signs them, where the bot is reached, how long they last. */
export interface BoardLinkSettings {
  secret: string;
  baseUrl(): string;
  hours: number;
}

/** A personal board link: the URL, the units it shows (by name) and when it stops working. */
export interface BoardLink {
  url: string;
  unitNames: string[];
  expiresAt: Date;
}

/**
 * The units a person may see on the board now (src/domain/permissions.ts), cut down to `within` (the unit of the
 * group the link was asked in) when given. Empty when they may see nothing there.
 */
export function boardUnitsOf(
  org: Org,
  person: { id: number | null; openId: string },
  admins: readonly string[],
  within?: number,
): number[] {
  const duties = person.id === null ? [] : dutiesOf(org, person.id);
  const visible = visibleUnits(duties, admins.includes(person.openId), org.units);
  return within === undefined ? visible : withinUnits([within], visible, org.units);
}

/**
 * A signed, personal link to the board (`<base>/board#t=<token>`), valid for the configured hours, showing what the
 * person may see (in a group: of the group's unit). Null when they may see nothing. The token sits in the URL's
 * fragment, which browsers never send to a server, so it stays out of access logs and Referer headers.
 */
export async function boardLinkFor(
  db: Db | Tx,
  settings: BoardLinkSettings,
  request: { openId: string; admins: readonly string[]; within?: number; now: Date },
): Promise<BoardLink | null> {
  const org = await orgOf(db);
  const person = await db.person.findUnique({ where: { openId: request.openId }, select: { id: true } });
  const units = boardUnitsOf(org, { id: person?.id ?? null, openId: request.openId }, request.admins, request.within);
  if (units.length === 0) return null;
  const expiresAt = new Date(request.now.getTime() + settings.hours * 3_600_000);
  const token = issueBoardToken(settings.secret, { openId: request.openId, units, expiresAt });
  return {
    url: `${settings.baseUrl()}/board#t=${token}`,
    unitNames: units.map((id) => org.units.get(id)?.name ?? ""),
    expiresAt,
  };
}
