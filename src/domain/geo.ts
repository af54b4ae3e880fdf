/**
 * Areas and places on the map (WGS84 longitude/latitude, as GeoJSON writes them): grid outlines from the org import,
 * and which grid a reported position falls in.
 */

import booleanPointInPolygon from "@turf/boolean-point-in-polygon";
import { z } from "zod";

const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).rest(z.number());
const ring = z.array(position).min(4);
const polygon = z.object({ type: z.literal("Polygon"), coordinates: z.array(ring).min(1) });
const multiPolygon = z.object({ type: z.literal("MultiPolygon"), coordinates: z.array(z.array(ring).min(1)).min(1) });
const geometry = z.discriminatedUnion("type", [polygon, multiPolygon]);

/** A unit's outline: a GeoJSON Polygon or MultiPolygon. */
export type AreaGeometry = z.infer<typeof geometry>;

/**
 * The outline written in an import cell: GeoJSON text of a Polygon or MultiPolygon, or of a Feature holding one
 * (properties are dropped). Null when it is not that.
 */
export function parseAreaGeometry(text: string): AreaGeometry | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const candidate =
    typeof value === "object" && value !== null && (value as { type?: unknown }).type === "Feature"
      ? (value as { geometry?: unknown }).geometry
      : value;
  const parsed = geometry.safeParse(candidate);
  return parsed.success ? ({ type: parsed.data.type, coordinates: parsed.data.coordinates } as AreaGeometry) : null;
}

/** A stored outline (JSON from the database) as a geometry, or null when there is none or it is malformed. */
export function storedAreaGeometry(value: unknown): AreaGeometry | null {
  const parsed = geometry.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Whether a latitude/longitude pair is a position on earth. */
export function isPosition(lat: number, long: number): boolean {
  return Number.isFinite(lat) && Number.isFinite(long) && Math.abs(lat) <= 90 && Math.abs(long) <= 180;
}

/** The first of `areas` whose outline contains the position, or undefined. */
export function areaAt<A extends { boundary: AreaGeometry }>(
  areas: readonly A[],
  lat: number,
  long: number,
): A | undefined {
  return areas.find((a) => booleanPointInPolygon([long, lat], a.boundary));
}

const EARTH_RADIUS_M = 6_371_000;

/** The great-circle distance between two WGS84 positions, in metres (haversine). */
export function distanceMeters(a: { lat: number; long: number }, b: { lat: number; long: number }): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLong = rad(b.long - a.long);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLong / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
