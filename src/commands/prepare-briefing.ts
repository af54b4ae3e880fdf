import { briefingNumber, peekBriefingNumber } from "../db/briefing-numbers.ts";
import type { Cadence } from "../domain/briefing-period.ts";
import type { BriefingSettings } from "../domain/clock-settings.ts";
import type { Period } from "../domain/deadline.ts";
import type { RankingScoring } from "../domain/metrics.ts";
import { type BriefingData, buildBriefing } from "../reports/briefing.ts";
import { briefingFileName, issueNumber } from "../texts/briefing.ts";
import type { JobDeps } from "./deps.ts";

/** Which briefing to prepare, with the settings of the group it is for. */
export interface BriefingSpec {
  unitId: number;
  cadence: Cadence;
  period: Period;
  minRankedIssues: number;
  /** How the ranking scores and flags units (the group's settings). */
  scoring: RankingScoring;
  settings: Pick<BriefingSettings, "talkBelow" | "talkPeriods">;
  /** Give the period no number: show the one it has, or would get (behaviour §15.2). */
  dryRun?: boolean;
}

/** A briefing ready to post or save: its data, the .docx and the file's name. */
export interface PreparedBriefing {
  data: BriefingData;
  docx: Buffer;
  fileName: string;
}

/**
 * Numbers (unless a dry run), builds and writes a street's briefing as observed at `now` — the one way the scheduler
 * and `riqing briefing` make it, so both say the same.
 */
export async function prepareBriefing(
  deps: Pick<JobDeps, "db" | "timeZone" | "officeHours" | "dataDir">,
  spec: BriefingSpec,
  now: Date,
): Promise<PreparedBriefing> {
  const slot = { unitId: spec.unitId, cadence: spec.cadence, period: spec.period };
  const number = spec.dryRun ? await peekBriefingNumber(deps.db, slot) : await briefingNumber(deps.db, slot);
  const data = await buildBriefing(deps.db, {
    unitId: spec.unitId,
    cadence: spec.cadence,
    period: spec.period,
    number,
    now,
    timeZone: deps.timeZone,
    officeHours: deps.officeHours,
    minRankedIssues: spec.minRankedIssues,
    scoring: spec.scoring,
    talkBelow: spec.settings.talkBelow,
    talkPeriods: spec.settings.talkPeriods,
  });
  // The document writer (docx, ECharts, resvg) is loaded when a briefing is made, not with the bot.
  const { briefingDocx } = await import("../reports/briefing-docx.ts");
  const docx = await briefingDocx(data, { dataDir: deps.dataDir, issuedAt: now });
  return { data, docx, fileName: briefingFileName(data.unit.name, issueNumber(number)) };
}
