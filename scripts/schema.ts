/**
 * One schema source for both databases (see README, "PostgreSQL and several instances").
 *
 *   npm run db:schema                 writes prisma/postgresql/schema.prisma from prisma/schema.prisma
 *   npm run db:schema -- --check      fails when it is out of date, or the schema changed without a migration (CI)
 *   npm run db:migration -- <name>    writes the migration from the last migrated schema to the current one, for
 *                                     SQLite and PostgreSQL in one step, and updates the snapshot
 *
 * prisma/schema.prisma (SQLite) is the source; the PostgreSQL schema differs only in its datasource and its client's
 * output folder. prisma/migrated.prisma is the schema as of the last migration: migrations are diffs between
 * schema files, so no database (and no download) is needed to write them.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE = join(ROOT, "prisma/schema.prisma");
const POSTGRES = join(ROOT, "prisma/postgresql/schema.prisma");
const MIGRATED = join(ROOT, "prisma/migrated.prisma");
const MIGRATIONS = { sqlite: join(ROOT, "prisma/migrations"), postgresql: join(ROOT, "prisma/postgresql/migrations") };

const NOTICE = "// Generated from ../schema.prisma by `npm run db:schema`; edit that file, not this one.\n";

/** The rewrites that turn the SQLite schema into the PostgreSQL one, each of which must match exactly once. */
const REWRITES: [RegExp, string][] = [
  [/^(\s*provider\s*=\s*)"sqlite"$/m, '$1"postgresql"'],
  [/^(\s*url\s*=\s*)"file:[^"]*"$/m, '$1"postgresql://localhost/riqing"'],
  [/^(\s*output\s*=\s*)"\.\.\/src\/generated\/prisma"$/m, '$1"../../src/generated/postgres"'],
];

/** The PostgreSQL schema for a SQLite schema's text. */
export function postgresSchema(sqlite: string): string {
  let text = sqlite;
  for (const [pattern, replacement] of REWRITES) {
    if (!pattern.test(text)) throw new Error(`schema.prisma: expected a line matching ${pattern}`);
    text = text.replace(pattern, replacement);
  }
  return NOTICE + text;
}

/** What is out of date: the PostgreSQL schema, or a schema change that has no migration yet. */
export function schemaDrift(): string[] {
  const source = readFileSync(SOURCE, "utf8");
  const problems: string[] = [];
  if (!existsSync(POSTGRES) || readFileSync(POSTGRES, "utf8") !== postgresSchema(source)) {
    problems.push("prisma/postgresql/schema.prisma is out of date: run `npm run db:schema`");
  }
  if (!existsSync(MIGRATED) || modelsOf(readFileSync(MIGRATED, "utf8")) !== modelsOf(source)) {
    problems.push("prisma/schema.prisma changed without a migration: run `npm run db:migration -- <name>`");
  }
  return problems;
}

/** The schema without comments and blank lines (a comment needs no migration). */
function modelsOf(schema: string): string {
  return schema
    .split("\n")
    .map((line) => line.replace(/\/\/.*$/, "").trimEnd())
    .filter((line) => line.trim() !== "")
    .join("\n");
}

/** SQL that turns a database of schema `from` into one of schema `to` (Prisma's schema-to-schema diff, offline). */
function diff(from: string, to: string, scratch: string): string {
  const fromFile = join(scratch, "from.prisma");
  const toFile = join(scratch, "to.prisma");
  writeFileSync(fromFile, from);
  writeFileSync(toFile, to);
  const out = execFileSync(
    "npx",
    ["prisma", "migrate", "diff", "--from-schema-datamodel", fromFile, "--to-schema-datamodel", toFile, "--script"],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: `file:${join(scratch, "scratch.db")}` }, encoding: "utf8" },
  );
  return out.includes("This is an empty migration.") ? "" : out;
}

function writeMigration(name: string): void {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error("a migration name is lower-case letters, digits and _");
  const source = readFileSync(SOURCE, "utf8");
  const migrated = readFileSync(MIGRATED, "utf8");
  const scratch = mkdtempSync(join(tmpdir(), "riqing-schema-"));
  try {
    const sql = {
      sqlite: diff(migrated, source, scratch),
      postgresql: diff(postgresSchema(migrated), postgresSchema(source), scratch),
    };
    if (!sql.sqlite && !sql.postgresql) {
      console.log("No schema change to migrate.");
      return;
    }
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    for (const provider of ["sqlite", "postgresql"] as const) {
      const dir = join(MIGRATIONS[provider], `${stamp}_${name}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "migration.sql"), sql[provider]);
      console.log(`wrote ${dir.slice(ROOT.length + 1)}/migration.sql`);
    }
    writeFileSync(MIGRATED, source);
    writeFileSync(POSTGRES, postgresSchema(source));
    console.log("Review both scripts; SQL Prisma cannot express (triggers) is written per database by hand.");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function main(argv: string[]): number {
  const [command, arg] = argv;
  if (command === "migration") {
    if (!arg) throw new Error("usage: npm run db:migration -- <name>");
    writeMigration(arg);
    return 0;
  }
  if (command === "--check") {
    const problems = schemaDrift();
    for (const p of problems) console.error(p);
    return problems.length ? 1 : 0;
  }
  writeFileSync(POSTGRES, postgresSchema(readFileSync(SOURCE, "utf8")));
  console.log("wrote prisma/postgresql/schema.prisma");
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  process.exitCode = main(process.argv.slice(2));
