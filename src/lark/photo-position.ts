/**
 * Where a photo says it was taken: the GPS position in its EXIF, when the camera wrote one (behaviour §14.8). Read
 * from the stored original; the copies Riqing re-posts carry no EXIF (fit-image.ts).
 */
import { readFile } from "node:fs/promises";
import exifr from "exifr";

/** A position in WGS84 degrees, as cameras write it. */
export interface PhotoPosition {
  lat: number;
  long: number;
}

/** The GPS position in the photo file's EXIF, or null when it has none (or is not a photo exifr reads). */
export async function photoPosition(path: string): Promise<PhotoPosition | null> {
  try {
    const gps = await exifr.gps(await readFile(path));
    const { latitude, longitude } = gps ?? {};
    if (typeof latitude !== "number" || typeof longitude !== "number") return null;
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude) > 90) return null;
    if (Math.abs(longitude) > 180 || (latitude === 0 && longitude === 0)) return null;
    return { lat: latitude, long: longitude };
  } catch {
    return null;
  }
}
