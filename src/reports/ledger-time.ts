import { zoneOffsetMs } from "../domain/deadline.ts";

/**
 * Time-zone handling for the ledger workbook.
 *
 * Excel has no notion of time zones: a date cell stores a serial number of days since 1900 and is shown as-is,
 * whatever zone the reader is in. exceljs turns a JS `Date` into that serial number from the Date's UTC fields.
 * So to show an instant as the wall-clock time of a zone (Asia/Shanghai for the campaign), we build a "shifted"
 * Date whose UTC fields equal the wall-clock fields in that zone, and write that. Read back with exceljs, the cell
 * yields the same shifted Date (its UTC fields are the local wall clock); it no longer denotes the original instant.
 */

const HOUR_MS = 3_600_000;

/** Converts an instant to the Date Excel should store so that it shows the wall clock of the zone. */
export type WallClock = (instant: Date) => Date;

/**
 * Builds a converter from instants to wall-clock Dates in `timeZone` (an IANA name such as "Asia/Shanghai").
 * Throws a RangeError for an unknown zone. Milliseconds are dropped (the ledger shows minutes), so values
 * survive the round trip through Excel's floating-point serial numbers exactly.
 *
 * `Intl.DateTimeFormat#formatToParts` is slow compared with writing a cell, so the zone offset is cached per
 * UTC hour: when the offset is the same at both ends of the hour, no transition falls inside it (zones change
 * offset at most once in any hour), and every instant in that hour shares it.
 */
export function createWallClock(timeZone: string): WallClock {
  // Offset (wall clock minus instant) at an instant given in whole seconds; throws a RangeError for a bad zone.
  const offsetAt = (ms: number): number => zoneOffsetMs(ms, timeZone);
  offsetAt(0);

  // Small bounded cache: a ledger period rarely spans more than a few thousand hours.
  const cache = new Map<number, number>();
  const CACHE_LIMIT = 50_000;

  return (instant: Date): Date => {
    const ms = Math.floor(instant.getTime() / 1000) * 1000;
    const hour = Math.floor(ms / HOUR_MS);
    let offset = cache.get(hour);
    if (offset === undefined) {
      const start = offsetAt(hour * HOUR_MS);
      const end = offsetAt(hour * HOUR_MS + HOUR_MS - 1000);
      if (start === end) {
        if (cache.size >= CACHE_LIMIT) cache.clear();
        cache.set(hour, start);
        offset = start;
      } else {
        offset = offsetAt(ms);
      }
    }
    return new Date(ms + offset);
  };
}
