import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");

/** What `npm install` shows of the prepare step: the output of scripts/prisma-generate.js, or of prisma itself. */
function run(args: string[], wrapped = true) {
  const command = wrapped
    ? [join(ROOT, "scripts/prisma-generate.js"), ...args]
    : [join(ROOT, "node_modules/prisma/build/index.js"), "generate", ...args];
  const result = spawnSync(process.execPath, command, { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("the prepare step of npm install", () => {
  // The real schema, generating into a folder of its own so the project's client is left alone.
  const dir = mkdtempSync(join(tmpdir(), "riqing-generate-"));
  const schema = join(dir, "schema.prisma");
  writeFileSync(
    schema,
    readFileSync(join(ROOT, "prisma/schema.prisma"), "utf8").replace(
      'output          = "../src/generated/prisma"',
      `output          = "${join(dir, "client")}"`,
    ),
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("generates the client without the warnings about preview features Riqing must keep", () => {
    const bare = run(["--schema", schema], false);
    expect(bare.output).toContain('Preview feature "driverAdapters" is deprecated');
    const shown = run(["--schema", schema]);
    expect(shown.status).toBe(0);
    expect(shown.output).toContain("Generated Prisma Client");
    expect(shown.output).not.toMatch(/warn|deprecated/i);
  });

  it("passes Prisma's errors and exit code through", () => {
    const failed = run(["--schema", schema, "--no-such-option"]);
    expect(failed.status).not.toBe(0);
    expect(failed.output).toContain("--no-such-option");
  });
});
