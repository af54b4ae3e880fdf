/**
 * `riqing briefing` (behaviour §15.6): writes a street's 工作简报 of a week or a month to a .docx, the same document
 * the bot posts, numbered as the bot numbers it; with --dry-run the period is given no number.
 */

import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { prepareBriefing } from "../commands/prepare-briefing.ts";
import type { Config } from "../config/env.ts";
import { openDb } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { briefingPeriod, type Cadence } from "../domain/briefing-period.ts";
import { clockSettings } from "../domain/clock-settings.ts";
import { type Period, startOfDate } from "../domain/deadline.ts";
import { BRIEFING_NAME, issueNumber } from "../texts/briefing.ts";
import { ARGUMENT_TEXTS, BRIEFING_CLI_TEXTS as T, USAGE } from "../texts/cli.ts";
import type { CliOutput } from "./job-verbs.ts";
import { argumentProblem } from "./usage.ts";

/** The period asked for, or what is wrong with the request. */
function periodAsked(
  values: { week?: string; month?: string },
  timeZone: string,
): { cadence: Cadence; period: Period } | string {
  if ((values.week === undefined) === (values.month === undefined)) return T.oneCadence;
  const cadence: Cadence = values.week !== undefined ? "week" : "month";
  const text = values.week ?? values.month ?? "";
  const date = cadence === "week" ? text : /^\d{4}-\d{2}$/.test(text) ? `${text}-01` : "";
  try {
    return { cadence, period: briefingPeriod(cadence, startOfDate(date, timeZone), timeZone) };
  } catch {
    return cadence === "week" ? T.badWeek(text) : T.badMonth(text);
  }
}

/**
 * Runs `riqing briefing`; `clock` is the CLI's now (tests set it). The settings (ranking minimum, 约谈 rule) are those
 * of the street's first leader group, else the defaults. Returns the exit code: 0 written, 1 unknown street, 2 bad
 * arguments.
 */
export async function runBriefingCli(
  args: string[],
  config: Config,
  out: CliOutput = console,
  clock: () => Date = () => new Date(),
): Promise<number> {
  const usage = USAGE.briefing ?? "";
  let values: { street?: string; week?: string; month?: string; out?: string; "dry-run"?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        street: { type: "string" },
        week: { type: "string" },
        month: { type: "string" },
        out: { type: "string" },
        "dry-run": { type: "boolean" },
      },
    }));
  } catch (error) {
    out.error(ARGUMENT_TEXTS.withUsage(argumentProblem(error) ?? (error as Error).message, usage));
    return 2;
  }
  const missing = (["street", "out"] as const).filter((k) => !values[k]);
  if (missing.length > 0) {
    out.error(`${T.missing(missing)}\n\n${usage}`);
    return 2;
  }
  const asked = periodAsked(values, config.timezone);
  if (typeof asked === "string") {
    out.error(`${asked}\n\n${usage}`);
    return 2;
  }
  await migrate(config.databaseUrl);
  const db = await openDb(config.databaseUrl);
  try {
    const street = await db.unit.findUnique({ where: { code: values.street as string } });
    if (!street) {
      out.error(T.unknownStreet(values.street as string));
      return 1;
    }
    const leaderGroup = await db.chatBinding.findFirst({
      where: { unitId: street.id, purpose: "leader" },
      orderBy: { id: "asc" },
    });
    const settings = clockSettings(leaderGroup?.settings);
    const dryRun = values["dry-run"] ?? false;
    const { data, docx } = await prepareBriefing(
      { db, timeZone: config.timezone, officeHours: config.officeHours, dataDir: config.dataDir },
      {
        ...asked,
        unitId: street.id,
        minRankedIssues: settings.minRankedIssues,
        scoring: settings.scoring,
        settings: settings.briefing,
        dryRun,
      },
      clock(),
    );
    await writeFile(values.out as string, docx);
    const number = issueNumber(data.number);
    out.log(T.written(`${street.name}${BRIEFING_NAME}`, number, data.periodName, values.out as string));
    if (dryRun) out.log(T.dryRun(number));
    return 0;
  } finally {
    await db.$disconnect();
  }
}
