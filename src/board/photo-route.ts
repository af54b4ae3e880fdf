import { readFile, stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import type Router from "@koa/router";
import { PHOTO_PATH, photoLinkValid } from "../access/photo-link.ts";
import type { Db } from "../db/client.ts";
import { withoutCameraMetadata } from "../lark/fit-image.ts";

/**
 * GET /media/photos/<id>?k=<signed>: one stored photo, for whoever holds a link the board or the API signed (see
 * src/access/photo-link.ts), without where it was taken (behaviour §14.8). A link that is forged, expired or for
 * another photo gets 403; nothing else is served.
 */
export function photoRoute(
  router: Router,
  deps: { db: Db; dataDir: string; secret: string | undefined; now: () => Date },
) {
  router.get(`${PHOTO_PATH}/:id`, async (ctx) => {
    const id = Number(ctx.params.id);
    const token = typeof ctx.query.k === "string" ? ctx.query.k : "";
    if (!deps.secret || !Number.isInteger(id) || !photoLinkValid(deps.secret, id, token, deps.now())) {
      ctx.status = 403;
      ctx.body = "forbidden";
      return;
    }
    const photo = await deps.db.photo.findUnique({ where: { id }, select: { path: true, mime: true } });
    const root = resolve(deps.dataDir);
    const file = photo ? resolve(join(root, photo.path)) : undefined;
    if (!file?.startsWith(root + sep) || !(await stat(file).catch(() => undefined))?.isFile()) {
      ctx.status = 404;
      ctx.body = "not found";
      return;
    }
    ctx.type = photo?.mime ?? "application/octet-stream";
    ctx.set("Cache-Control", "private, max-age=3600");
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.body = await withoutCameraMetadata(await readFile(file));
  });
}
