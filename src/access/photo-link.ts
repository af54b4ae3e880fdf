import { z } from "zod";
import { readClaims, signClaims } from "./signed-claims.ts";

/** Where signed photo links point; `GET PHOTO_PATH/<id>?k=<token>`. */
export const PHOTO_PATH = "/media/photos";

const claimsSchema = z.object({ photo: z.number().int().positive(), exp: z.number().int() });

/**
 * The path of a link to one stored photo, valid until `expiresAt` (rounded up to the hour, so the links of one page
 * load are the same URLs and browsers cache them). Whoever holds the link may fetch the photo; nothing else.
 */
export function photoLinkPath(secret: string, photoId: number, expiresAt: Date): string {
  const exp = Math.ceil(expiresAt.getTime() / 3_600_000) * 3600;
  return `${PHOTO_PATH}/${photoId}?k=${signClaims(secret, "photo", { photo: photoId, exp })}`;
}

/** Whether `token` is a valid link to photo `photoId` at `now`. */
export function photoLinkValid(secret: string, photoId: number, token: string, now: Date): boolean {
  const read = readClaims(secret, "photo", token, now, (v) => {
    const parsed = claimsSchema.safeParse(v);
    return parsed.success ? parsed.data : undefined;
  });
  return read.ok && read.claims.photo === photoId;
}
