/**
 * 延期 and 挂账/缓办 as instants (behaviour §2.15–2.18): the owner asks for a later day, the street parks an issue until
 * a day; the day typed becomes the instant the rules use.
 */

import { startOfDate } from "./deadline.ts";

/** 挂账 (waits for funds, construction, another authority) and 缓办 (a seasonal wait). */
export const PARK_KINDS = ["parked", "deferred"] as const;
export type ParkKind = (typeof PARK_KINDS)[number];

/** An extension may ask for a day at most this many days ahead; a 挂账 or 缓办 may wait at most this long. */
export const MAX_EXTENSION_DAYS = 90;
export const MAX_PARK_DAYS = 366;

const HOUR_MS = 3_600_000;
/** An extended deadline falls at the end of the working day asked for. */
const EXTENDED_UNTIL_HOUR = 18;
/** A parked issue comes back at the start of the working day it waits for, outside the quiet hours. */
const RETURN_HOUR = 9;

/** The deadline an extension to `date` (YYYY-MM-DD) gives: 18:00 that day. */
export function extendedDeadline(date: string, timeZone: string): Date {
  return new Date(startOfDate(date, timeZone).getTime() + EXTENDED_UNTIL_HOUR * HOUR_MS);
}

/** The instant an issue parked until `date` (YYYY-MM-DD) comes back: 09:00 that day. */
export function parkReturnAt(date: string, timeZone: string): Date {
  return new Date(startOfDate(date, timeZone).getTime() + RETURN_HOUR * HOUR_MS);
}
