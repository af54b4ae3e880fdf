/**
 * `npm run bench` — Riqing's benchmark harness (issue 8; see bench/README.md). Runs each section in a child process
 * with a time limit, prints a table against the targets and writes everything as JSON under bench/results/.
 *
 *   npm run bench                    full sizes (several minutes; 1,000,000 issues)
 *   npm run bench -- --quick         small sizes, under two minutes, for CI: checks correctness, not timings
 *   npm run bench -- --only ingest,city,pacing,match,ledger   some sections
 *   npm run bench -- --profile       CPU profiles of the bot during ingest, summarised, under bench/results/profiles/
 *   npm run bench -- --keep          keep the temporary databases (their paths are printed)
 *   npm run bench -- --results DIR   write the JSON there instead of bench/results/ (the CI test does)
 *   npm run bench -- --db postgres   the ingest and city sections with the bot on PostgreSQL (a throwaway server from
 *                                    scripts/test-postgres.sh, or the one RIQING_BENCH_POSTGRES names)
 *
 * Exit code: 1 when a section failed to run, lost or duplicated a report, the digest figures disagreed with the
 * SQL aggregate, or Lark refused a paced message (a failed row, a mention, an unexpected call); timings never fail
 * the run.
 */

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startChild, waitForExit } from "./lib/child.ts";
import { summarizeProfile } from "./lib/profile.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
/** 18:00 in Shanghai: the evening the city's data ends and its digests are due. */
const NOW = "2026-11-20T10:00:00.000Z";
const DATE = "2026-11-20";
const TIME_ZONE = "Asia/Shanghai";
const MINUTE = 60_000;
/** The pacing section's counts of what Lark refused, in each of its parts: all must be 0 (see `failures`). */
const PACING_REFUSALS = ["failed", "mentionRefusals", "unexpected"] as const;

type Json = Record<string, unknown>;

interface Section {
  name: string;
  /** The entry of bench/section.ts that runs it. */
  kind: "ingest" | "city" | "pacing" | "match";
  options: Json;
  timeoutMs: number;
}

function sections(
  quick: boolean,
  seed: number,
  profileDir: string | undefined,
  keep: boolean,
  postgres: string | undefined,
): Section[] {
  const ingest = (label: string, sizes: Json): Section => ({
    name: `ingest:${label}`,
    kind: "ingest",
    options: { label, redeliverFraction: 0.2, seed, keepDir: keep, profileDir, ...sizes },
    timeoutMs: (quick ? 3 : 20) * MINUTE,
  });
  const time = { now: NOW, date: DATE, timeZone: TIME_ZONE, seed, keepDir: keep };
  return quick
    ? [
        ingest("lark-limits", { chats: 10, messages: 80, rate: 40, photoKB: 16, settleTimeoutMs: 60_000 }),
        ingest("capacity", { chats: 10, messages: 150, rate: 100, photoKB: 16, settleTimeoutMs: 60_000 }),
        ...(postgres
          ? [
              ingest("capacity-3", {
                chats: 10,
                messages: 150,
                rate: 100,
                photoKB: 16,
                settleTimeoutMs: 60_000,
                instances: 3,
              }),
            ]
          : []),
        {
          name: "city",
          kind: "city",
          options: {
            ...time,
            streets: 2,
            communitiesPerStreet: 10,
            gridsPerCommunity: 10,
            issues: 20_000,
            days: 365,
            dueTarget: 200,
            breakdownUnits: 5,
            chartSamples: 4,
            analyze: false,
            sweepTimeoutMs: 60_000,
          },
          timeoutMs: 3 * MINUTE,
        },
        {
          name: "pacing",
          kind: "pacing",
          options: { ...time, streets: 2, communitiesPerStreet: 10, reminders: 78, timeoutMs: 60_000 },
          timeoutMs: 3 * MINUTE,
        },
        { name: "match", kind: "match", options: { rounds: 3 }, timeoutMs: 2 * MINUTE },
      ]
    : [
        ingest("lark-limits", { chats: 50, messages: 900, rate: 60, photoKB: 64, settleTimeoutMs: 5 * MINUTE }),
        ingest("capacity", { chats: 50, messages: 2_000, rate: 400, photoKB: 64, settleTimeoutMs: 10 * MINUTE }),
        ...(postgres
          ? [
              ingest("capacity-3", {
                chats: 50,
                messages: 2_000,
                rate: 400,
                photoKB: 64,
                settleTimeoutMs: 10 * MINUTE,
                instances: 3,
              }),
            ]
          : []),
        {
          name: "city",
          kind: "city",
          options: {
            ...time,
            streets: 20,
            communitiesPerStreet: 20,
            gridsPerCommunity: 20,
            issues: 1_000_000,
            days: 365,
            dueTarget: 10_000,
            breakdownUnits: 20,
            chartSamples: 12,
            analyze: true,
            sweepTimeoutMs: 5 * MINUTE,
          },
          timeoutMs: 40 * MINUTE,
        },
        {
          name: "pacing",
          kind: "pacing",
          options: { ...time, streets: 20, communitiesPerStreet: 20, reminders: 1_580, timeoutMs: 8 * MINUTE },
          timeoutMs: 15 * MINUTE,
        },
        { name: "match", kind: "match", options: { rounds: 30 }, timeoutMs: 5 * MINUTE },
      ];
}

/** Runs one section in a child; its results, or what went wrong. */
async function runSection(section: Section, scratch: string): Promise<Json> {
  const out = join(scratch, `${section.name.replace(":", "-")}.json`);
  const started = Date.now();
  console.log(`▶ ${section.name} …`);
  const child = startChild(join(HERE, "section.ts"), [section.kind], {
    env: { BENCH_SECTION: JSON.stringify(section.options), BENCH_OUT: out },
    stdout: true,
  });
  const code = await waitForExit(child, section.timeoutMs);
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const results = existsSync(out) ? (JSON.parse(readFileSync(out, "utf8")) as Json) : {};
  const status =
    code === 0 ? "ok" : code === null ? `timed out after ${section.timeoutMs / 1000} s` : `failed (${code})`;
  console.log(`  ${section.name}: ${status} in ${seconds} s`);
  return { ...results, status, seconds };
}

/**
 * The 100,000-issue ledger export (bench/ledger-export.ts, its own script with its own seeding), run in a child
 * process; the summary it writes to bench/results/ledger-export.json is read back.
 */
async function runLedger(timeoutMs: number): Promise<Json | undefined> {
  const script = join(HERE, "ledger-export.ts");
  if (!existsSync(script)) return undefined;
  console.log("▶ ledger-export …");
  const started = Date.now();
  const child = startChild(script, [], { stdout: true });
  const code = await waitForExit(child, timeoutMs);
  const file = join(HERE, "results", "ledger-export.json");
  const results = code === 0 && existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Json) : {};
  const status = code === 0 ? "ok" : code === null ? "timed out" : `failed (${code})`;
  return { ...results, status, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

/** Reads a nested value: get(results, "ingest:capacity", "ack", "p99Ratio"). */
function get(from: unknown, ...path: string[]): unknown {
  let value = from;
  for (const key of path) value = value && typeof value === "object" ? (value as Json)[key] : undefined;
  return value;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

interface Row {
  section: string;
  measure: string;
  value: string;
  target: string;
  verdict: string;
}

function rows(results: Json, quick: boolean): Row[] {
  const out: Row[] = [];
  const add = (section: string, measure: string, value: unknown, unit: string, target = "", ok?: boolean) => {
    const shown = value === undefined || value === null ? "—" : `${value}${unit}`;
    const verdict = quick || ok === undefined || value === undefined || value === null ? "" : ok ? "met" : "MISSED";
    out.push({ section, measure, value: shown, target, verdict });
  };
  for (const label of ["lark-limits", "capacity", "capacity-3"]) {
    const r = results[`ingest:${label}`];
    if (!r) continue;
    const s = `ingest ${label}`;
    const offered = `${get(r, "messages")} reports + ${get(r, "redelivered")} redeliveries @ ${get(r, "offeredRate")}/s`;
    add(s, "load", offered, "");
    add(s, "ack p50 / p99 bot (ms)", `${get(r, "ack", "bot", "p50")} / ${get(r, "ack", "bot", "p99")}`, "");
    add(
      s,
      "ack p50 / p99 bare SDK (ms)",
      `${get(r, "ack", "sdkBaseline", "p50")} / ${get(r, "ack", "sdkBaseline", "p99")}`,
      "",
    );
    const ratio = num(get(r, "ack", "p99Ratio"));
    add(s, "ack p99 ratio bot / SDK", ratio, "×", "≤ 1.5×", ratio !== undefined && ratio <= 1.5);
    add(
      s,
      "bot event-loop delay p99 / max (ms)",
      `${get(r, "loopDelayMs", "p99")} / ${get(r, "loopDelayMs", "max")}`,
      "",
    );
    add(s, "filing latency p50 / p99 (ms)", `${get(r, "filingMs", "p50")} / ${get(r, "filingMs", "p99")}`, "");
    const sustained = num(get(r, "throughput", "sustainedPerSecond"));
    add(
      s,
      "filing throughput (sustained)",
      sustained,
      "/s",
      label === "capacity" ? "≥ 300/s" : "",
      label === "capacity" ? sustained !== undefined && sustained >= 300 : undefined,
    );
    const perReport = [
      ["SQL statements per report", "statements", "", 12],
      ["bot CPU per report", "cpuMs", " ms", 3],
    ] as const;
    for (const [measure, key, unit, bound] of perReport) {
      const value = num(get(r, "perReport", key));
      const capacity = label === "capacity";
      const ok = capacity ? value !== undefined && value <= bound : undefined;
      add(s, measure, value, unit, capacity ? `≤ ${bound}${unit}` : "", ok);
    }
    const replyRatio = num(get(r, "replies", "rateRatio"));
    add(
      s,
      "reply rate / Lark bound",
      `${get(r, "replies", "achievedPerSecond")}/s of ${get(r, "replies", "boundPerSecond")}/s = ${replyRatio}`,
      "",
      "≥ 0.9",
      replyRatio !== undefined && replyRatio >= 0.9,
    );
    add(s, "reply finish vs bound (given filing)", get(r, "replies", "finishVsBound"), "", "", undefined);
    add(s, "reply backlog drain after last filing", get(r, "replies", "drainSeconds"), " s");
    const lost = num(get(r, "integrity", "lost"));
    const dup =
      (num(get(r, "integrity", "duplicatedIssues")) ?? 0) + (num(get(r, "integrity", "duplicatedCards")) ?? 0);
    add(s, "lost / duplicated", `${lost} / ${dup}`, "", "0 / 0", lost === 0 && dup === 0);
    const rss = num(get(r, "rssMB", "botPeak"));
    add(s, "bot peak RSS (built, no heap flag)", rss, " MB", "≤ 250 MB", rss !== undefined && rss <= 250);
    add(s, "bare SDK process peak RSS", get(r, "rssMB", "sdkPeak"), " MB");
    add(s, "rate-limited answers", get(r, "calls", "rateLimited"), "", "0", get(r, "calls", "rateLimited") === 0);
  }
  const city = results.city;
  if (city) {
    add(
      "city",
      "generated",
      `${get(city, "generation", "issues")} issues, ${get(city, "generation", "grids")} grids in ${get(city, "generation", "seconds")} s`,
      "",
    );
    const seconds = num(get(city, "digest", "productSeconds"));
    add("digest", "all community + street digests", seconds, " s", "≤ 3 s", seconds !== undefined && seconds <= 3);
    add("digest", "one hand-written SQL aggregate", get(city, "digest", "sqlSeconds"), " s");
    const ratio = num(get(city, "digest", "ratioToSql"));
    add("digest", "ratio to SQL", ratio, "×", "≤ 3×", ratio !== undefined && ratio <= 3);
    add(
      "digest",
      "figures equal to SQL",
      get(city, "digest", "figuresEqual"),
      "",
      "true",
      get(city, "digest", "figuresEqual") === true,
    );
    add("digest", "statsByUnit, all units in one call", get(city, "digest", "statsByUnitOneCallSeconds"), " s");
    for (const span of ["day", "month"] as const) {
      const units = `${get(city, "indicators", "units", "communities")} communities + streets`;
      const ind = (...path: string[]) => get(city, "indicators", span, ...path);
      const s = num(ind("productSeconds"));
      add("indicators", `考核指标 of ${units}, ${span}`, s, " s", "≤ 3 s", s !== undefined && s <= 3);
      add("indicators", `one hand-written SQL aggregate, ${span}`, ind("sqlSeconds"), " s");
      const r = num(ind("ratioToSql"));
      add("indicators", `ratio to SQL, ${span}`, r, "×", "≤ 3×", r !== undefined && r <= 3);
      add(
        "indicators",
        `CPU time, product / SQL, ${span}`,
        `${ind("productCpuSeconds")} / ${ind("sqlCpuSeconds")}`,
        " s",
      );
      const equal = ind("countsEqual");
      add("indicators", `counts and durations equal to SQL, ${span}`, equal, "", "true", equal === true);
    }
    add("digest", "first ranking chart of the process (thread, glyph outlines)", get(city, "chart", "firstMs"), " ms");
    const chartMs = num(get(city, "chart", "meanMs"));
    add(
      "digest",
      "ranking chart render, one at a time (after the first)",
      chartMs,
      " ms",
      "≤ 50 ms",
      chartMs !== undefined && chartMs <= 50,
    );
    add(
      "digest",
      "ranking charts of every digest, rendered as the sweep does",
      get(city, "chart", "allDigestsSeconds"),
      " s",
    );
    const reminder = num(get(city, "sweeps", "reminder", "medianMs"));
    add(
      "sweeps",
      `reminder sweep, each minute and hour, by its index (${get(city, "sweeps", "reminder", "notices")} due)`,
      reminder,
      " ms",
      "≤ 100 ms",
      reminder !== undefined && reminder <= 100,
    );
    add(
      "sweeps",
      `reminder sweep, first of a process or after an org change (${get(city, "sweeps", "reminder", "full", "notices")} due)`,
      get(city, "sweeps", "reminder", "full", "medianMs"),
      " ms",
    );
    add(
      "sweeps",
      `look-back sweep, each minute and hour, by its index (${get(city, "sweeps", "lookback", "notices")} due)`,
      get(city, "sweeps", "lookback", "medianMs"),
      " ms",
    );
    add(
      "sweeps",
      `look-back sweep, first of a process or after an org change (${get(city, "sweeps", "lookback", "full", "notices")} due)`,
      get(city, "sweeps", "lookback", "full", "medianMs"),
      " ms",
    );
    if (get(city, "afterAnalyze")) {
      add(
        "after ANALYZE",
        "digests / ratio to SQL",
        `${get(city, "afterAnalyze", "digestProductSeconds")} s / ${get(city, "afterAnalyze", "digestRatioToSql")}×`,
        "",
      );
      add(
        "after ANALYZE",
        "reminder / look-back sweep",
        `${get(city, "afterAnalyze", "reminderSweepMs")} / ${get(city, "afterAnalyze", "lookbackSweepMs")} ms`,
        "",
      );
    }
  }
  const pacing = results.pacing;
  if (pacing) {
    add(
      "pacing",
      "messages / chats",
      `${get(pacing, "messages")} / ${get(pacing, "chats")} (${get(pacing, "sends")} sends, ${get(pacing, "replies")} replies)`,
      "",
    );
    add("pacing", "taken vs minimum", `${get(pacing, "takenSeconds")} s vs ${get(pacing, "minimumSeconds")} s`, "");
    const ratio = num(get(pacing, "ratio"));
    add("pacing", "minimum / taken", ratio, "", "≥ 0.9", ratio !== undefined && ratio >= 0.9);
    add("pacing", "rate-limit errors", get(pacing, "rateLimited"), "", "0", get(pacing, "rateLimited") === 0);
    const refused = (measure: string, ...path: string[]) => {
      const counts = PACING_REFUSALS.map((key) => get(pacing, ...path, key));
      add(
        "pacing",
        measure,
        counts.join(" / "),
        "",
        "0 / 0 / 0",
        counts.every((n) => n === 0),
      );
    };
    refused("failed / mentions refused / unexpected calls");
    const burst = (key: string) => get(pacing, "burst", key);
    add(
      "pacing",
      `18:00: ${burst("digests")} digests (charts, ${burst("uploads")} uploads), taken vs minimum`,
      `${burst("takenSeconds")} s vs ${burst("minimumSeconds")} s (sweep ${burst("sweepSeconds")} s)`,
      "",
    );
    const over = num(burst("takenOverMinimum"));
    add("pacing", "18:00 taken / minimum", over, "×", "≤ 1.2×", over === undefined ? undefined : over <= 1.2);
    refused("18:00 failed / mentions refused / unexpected calls", "burst");
  }
  const match = results.match;
  if (match) {
    const accuracy = (part: string) => `${get(match, "corpus", part, "top1")} / ${get(match, "corpus", part, "top3")}`;
    const top1 = num(get(match, "corpus", "all", "top1"));
    const top3 = num(get(match, "corpus", "all", "top3"));
    add(
      "match",
      `category top-1 / top-3, ${get(match, "phrasings")} phrasings`,
      accuracy("all"),
      "",
      "≥ 0.9 / ≥ 0.97",
      top1 !== undefined && top3 !== undefined && top1 >= 0.9 && top3 >= 0.97,
    );
    add("match", `  tuning part (${get(match, "corpus", "tuning", "total")})`, accuracy("tuning"), "");
    add("match", `  held out, never tuned on (${get(match, "corpus", "heldOut", "total")})`, accuracy("heldOut"), "");
    add(
      "match",
      "decided without asking / decided wrongly",
      `${get(match, "corpus", "all", "decided")} / ${get(match, "corpus", "all", "decidedWrong")}`,
      "",
    );
    add(
      "match",
      "segmenter load, once per process",
      `${get(match, "segmenterLoadMs")} ms, +${get(match, "segmenterRssMB")} MB RSS`,
      "",
    );
    add("match", "keyword list compiled, once per org change", get(match, "vocabularyCompileMs"), " ms");
    add(
      "match",
      "category per text, mean / p99 (µs)",
      `${get(match, "classifyMicros", "mean")} / ${get(match, "classifyMicros", "p99")}`,
      "",
    );
    add(
      "match",
      "place + category per text, mean / p99 (µs)",
      `${get(match, "filingMatchMicros", "mean")} / ${get(match, "filingMatchMicros", "p99")}`,
      "",
    );
  }
  const ledger = results.ledger;
  if (ledger) {
    const seconds = num(get(ledger, "exportSeconds"));
    const heap = num(get(ledger, "peakHeapUsedDuringExportMB"));
    const delay = num(get(ledger, "maxEventLoopDelayMs"));
    add("ledger", `export of ${get(ledger, "issuesWritten")} issues`, seconds, " s", "≤ 10 s", (seconds ?? 0) <= 10);
    add("ledger", "peak RSS during export", get(ledger, "peakRssDuringExportMB"), " MB");
    add("ledger", "peak V8 heap of the export thread", heap, " MB", "≤ 100 MB", (heap ?? 0) <= 100);
    add("ledger", "bot's event loop delay during export, max", delay, " ms", "≤ 200 ms", (delay ?? 0) <= 200);
    add("ledger", "workbook size", get(ledger, "fileSizeMB"), " MB");
  }
  return out;
}

function printTable(table: Row[]): void {
  const width = (s: string) => [...s].reduce((w, ch) => w + ((ch.codePointAt(0) ?? 0) > 0x2e80 ? 2 : 1), 0);
  const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - width(s)));
  const cols = ["section", "measure", "value", "target", "verdict"] as const;
  const widths = cols.map((c) => Math.max(width(c), ...table.map((r) => width(r[c]))));
  const line = (cells: string[]) => `| ${cells.map((c, i) => pad(c, widths[i] ?? 0)).join(" | ")} |`;
  console.log(line([...cols]));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of table) console.log(line(cols.map((c) => r[c])));
}

/** Problems that fail the run whatever the timings. */
function failures(results: Json): string[] {
  const out: string[] = [];
  for (const [name, r] of Object.entries(results)) {
    if (name === "environment" || name === "profiles") continue;
    if (get(r, "status") !== "ok") out.push(`${name}: ${get(r, "status")}`);
    if (name.startsWith("ingest:")) {
      for (const key of ["lost", "duplicatedIssues", "duplicatedCards", "issuesWithoutPhoto"]) {
        const n = num(get(r, "integrity", key));
        if (n !== undefined && n > 0) out.push(`${name}: ${key} = ${n}`);
      }
    }
    if (name === "pacing") {
      for (const [part, figures] of [
        [name, r],
        [`${name} 18:00`, get(r, "burst")],
      ] as const) {
        for (const key of PACING_REFUSALS) {
          const n = num(get(figures, key));
          if (n !== undefined && n > 0) out.push(`${part}: ${key} = ${n}`);
        }
      }
    }
  }
  if (results.city && get(results.city, "digest", "figuresEqual") === false) {
    out.push(
      `city: digest figures differ from the SQL aggregate: ${JSON.stringify(get(results.city, "digest", "firstMismatches"))}`,
    );
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      profile: { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      seed: { type: "string", default: "20261120" },
      results: { type: "string", default: join(HERE, "results") },
      db: { type: "string", default: "sqlite" },
    },
  });
  if (values.db !== "sqlite" && values.db !== "postgres") throw new Error("--db is sqlite or postgres");
  const script = join(HERE, "../scripts/test-postgres.sh");
  const ownServer = values.db === "postgres" && !process.env.RIQING_BENCH_POSTGRES;
  const postgres =
    values.db === "postgres"
      ? (process.env.RIQING_BENCH_POSTGRES ?? execFileSync(script, ["start"], { encoding: "utf8" }).trim())
      : undefined;
  const resultsDir = values.results ?? join(HERE, "results");
  const quick = values.quick ?? false;
  const only = values.only ? new Set(values.only.split(",").map((s) => s.trim())) : undefined;
  const wanted = (name: string) => !only || only.has(name) || only.has(name.split(":")[0] ?? name);
  const profileDir = values.profile ? join(resultsDir, "profiles") : undefined;
  const mode = `${quick ? "quick" : "full"}${postgres ? "-postgres" : ""}`;
  const startedAt = new Date();
  const results: Json = {
    environment: {
      mode,
      startedAt: startedAt.toISOString(),
      node: process.version,
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? "?",
      memoryGB: Math.round(totalmem() / 1024 ** 3),
      loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
      database: values.db,
    },
  };
  const scratch = mkdtempSync(join(tmpdir(), "riqing-bench-"));
  try {
    for (const section of sections(quick, Number(values.seed), profileDir, values.keep ?? false, postgres)) {
      // On PostgreSQL: the sections that measure the database (ingest, city); pacing and the ledger do not differ.
      if (postgres && section.kind === "pacing") continue;
      if (wanted(section.name)) {
        results[section.name] = await runSection({ ...section, options: { ...section.options, postgres } }, scratch);
      }
    }
    if (!quick && !postgres && wanted("ledger")) {
      const ledger = await runLedger(25 * MINUTE);
      if (ledger) results.ledger = ledger;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    if (ownServer) execFileSync(script, ["stop"]);
  }
  if (profileDir && existsSync(profileDir)) {
    const profiles: Json = {};
    for (const file of readdirSync(profileDir).filter((f) => f.endsWith(".cpuprofile"))) {
      profiles[file] = summarizeProfile(join(profileDir, file));
    }
    results.profiles = profiles;
  }
  (results.environment as Json).loadAverageAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
  (results.environment as Json).seconds = Math.round((Date.now() - startedAt.getTime()) / 100) / 10;

  console.log("");
  printTable(rows(results, quick));
  if (results.profiles) {
    for (const [file, summary] of Object.entries(results.profiles as Json)) {
      console.log(`\nCPU profile ${file}: busy time by package/folder`);
      for (const g of (get(summary, "byGroup") as { name: string; percent: number }[]) ?? []) {
        console.log(`  ${String(g.percent).padStart(5)}%  ${g.name}`);
      }
    }
  }
  mkdirSync(resultsDir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
  const json = JSON.stringify(results, null, 2);
  writeFileSync(join(resultsDir, `bench-${mode}-${stamp}.json`), json);
  writeFileSync(join(resultsDir, `bench-${mode}.json`), json);
  console.log(`\nwrote ${join(resultsDir, `bench-${mode}.json`)} (and bench-${mode}-${stamp}.json)`);
  const problems = failures(results);
  if (problems.length > 0) {
    console.error(`\nbench: ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
    process.exitCode = 1;
  }
}

await main();
