import { z } from "zod";
import { readClaims, signClaims, type TokenProblem } from "./signed-claims.ts";

/** Who a board link is for and which units it shows (see src/domain/permissions.ts), until when. */
export interface BoardClaims {
  /** The person's open_id. */
  sub: string;
  /** Unit ids the link shows, each with everything below it. */
  units: number[];
  exp: number;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  units: z.array(z.number().int().positive()).min(1).max(50),
  exp: z.number().int(),
});

/** A signed board token for a person and units, valid until `expiresAt`. */
export function issueBoardToken(
  secret: string,
  claims: { openId: string; units: readonly number[]; expiresAt: Date },
): string {
  return signClaims(secret, "board", {
    sub: claims.openId,
    units: [...claims.units],
    exp: Math.floor(claims.expiresAt.getTime() / 1000),
  });
}

/** The claims of a board token, or why it is refused. */
export function readBoardToken(
  secret: string,
  token: string,
  now: Date,
): { ok: true; claims: BoardClaims } | { ok: false; problem: TokenProblem } {
  return readClaims(secret, "board", token, now, (v) => {
    const parsed = claimsSchema.safeParse(v);
    return parsed.success ? parsed.data : undefined;
  });
}
