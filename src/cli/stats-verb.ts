/**
 * `riqing stats` (behaviour §10.6, §8.6): the campaign indicators of a unit and of each unit directly under it for a period,
 * from the statistics module, as an aligned table, CSV or JSON.
 */

import { parseArgs } from "node:util";
import type { Config } from "../config/env.ts";
import { openDb } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { parseDateRange } from "../features/parse-input.ts";
import { periodLabel, statsByUnit, type UnitStats, unitAndChildren } from "../reports/stats.ts";
import { ARGUMENT_TEXTS, CLI_TEXTS, STATS_CLI_TEXTS as T, USAGE } from "../texts/cli.ts";
import { formatDateTime } from "../texts/messages.ts";
import { INDICATOR_KEYS, INDICATOR_LABELS, indicatorValue } from "../texts/stats.ts";
import type { CliOutput } from "./job-verbs.ts";
import { argumentProblem } from "./usage.ts";

const FORMATS = ["table", "csv", "json"] as const;
type Format = (typeof FORMATS)[number];

function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

/** A CSV field, quoted when it holds a comma, a quote or a line break. */
function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Display width: CJK and other wide characters take two columns. */
function width(text: string): number {
  let columns = 0;
  for (const ch of text)
    columns += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch)
      ? 2
      : 1;
  return columns;
}

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => width(r[i] ?? ""))));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell + " ".repeat((widths[i] ?? 0) - width(cell)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/**
 * Runs `riqing stats`. Returns the exit code: 0 printed, 1 unknown unit, 2 bad arguments. `clock` is the CLI's now
 * (tests set it): a period not yet over is observed now.
 */
export async function runStatsCli(
  args: string[],
  config: Config,
  out: CliOutput = console,
  clock: () => Date = () => new Date(),
): Promise<number> {
  const usage = USAGE.stats ?? "";
  let values: { unit?: string; from?: string; to?: string; format?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        unit: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        format: { type: "string" },
      },
    }));
  } catch (error) {
    out.error(ARGUMENT_TEXTS.withUsage(argumentProblem(error) ?? (error as Error).message, usage));
    return 2;
  }
  const missing = (["unit", "from", "to"] as const).filter((k) => !values[k]);
  if (missing.length > 0) {
    out.error(`${T.missing(missing)}\n\n${usage}`);
    return 2;
  }
  const format = values.format ?? "table";
  if (!isFormat(format)) {
    out.error(`${T.badFormat(format)}\n\n${usage}`);
    return 2;
  }
  const period = parseDateRange(values.from ?? "", values.to ?? "", config.timezone, CLI_TEXTS.badDate);
  if (!period.ok) {
    out.error(period.answer);
    return 2;
  }
  await migrate(config.databaseUrl);
  const db = await openDb(config.databaseUrl);
  try {
    const unit = await db.unit.findUnique({ where: { code: values.unit as string }, select: { id: true } });
    if (!unit) {
      out.error(CLI_TEXTS.unknownUnitCode(values.unit));
      return 1;
    }
    const now = clock();
    const counting = { timeZone: config.timezone, officeHours: config.officeHours };
    const rows = unitAndChildren(await statsByUnit(db, [unit.id], period.value, now, counting, 1), unit.id);
    const root = rows[0] as UnitStats;
    if (format === "json") {
      out.log(
        JSON.stringify(
          {
            unit: root.unit.code,
            from: period.value.from.toISOString(),
            to: period.value.to.toISOString(),
            observedAt: root.observedAt.toISOString(),
            units: rows.map((s) => ({
              code: s.unit.code,
              name: s.unit.name,
              level: s.unit.level,
              indicators: s.indicators,
            })),
          },
          null,
          2,
        ),
      );
      return 0;
    }
    const header = [T.codeColumn, T.unitColumn, ...INDICATOR_KEYS.map((k) => INDICATOR_LABELS[k])];
    const body = rows.map((s) => [
      s.unit.code,
      s.unit.name,
      ...INDICATOR_KEYS.map((k) => indicatorValue(s.indicators, k)),
    ]);
    if (format === "csv") {
      out.log([header, ...body].map((r) => r.map(csvField).join(",")).join("\n"));
      return 0;
    }
    out.log(
      T.title(
        root.unit.name,
        periodLabel(period.value, config.timezone),
        formatDateTime(root.observedAt, config.timezone),
      ),
    );
    out.log(table([header, ...body]));
    return 0;
  } finally {
    await db.$disconnect();
  }
}
