import { T } from "./texts.ts";

/** Wall-clock parts of an instant in a time zone. */
function parts(epoch: number, timeZone: string): Record<string, string> {
  const formatter = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    weekday: "short",
    hourCycle: "h23",
  });
  return Object.fromEntries(formatter.formatToParts(epoch).map((p) => [p.type, p.value]));
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** "11月23日 周一" */
export function dayLabel(epoch: number, timeZone: string): string {
  const p = parts(epoch, timeZone);
  const weekday = T.weekdays[WEEKDAYS.indexOf(p.weekday ?? "")] ?? "";
  return T.day(Number(p.month), Number(p.day), weekday);
}

/** "2026-11-23", for telling days apart. */
export function dayKey(epoch: number, timeZone: string): string {
  const p = parts(epoch, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** "09:05" */
export function timeLabel(epoch: number, timeZone: string): string {
  const p = parts(epoch, timeZone);
  return `${p.hour}:${p.minute}`;
}

/** "09:05:12" */
export function clockLabel(epoch: number, timeZone: string): string {
  const p = parts(epoch, timeZone);
  return `${p.hour}:${p.minute}:${p.second}`;
}

/** "1.2 MB", "860 KB" */
export function sizeLabel(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
