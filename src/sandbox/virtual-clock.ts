import { BotClock } from "../app/bot-clock.ts";
import { localPeriod, startOfLocalDay } from "../domain/deadline.ts";

/**
 * The sandbox's clock: it starts at a given instant, runs at real speed, and can only jump forward, so the bot and
 * the emulator never see time go backwards.
 */
export class VirtualClock extends BotClock {
  constructor(start: Date) {
    super(start.getTime());
  }

  /** Jumps forward by `ms` (at least 0). */
  override advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot move the clock back (${ms} ms)`);
    super.advance(ms);
  }

  /** Jumps forward to `instant`; an instant already past leaves the clock alone. */
  advanceTo(instant: Date): void {
    this.advance(Math.max(0, instant.getTime() - this.epoch()));
  }
}

/** 09:00 on the wall clock in `timeZone` on the local day of `now`: where the sandbox's day begins. */
export function startOfWorkday(now: Date, timeZone: string): Date {
  return nextLocalTime(startOfLocalDay(now, timeZone), "09:00", timeZone);
}

/**
 * The next instant after `after` at which the local wall clock in `timeZone` shows `time` ("HH:mm"): today's when
 * it is still ahead, otherwise tomorrow's.
 */
export function nextLocalTime(after: Date, time: string, timeZone: string): Date {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new RangeError(`not a time of day (HH:mm): ${time}`);
  const sinceMidnight = (Number(match[1]) * 60 + Number(match[2])) * 60_000;
  const today = localPeriod(after, "day", timeZone);
  const candidate = new Date(today.from.getTime() + sinceMidnight);
  if (candidate.getTime() > after.getTime()) return candidate;
  return new Date(localPeriod(today.to, "day", timeZone).from.getTime() + sinceMidnight);
}
