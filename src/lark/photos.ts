/**
 * Photos in and out of Lark. Incoming images are downloaded, checked by their bytes (not the declared type) and
 * stored content-addressed under `${dataDir}/photos/ab/cd/<sha256>.<ext>`, so the same photo sent twice is stored
 * once. Outgoing photos are uploaded to Lark once per content hash; the image key is cached in LarkImage.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Db } from "../db/client.ts";
import { PHOTO_REJECTION_TEXTS } from "../texts/lark.ts";
import type { LarkClient } from "./client.ts";
import { LarkApiError } from "./errors.ts";
import { fitForLark } from "./fit-image.ts";
import { ResourceTooLargeError } from "./transport/read-all.ts";

/**
 * The largest photo Riqing keeps (Lark hands out message images up to 100 MB; phone originals stay far below). Photos
 * over Lark's 10 MB upload limit are kept whole and made smaller only for upload (`fitForLark`).
 */
export const PHOTO_MAX_BYTES = 50 * 1024 * 1024;

/** Image types Riqing keeps. */
export type PhotoMime = "image/jpeg" | "image/png" | "image/gif" | "image/webp" | "image/heic";

const EXTENSIONS: Record<PhotoMime, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/heic": "heic",
};

/** Why a photo was not kept. */
export type PhotoRejection = keyof typeof PHOTO_REJECTION_TEXTS;

/** A photo stored on disk. */
export interface StoredPhoto {
  ok: true;
  imageKey: string;
  sha256: string;
  /** Relative to the data folder (what Photo.path holds). */
  path: string;
  absolutePath: string;
  size: number;
  mime: PhotoMime;
  /** Its file was written now: the data folder had no photo with this content. */
  firstSeen: boolean;
}

/** A photo that was not kept, with the Chinese message for the sender. */
export interface RejectedPhoto {
  ok: false;
  imageKey: string;
  reason: PhotoRejection;
  message: string;
  /** The Lark failure behind `download_failed`. */
  error?: LarkApiError;
}

/** Outcome for one image of a message. */
export type PhotoResult = StoredPhoto | RejectedPhoto;

/** Options of `downloadMessageImages`. */
export interface PhotoOptions {
  dataDir: string;
  /** Default `PHOTO_MAX_BYTES`. */
  maxBytes?: number;
}

/**
 * Downloads the images of one message and stores each that is a real image within the size limit. Never throws
 * for a single bad image: each gets a result, kept or rejected with a reason.
 */
export async function downloadMessageImages(
  client: Pick<LarkClient, "downloadResource">,
  messageId: string,
  imageKeys: readonly string[],
  options: PhotoOptions,
): Promise<PhotoResult[]> {
  const maxBytes = options.maxBytes ?? PHOTO_MAX_BYTES;
  const results: PhotoResult[] = [];
  for (const imageKey of imageKeys) {
    let data: Buffer;
    try {
      ({ data } = await client.downloadResource({ messageId, fileKey: imageKey, type: "image", maxBytes }));
    } catch (e) {
      if (e instanceof ResourceTooLargeError) {
        results.push(reject(imageKey, "too_big"));
        continue;
      }
      if (e instanceof LarkApiError) {
        results.push({ ...reject(imageKey, "download_failed"), error: e });
        continue;
      }
      throw e;
    }
    const mime = sniffImage(data);
    if (!mime) {
      results.push(reject(imageKey, "not_image"));
      continue;
    }
    const stored = await storePhoto(options.dataDir, data, mime);
    results.push({ ok: true, imageKey, ...stored });
  }
  return results;
}

function reject(imageKey: string, reason: PhotoRejection): RejectedPhoto {
  return { ok: false, imageKey, reason, message: PHOTO_REJECTION_TEXTS[reason] };
}

/** The image type of some bytes, from their magic numbers; undefined when they are not a kept image type. */
export function sniffImage(data: Buffer): PhotoMime | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return "image/jpeg";
  if (data.length >= 8 && data.subarray(0, 8).equals(PNG_MAGIC)) return "image/png";
  const head6 = data.subarray(0, 6).toString("latin1");
  if (head6 === "GIF87a" || head6 === "GIF89a") return "image/gif";
  if (data.length >= 12 && data.subarray(0, 4).toString("latin1") === "RIFF") {
    if (data.subarray(8, 12).toString("latin1") === "WEBP") return "image/webp";
  }
  if (data.length >= 12 && data.subarray(4, 8).toString("latin1") === "ftyp") {
    if (HEIC_BRANDS.has(data.subarray(8, 12).toString("latin1"))) return "image/heic";
  }
  return undefined;
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** ISO-BMFF major brands of HEIC/HEIF stills (what phones write). */
const HEIC_BRANDS = new Set(["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"]);

/**
 * Stores bytes under their SHA-256 (`photos/ab/cd/<sha256>.<ext>`), writing a temp file and renaming it so a crash
 * never leaves half a photo. Skips the write when the file is already there (`firstSeen` false).
 */
export async function storePhoto(
  dataDir: string,
  data: Buffer,
  mime: PhotoMime,
): Promise<Omit<StoredPhoto, "ok" | "imageKey">> {
  const sha256 = createHash("sha256").update(data).digest("hex");
  const path = join("photos", sha256.slice(0, 2), sha256.slice(2, 4), `${sha256}.${EXTENSIONS[mime]}`);
  const absolutePath = join(dataDir, path);
  const firstSeen = !(await exists(absolutePath));
  if (firstSeen) {
    await mkdir(dirname(absolutePath), { recursive: true });
    const temp = `${absolutePath}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await writeFile(temp, data);
      await rename(temp, absolutePath);
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
  }
  return { sha256, path, absolutePath, size: data.length, mime, firstSeen };
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Lark image keys for stored photos (and charts), per bot instance: from LarkImage when a photo was uploaded before,
 * otherwise by uploading the file once — made smaller first when it is over Lark's 10 MB limit, the stored original
 * untouched — and remembering the key. Concurrent callers for one photo share one upload.
 */
export class ImageKeys {
  private readonly uploading = new Map<string, Promise<string>>();

  constructor(
    private readonly db: Pick<Db, "$queryRaw">,
    private readonly client: Pick<LarkClient, "uploadImage">,
  ) {}

  /**
   * The image key of the photo with this content; `filePath` must be readable as given (Photo.path under DATA_DIR).
   * A photo `firstSeen` (its file written just now) was never uploaded from here: it is uploaded without looking
   * first (should another instance have uploaded it, the key kept is still that one).
   */
  async of(sha256: string, filePath: string, firstSeen = false): Promise<string> {
    const cached = firstSeen ? undefined : await this.stored(sha256);
    if (cached) return cached;
    let pending = this.uploading.get(sha256);
    if (!pending) {
      pending = this.upload(sha256, filePath).finally(() => this.uploading.delete(sha256));
      this.uploading.set(sha256, pending);
    }
    return pending;
  }

  /** The image keys of stored photos (`path` under `dataDir`, as Photo.path), in order; see {@link of}. */
  async ofPhotos(
    dataDir: string,
    photos: readonly { sha256: string; path: string; firstSeen?: boolean }[],
  ): Promise<string[]> {
    const keys: string[] = [];
    for (const photo of photos) keys.push(await this.of(photo.sha256, join(dataDir, photo.path), photo.firstSeen));
    return keys;
  }

  private async upload(sha256: string, filePath: string): Promise<string> {
    const imageKey = await this.client.uploadImage(await fitForLark(await readFile(filePath)));
    // Another process may have uploaded the same photo meanwhile; both keys work, the first one stays.
    const [kept] = await this.db.$queryRaw<{ imageKey: string }[]>`
      INSERT INTO "LarkImage" ("sha256", "imageKey", "uploadedAt") VALUES (${sha256}, ${imageKey}, ${new Date()})
      ON CONFLICT ("sha256") DO NOTHING RETURNING "imageKey"`;
    return kept?.imageKey ?? (await this.stored(sha256)) ?? imageKey;
  }

  /** The key kept for this content, if it was uploaded before. Raw: Prisma does not compile it. */
  private async stored(sha256: string): Promise<string | undefined> {
    const [row] = await this.db.$queryRaw<{ imageKey: string }[]>`
      SELECT "imageKey" FROM "LarkImage" WHERE "sha256" = ${sha256}`;
    return row?.imageKey;
  }
}
