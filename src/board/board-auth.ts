import type { Context } from "koa";
import { readBoardToken } from "../access/board-token.ts";
import { boardUnitsOf } from "../commands/board-link.ts";
import { orgOf } from "../db/org-queries.ts";
import { withinUnits } from "../domain/permissions.ts";
import { BOARD_TEXTS } from "../texts/open-data.ts";
import type { BoardDeps } from "./board-deps.ts";

/** A request the board refuses: 401 for a link that is expired or not ours, 403 when it shows nothing any more. */
export class BoardRefusal extends Error {
  constructor(
    readonly status: 401 | 403,
    readonly reason: "expired" | "invalid" | "no_scope" | "not_enabled",
  ) {
    super(
      reason === "expired"
        ? BOARD_TEXTS.expired
        : reason === "invalid"
          ? BOARD_TEXTS.invalid
          : reason === "no_scope"
            ? BOARD_TEXTS.noScope
            : BOARD_TEXTS.notEnabled,
    );
    this.name = "BoardRefusal";
  }
}

/** Who is looking and what they may see, as checked for this one request. */
export interface BoardViewer {
  openId: string;
  /** The units shown, each with everything below it: the link's, cut down to what the person may see now. */
  units: number[];
  /** When the link stops working. */
  expiresAt: Date;
}

/**
 * Checks the link token of a request (`Authorization: Bearer <token>`) on every request and stream: the signature,
 * the expiry, and — because duties change — the units against what the person may see now. Throws BoardRefusal.
 */
export async function viewerOf(deps: BoardDeps, ctx: Context): Promise<BoardViewer> {
  const token = /^Bearer\s+(\S+)$/i.exec(ctx.get("Authorization"))?.[1] ?? "";
  return viewerOfToken(deps, token);
}

/** {@link viewerOf} for a token in hand. */
export async function viewerOfToken(deps: BoardDeps, token: string): Promise<BoardViewer> {
  if (!deps.links) throw new BoardRefusal(401, "not_enabled");
  const read = readBoardToken(deps.links.secret, token, deps.now());
  if (!read.ok) throw new BoardRefusal(401, read.problem);
  const org = await orgOf(deps.db);
  const person = await deps.db.person.findUnique({ where: { openId: read.claims.sub }, select: { id: true } });
  const allowed = boardUnitsOf(org, { id: person?.id ?? null, openId: read.claims.sub }, deps.admins);
  const units = withinUnits(read.claims.units, allowed, org.units);
  if (units.length === 0) throw new BoardRefusal(403, "no_scope");
  return { openId: read.claims.sub, units, expiresAt: new Date(read.claims.exp * 1000) };
}
