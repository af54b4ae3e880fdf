import { readFile } from "node:fs/promises";

/** Thumbnails are this many pixels: 4:3, enough for 3 cm on paper at about 135 dpi. */
export const THUMBNAIL_PX = { width: 160, height: 120 } as const;

/** The image types a stored photo may be, by their first bytes. */
function imageType(data: Buffer): string | null {
  if (data.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return "image/jpeg";
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (data.subarray(0, 4).toString("latin1") === "GIF8") return "image/gif";
  return null;
}

/**
 * A small PNG of a photo file for printing (`size`, by default {@link THUMBNAIL_PX}, the photo cropped to fill it), or
 * null when the file is missing or not an image resvg can decode (JPEG, PNG, GIF). Rendered by resvg on libuv's
 * worker threads, off the event loop.
 */
export async function photoThumbnail(
  file: string,
  size: { width: number; height: number } = THUMBNAIL_PX,
): Promise<Buffer | null> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch {
    return null;
  }
  const type = imageType(data);
  if (!type) return null;
  const { width, height } = size;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<image width="${width}" height="${height}" preserveAspectRatio="xMidYMid slice" ` +
    `href="data:${type};base64,${data.toString("base64")}"/></svg>`;
  const { renderAsync } = await import("@resvg/resvg-js");
  try {
    const image = await renderAsync(svg, { background: "#ffffff", font: { loadSystemFonts: false }, logLevel: "off" });
    return image.asPng();
  } catch {
    return null;
  }
}
