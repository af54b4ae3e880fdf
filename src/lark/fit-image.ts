/**
 * Photos for Lark's image upload, which refuses anything over 10 MB (234006), and without what the camera wrote into
 * them (behaviour §14.8): a phone photo's EXIF carries where it was taken, and a re-posted photo must not tell
 * everyone in a group where the person who took it stood. Originals are kept as they are in the photo store; only
 * the copy uploaded for cards and digests is changed — turned upright, its metadata dropped, and when it is too large
 * scaled to fit a square of at most 4096 px (less if need be) and re-encoded as JPEG. sharp (libvips, shipped
 * prebuilt inside npm packages) does the work on libuv's thread pool, off the event loop.
 */
import type { Metadata, Sharp } from "sharp";

/** Lark's upload limit for images. */
export const LARK_IMAGE_MAX_BYTES = 10 * 1024 * 1024;

/** Sizes and qualities tried in turn until the photo fits; the first one keeps a phone photo sharp on any screen. */
const ATTEMPTS = [
  { side: 4096, quality: 85 },
  { side: 3072, quality: 80 },
  { side: 2048, quality: 75 },
  { side: 1280, quality: 70 },
] as const;

/** JPEG quality of a photo re-encoded only to drop its metadata: hardly distinguishable from the original. */
const CLEAN_QUALITY = 92;

/**
 * Byte strings every EXIF, XMP or IPTC block carries (JPEG APP1/APP13 headers, PNG and WebP chunk names, the XMP
 * namespace): an image without any of them has no such metadata, so it needs no decoding to be sure.
 */
const METADATA_MARKS: readonly Buffer[] = [
  "Exif\0",
  "eXIf",
  "EXIF",
  "http://ns.adobe.com/xap/",
  "XML:com.adobe.xmp",
  "Photoshop 3.0",
].map((mark) => Buffer.from(mark, "latin1"));

/** Whether the image carries metadata that may say where or by whom it was taken (EXIF, XMP, IPTC). */
function hasMetadata(meta: Metadata): boolean {
  return meta.exif !== undefined || meta.xmp !== undefined || meta.iptc !== undefined;
}

/** The photo upright, at its size, without its metadata: PNG and WebP stay in their format, the rest become JPEG. */
function withoutMetadata(image: Sharp, format: string | undefined): Promise<Buffer> {
  const upright = image.rotate();
  if (format === "png") return upright.png().toBuffer();
  if (format === "webp") return upright.webp({ quality: CLEAN_QUALITY }).toBuffer();
  return upright.jpeg({ quality: CLEAN_QUALITY }).toBuffer();
}

/**
 * The bytes to upload for a photo: the photo itself when Lark takes it and it carries no metadata; otherwise a copy
 * without metadata, re-encoded as a smaller JPEG when it is over the limit. Bytes sharp cannot read (a format it has
 * no decoder for) go as they are when they fit. Throws when a photo over the limit cannot be decoded (the upload
 * would be refused anyway).
 */
export async function fitForLark(photo: Buffer, maxBytes = LARK_IMAGE_MAX_BYTES): Promise<Buffer> {
  // Most uploads (charts, screenshots) carry none: they go as they are without loading sharp at all.
  if (photo.length <= maxBytes && !METADATA_MARKS.some((mark) => photo.includes(mark))) return photo;
  const { default: sharp } = await import("sharp");
  const meta = await sharp(photo, { limitInputPixels: false })
    .metadata()
    .catch(() => null);
  if (photo.length <= maxBytes) {
    if (!meta || !hasMetadata(meta)) return photo;
    const clean = await withoutMetadata(sharp(photo, { limitInputPixels: false }), meta.format);
    if (clean.length <= maxBytes) return clean;
  }
  for (const { side, quality } of ATTEMPTS) {
    // sharp writes no metadata unless asked (withMetadata), so every smaller copy is clean too.
    const smaller = await sharp(photo, { limitInputPixels: false })
      .rotate()
      .resize({ width: side, height: side, fit: "inside", withoutEnlargement: true })
      .jpeg({ quality })
      .toBuffer();
    if (smaller.length <= maxBytes) return smaller;
  }
  throw new Error(`photo of ${photo.length} bytes does not fit Lark's ${maxBytes}-byte limit even at 1280 px`);
}

/**
 * A stored photo as Riqing shows it outside Lark (the board, the API's photo links): upright and without its camera
 * metadata, at its own size (behaviour §14.8). The stored original keeps what it came with.
 */
export function withoutCameraMetadata(photo: Buffer): Promise<Buffer> {
  return fitForLark(photo, Number.POSITIVE_INFINITY);
}
