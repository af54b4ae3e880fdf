import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config/env.ts";
import type { Tx } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { createLogger, silentLogger } from "../log.ts";
import type { RemovedDuty } from "../org/import-org.ts";
import { ARGUMENT_TEXTS, HELP, CLI_TEXTS as T, USAGE } from "../texts/cli.ts";
import { configProblemsText } from "../texts/config.ts";
import { argumentProblem } from "./usage.ts";

/** Loads .env (when present) and validates the environment; prints the Chinese problems and exits on failure. */
function config() {
  if (existsSync(".env")) process.loadEnvFile(".env");
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(configProblemsText(error.problems));
      process.exit(2);
    }
    throw error;
  }
}

/**
 * Runs one command line. `riqing <verb> --help` prints that verb's usage and does nothing else; a bad option or
 * argument is explained in Chinese with the usage (exit code 2) before anything runs.
 */
async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  const usage = verb === undefined ? undefined : USAGE[verb];
  if (usage && rest.some((arg) => arg === "--help" || arg === "-h")) {
    console.log(usage);
    return 0;
  }
  try {
    return await runVerb(verb, rest);
  } catch (error) {
    const problem = argumentProblem(error);
    if (problem === undefined) throw error;
    console.error(ARGUMENT_TEXTS.withUsage(problem, usage ?? HELP));
    return 2;
  }
}

async function runVerb(verb: string | undefined, rest: string[]): Promise<number> {
  switch (verb) {
    case "start": {
      const { values } = parseArgs({ args: rest, options: { reset: { type: "boolean" } } });
      const cfg = config();
      if (values.reset && cfg.mode !== "sandbox") {
        console.error(T.resetOnlySandbox);
        return 2;
      }
      const { start } = await import("./start.ts");
      await start(cfg, { reset: values.reset ?? false });
      return 0;
    }
    case "migrate": {
      parseArgs({ args: rest });
      const cfg = config();
      const applied = await migrate(cfg.databaseUrl);
      console.log(T.migrated(applied));
      return 0;
    }
    case "move-to-postgres": {
      const { values } = parseArgs({ args: rest, options: { from: { type: "string" }, to: { type: "string" } } });
      const from = values.from ?? "";
      const to = values.to ?? "";
      if (!from.startsWith("file:") || !/^postgres(ql)?:\/\//.test(to)) {
        console.error(ARGUMENT_TEXTS.withUsage(T.moveArguments, USAGE["move-to-postgres"] ?? HELP));
        return 2;
      }
      const { moveRefusal, moveToPostgres } = await import("../db/move-to-postgres.ts");
      console.log(T.moving);
      try {
        const report = await moveToPostgres(from, to, (line) => console.log(line));
        const rows = report.tables.reduce((sum, t) => sum + t.rows, 0);
        for (const t of report.tables) console.log(T.tableVerified(t.name, t.rows, t.checksum.slice(0, 12)));
        console.log(T.moved(report.tables.length, rows));
        return 0;
      } catch (error) {
        const refusal = moveRefusal(error);
        if (refusal === undefined) throw error;
        console.error(refusal);
        return 1;
      }
    }
    case "import": {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { "dry-run": { type: "boolean" } },
      });
      const file = positionals[0];
      if (!file) {
        console.error(T.importWhichFile);
        return 2;
      }
      const cfg = config();
      await migrate(cfg.databaseUrl);
      const { openDb } = await import("../db/client.ts");
      const { importOrg } = await import("../org/import-org.ts");
      const { formatImportReport } = await import("../org/format-import-report.ts");
      const { handOverIssues } = await import("../commands/hand-over-issues.ts");
      const db = await openDb(cfg.databaseUrl);
      try {
        const dryRun = values["dry-run"] ?? false;
        // The issues of people who lost their duty pass on in the import's transaction; a running bot sends the notices.
        const ctx = {
          now: new Date(),
          timeZone: cfg.timezone,
          officeHours: cfg.officeHours,
          admins: cfg.admins,
          policy: {},
        };
        const afterWrite = (tx: Tx, removed: readonly RemovedDuty[]) => handOverIssues(tx, removed, ctx);
        const report = await importOrg(db, file, { dryRun, afterWrite });
        console.log(formatImportReport(report));
        if (report.ok && !dryRun && cfg.lark) {
          // Lark is asked which open_ids it knows, so nobody unknown is ever @-mentioned (that refuses whole cards).
          const { LarkClient } = await import("../lark/client.ts");
          const { peopleCheck, formatDoctor } = await import("../ops/doctor.ts");
          const { appId, appSecret, domain } = cfg.lark;
          const client = new LarkClient({ appId, appSecret, domain, logger: silentLogger, attempts: 1 });
          console.log(formatDoctor([await peopleCheck(client, db, true)]));
        }
        return report.ok ? 0 : 1;
      } finally {
        await db.$disconnect();
      }
    }
    case "export": {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          unit: { type: "string" },
          from: { type: "string" },
          to: { type: "string" },
          out: { type: "string" },
        },
      });
      if (positionals[0] !== "ledger") {
        console.error(T.exportOnlyLedger);
        return 2;
      }
      const missing = (["unit", "from", "to", "out"] as const).filter((k) => !values[k]);
      if (missing.length) {
        console.error(T.exportMissing(missing));
        return 2;
      }
      const cfg = config();
      await migrate(cfg.databaseUrl);
      const { openDb } = await import("../db/client.ts");
      const { parseDateRange } = await import("../features/parse-input.ts");
      const { exportLedger, PHOTO_FOLDER } = await import("../reports/export-ledger.ts");
      const parsed = parseDateRange(values.from ?? "", values.to ?? "", cfg.timezone, T.badDate);
      if (!parsed.ok) {
        console.error(parsed.answer);
        return 2;
      }
      const period = parsed.value;
      const db = await openDb(cfg.databaseUrl);
      try {
        const result = await exportLedger(db, {
          unitCode: values.unit,
          from: period.from,
          to: period.to,
          timeZone: cfg.timezone,
          officeHours: cfg.officeHours,
          out: values.out as string,
          dataDir: cfg.dataDir,
        });
        console.log(T.exported(result.unit.name, result.issues, result.events, values.out as string));
        const { copied, missing } = result.photos;
        const photoDir = join(dirname(values.out as string), PHOTO_FOLDER);
        if (copied > 0) console.log(T.photosCopied(copied, photoDir));
        if (missing > 0) console.log(T.photosMissing(missing));
        return 0;
      } catch (error) {
        if ((error as Error).name === "UnknownUnitError") {
          console.error(T.unknownUnitCode(values.unit));
          return 1;
        }
        throw error;
      } finally {
        await db.$disconnect();
      }
    }
    case "digest": {
      const { runDigestCli } = await import("./job-verbs.ts");
      return runDigestCli(rest, config());
    }
    case "remind": {
      const { runRemindCli } = await import("./job-verbs.ts");
      return runRemindCli(rest, config());
    }
    case "briefing": {
      const { runBriefingCli } = await import("./briefing-verb.ts");
      return runBriefingCli(rest, config());
    }
    case "stats": {
      const { runStatsCli } = await import("./stats-verb.ts");
      return runStatsCli(rest, config());
    }
    case "match": {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { json: { type: "boolean" }, unit: { type: "string" } },
      });
      const cfg = config();
      const { runMatch } = await import("./match-verb.ts");
      return runMatch(cfg, { json: values.json ?? false, unit: values.unit, texts: positionals });
    }
    case "apikey": {
      const { runApiKeyCli } = await import("./apikey-verbs.ts");
      return runApiKeyCli(rest, config());
    }
    case "doctor": {
      parseArgs({ args: rest });
      const cfg = config();
      const { runDoctor, formatDoctor } = await import("../ops/doctor.ts");
      const checks = await runDoctor(cfg, createLogger("silent"));
      console.log(formatDoctor(checks));
      return checks.every((c) => c.ok) ? 0 : 1;
    }
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(HELP);
      return 0;
    default:
      console.error(T.unknownVerb(verb));
      console.error(HELP);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    console.error(T.crashed(String((error as Error).message ?? error)));
    console.error(error);
    process.exitCode = 1;
  },
);
