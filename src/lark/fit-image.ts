/**
 * Photos for Lark's image upload, which refuses anything over 10 MB (234006). Phone originals can be larger: they are
 * kept as they are in the photo store and only the copy uploaded for cards and digests is made smaller — turned
 * upright, scaled to fit a square of at most 4096 px (less if need be) and re-encoded as JPEG. sharp (libvips, shipped
 * prebuilt inside npm packages) does the work on libuv's thread pool, off the event loop.
 */

/** Lark's upload limit for images. */
export const LARK_IMAGE_MAX_BYTES = 10 * 1024 * 1024;

/** Sizes and qualities tried in turn until the photo fits; the first one keeps a phone photo sharp on any screen. */
const ATTEMPTS = [
  { side: 4096, quality: 85 },
  { side: 3072, quality: 80 },
  { side: 2048, quality: 75 },
  { side: 1280, quality: 70 },
] as const;

/**
 * The bytes to upload for a photo: the photo itself when Lark takes it, otherwise a re-encoded JPEG under the limit.
 * Throws when the bytes cannot be decoded (the upload would be refused anyway).
 */
export async function fitForLark(photo: Buffer, maxBytes = LARK_IMAGE_MAX_BYTES): Promise<Buffer> {
  if (photo.length <= maxBytes) return photo;
  const { default: sharp } = await import("sharp");
  for (const { side, quality } of ATTEMPTS) {
    const smaller = await sharp(photo, { limitInputPixels: false })
      .rotate()
      .resize({ width: side, height: side, fit: "inside", withoutEnlargement: true })
      .jpeg({ quality })
      .toBuffer();
    if (smaller.length <= maxBytes) return smaller;
  }
  throw new Error(`photo of ${photo.length} bytes does not fit Lark's ${maxBytes}-byte limit even at 1280 px`);
}
