/**
 * The per-chat settings of the bot's clock, read from ChatBinding.settings (a JSON object). Every key is optional;
 * what is missing or invalid takes the default (behaviour §6–7), so a bad setting never stops a sweep.
 *
 *   {
 *     "reminders": {
 *       "enabled": true,               // false: no reminders for issues reported in this chat
 *       "beforeHours": 2,              // remind the assignee this long before the deadline; 0: not at all
 *       "atDeadline": true,            // remind assignee and secretary when the deadline passes
 *       "escalateAfterHours": 24,      // tell the street leader group this long after the deadline; 0: never
 *       "quietHours": "21:00-08:00",   // nothing is sent in between; "" for none
 *       "categories": {                // overrides of the keys above for one category, by category code
 *         "flying-wire-charging": { "beforeHours": 4, "escalateAfterHours": 12 }
 *       }
 *     },
 *     "escalationTimes": ["09:00", "14:00"],  // a leader group's escalation slots (see below)
    "lookbackDays": 7,               // ask the reporter 回头看 this many days after closing; 0: never
 *     "digest": true,                  // false: no evening digest in this chat
 *     "minRankedIssues": 3,            // fewest issues (应结案数) for a unit to be ranked in the digest (and the briefing)
 *     "compositeWeights": { "onTimeDisposal": 60, "closure": 30, "noRework": 10 },  // 综合指标值's weights
 *     "redFlagAtLeast": 90,            // 🚩 only when the best unit's 综合指标值 reaches this (default: always)
 *     "yellowCardBelow": 60,           // 🟨 only when the worst unit's 综合指标值 is below this (default: always)
 *     "briefing": {                    // a street leader group's 工作简报 (behaviour §15)
 *       "weekly": true,                // each Monday, of the week before; false: none
 *       "monthly": true,               // each 1st, of the month before; false: none
 *       "time": "09:00",               // local time it is posted at
 *       "talkBelow": 60,               // 约谈 a unit whose 综合指标值 (of 100) is below this …
 *       "talkPeriods": 2               // … in this many periods running (1–6)
 *     }
 *   }
 *
 * The reminders of an issue follow the settings of the chat it was reported in; the digest and its ranking follow
 * the settings of the chat the digest is posted to. Escalations are the exception: an issue becomes due for
 * escalation `escalateAfterHours` after its deadline (its own chat's ladder), and goes to the street leader group at
 * that group's next escalation slot, one of its `escalationTimes` (local "HH:mm", at least one; a list with a bad
 * entry reads as the default), in one card with every issue that came due since the slot before. The quiet hours do
 * not hold slots back: the leader group chose them.
 */

import { z } from "zod";
import { DEFAULT_MIN_RANKED_ISSUES, DEFAULT_RANKING_SCORING, type RankingScoring } from "./metrics.ts";

/** A span of the local day in minutes after midnight; `start` > `end` wraps over midnight. */
export interface QuietHours {
  start: number;
  end: number;
}

/** The reminder ladder of one issue (behaviour §6). */
export interface ReminderLadder {
  enabled: boolean;
  /** Hours before the deadline for the first reminder; 0 turns it off. */
  beforeHours: number;
  atDeadline: boolean;
  /** Hours after the deadline for the leader-group escalation; 0 turns it off. */
  escalateAfterHours: number;
  quietHours: QuietHours | null;
}

/** Everything the clock reads from one chat's settings, with defaults applied. */
export interface ClockSettings {
  reminders: ReminderLadder;
  /** Ladder overrides by category code. */
  categoryReminders: ReadonlyMap<string, ReminderLadder>;
  /** Escalation slots of a leader group in minutes after local midnight: sorted, distinct, at least one. */
  escalationTimes: readonly number[];
  lookbackDays: number;
  digest: boolean;
  minRankedIssues: number;
  /** How the digest's ranking scores and flags units (behaviour §8.6). */
  scoring: RankingScoring;
  briefing: BriefingSettings;
}

/** A leader group's 工作简报 settings (behaviour §15). */
export interface BriefingSettings {
  weekly: boolean;
  monthly: boolean;
  /** Minutes after local midnight of the day after the period at which it is posted. */
  time: number;
  /** 约谈: the ranking measure (综合指标值, points of 100) below which a unit is listed … */
  talkBelow: number;
  /** … when it stays below in this many periods running. */
  talkPeriods: number;
}

/** Most periods running the 约谈 rule may look back over. */
export const MAX_TALK_PERIODS = 6;

const DEFAULT_BRIEFING: BriefingSettings = { weekly: true, monthly: true, time: 9 * 60, talkBelow: 60, talkPeriods: 2 };

/** Most hours a before-deadline reminder may come early, and an escalation late (bounds the sweep's query). */
export const MAX_BEFORE_HOURS = 72;
export const MAX_ESCALATE_AFTER_HOURS = 168;
/** Most days after closing a look-back may wait. */
export const MAX_LOOKBACK_DAYS = 90;

/** Hours past the deadline after which an overdue issue goes to the street leader group, unless a chat says otherwise. */
export const DEFAULT_ESCALATE_AFTER_HOURS = 24;

const DEFAULT_LADDER: ReminderLadder = {
  enabled: true,
  beforeHours: 2,
  atDeadline: true,
  escalateAfterHours: DEFAULT_ESCALATE_AFTER_HOURS,
  quietHours: { start: 21 * 60, end: 8 * 60 },
};

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

const DEFAULT_ESCALATION_TIMES: readonly number[] = [9 * 60, 14 * 60];

/** Minutes after midnight of "HH:mm", or null when it is not a time of day. */
export function parseTimeOfDay(text: string): number | null {
  const match = HHMM.exec(text.trim());
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

const quietHoursSchema = z.string().transform((text, ctx): QuietHours | null => {
  if (text.trim() === "") return null;
  const [from = "", to = ""] = text.split("-");
  const start = parseTimeOfDay(from);
  const end = parseTimeOfDay(to);
  if (start === null || end === null) {
    ctx.addIssue({ code: "custom", message: "quietHours must look like 21:00-08:00" });
    return z.NEVER;
  }
  return start === end ? null : { start, end };
});

const escalationTimesSchema = z
  .array(z.string())
  .min(1)
  .transform((times, ctx): number[] => {
    const minutes = times.map(parseTimeOfDay).filter((m) => m !== null);
    if (minutes.length < times.length) {
      ctx.addIssue({ code: "custom", message: "escalationTimes must be times of day like 09:00" });
      return z.NEVER;
    }
    return [...new Set(minutes)].sort((a, b) => a - b);
  });

/** Each key is checked on its own: one bad value falls back to its default without losing the others. */
const ladderSchema = z.object({
  enabled: z.boolean().optional().catch(undefined),
  beforeHours: z.number().min(0).max(MAX_BEFORE_HOURS).optional().catch(undefined),
  atDeadline: z.boolean().optional().catch(undefined),
  escalateAfterHours: z.number().min(0).max(MAX_ESCALATE_AFTER_HOURS).optional().catch(undefined),
  quietHours: quietHoursSchema.optional().catch(undefined),
});

const settingsSchema = z.object({
  reminders: ladderSchema
    .extend({ categories: z.record(z.string(), ladderSchema).optional().catch(undefined) })
    .optional()
    .catch(undefined),
  escalationTimes: escalationTimesSchema.optional().catch(undefined),
  lookbackDays: z.number().int().min(0).max(MAX_LOOKBACK_DAYS).optional().catch(undefined),
  digest: z.boolean().optional().catch(undefined),
  minRankedIssues: z.number().int().min(1).max(1000).optional().catch(undefined),
  compositeWeights: z
    .object({
      onTimeDisposal: z.number().min(0).max(100),
      closure: z.number().min(0).max(100),
      noRework: z.number().min(0).max(100),
    })
    .optional()
    .catch(undefined),
  redFlagAtLeast: z.number().min(0).max(100).optional().catch(undefined),
  yellowCardBelow: z.number().min(0).max(100).optional().catch(undefined),
  briefing: z
    .object({
      weekly: z.boolean().optional().catch(undefined),
      monthly: z.boolean().optional().catch(undefined),
      time: z
        .string()
        .transform((text) => parseTimeOfDay(text) ?? undefined)
        .optional()
        .catch(undefined),
      talkBelow: z.number().min(0).max(100).optional().catch(undefined),
      talkPeriods: z.number().int().min(1).max(MAX_TALK_PERIODS).optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
});

type LadderInput = z.infer<typeof ladderSchema>;

function applyLadder(base: ReminderLadder, input: LadderInput | undefined): ReminderLadder {
  if (!input) return base;
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  return { ...base, ...defined };
}

/** The clock settings of a chat from its stored settings JSON (anything else reads as no settings). */
export function clockSettings(raw: unknown): ClockSettings {
  const parsed = settingsSchema.safeParse(typeof raw === "object" && raw !== null ? raw : {});
  const input = parsed.success ? parsed.data : {};
  const reminders = applyLadder(DEFAULT_LADDER, input.reminders);
  const categoryReminders = new Map(
    Object.entries(input.reminders?.categories ?? {}).map(([code, ladder]) => [code, applyLadder(reminders, ladder)]),
  );
  return {
    reminders,
    categoryReminders,
    escalationTimes: input.escalationTimes ?? DEFAULT_ESCALATION_TIMES,
    lookbackDays: input.lookbackDays ?? 7,
    digest: input.digest ?? true,
    minRankedIssues: input.minRankedIssues ?? DEFAULT_MIN_RANKED_ISSUES,
    scoring: {
      weights: input.compositeWeights ?? DEFAULT_RANKING_SCORING.weights,
      redFlagAtLeast: input.redFlagAtLeast ?? null,
      yellowCardBelow: input.yellowCardBelow ?? null,
    },
    briefing: {
      ...DEFAULT_BRIEFING,
      ...Object.fromEntries(Object.entries(input.briefing ?? {}).filter(([, v]) => v !== undefined)),
    },
  };
}

/** The ladder for an issue of category `categoryCode` reported in a chat with these settings. */
export function ladderFor(settings: ClockSettings, categoryCode: string | null): ReminderLadder {
  return (categoryCode === null ? undefined : settings.categoryReminders.get(categoryCode)) ?? settings.reminders;
}
