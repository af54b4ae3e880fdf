import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "riqing-build-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The packages the sandbox loads only when a code path needs them (issue 17), none of which its first start takes
 * (docx is not among them: the demo's street posts the week's 工作简报 when the sandbox first starts).
 */
const LAZY = ["exceljs", "echarts", "@resvg/resvg-js", "sharp", "pg", "@prisma/adapter-pg", "esbuild", "tsx"];

/**
 * A preload for `node --import` that writes, at exit, every package the process loaded: CommonJS ones from the
 * require cache, ES modules through a loader hook (which runs on a thread of its own and appends as it goes).
 */
function packageTracer(log: string): string {
  const hooks = join(dir, "trace-hooks.mjs");
  writeFileSync(
    hooks,
    `import { appendFileSync } from "node:fs";
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(log)}, url + "\\n");
  return next(url, context);
}`,
  );
  const preload = join(dir, "trace.mjs");
  writeFileSync(
    preload,
    `import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
register(${JSON.stringify(pathToFileURL(hooks).href)});
const require = createRequire(import.meta.url);
process.on("exit", () => appendFileSync(${JSON.stringify(log)}, Object.keys(require.cache).join("\\n") + "\\n"));`,
  );
  return preload;
}

/** The package names in a list of loaded files and URLs. */
function packagesIn(log: string): Set<string> {
  const names = readFileSync(log, "utf8").matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g);
  return new Set([...names].map((m) => m[1] as string));
}

/** `node dist/riqing.js start` in sandbox mode on a free port (with `preload`, if given): its page and Ctrl+C. */
async function startBuilt(preload?: string) {
  const args = [...(preload ? ["--import", preload] : []), join(ROOT, "dist/riqing.js"), "start"];
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", DATA_DIR: join(dir, "data"), PORT: "0", LOG_LEVEL: "silent" },
  });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const found = /http:\/\/127\.0\.0\.1:\d+\/sandbox/.exec(out);
      if (found) resolve(found[0]);
    });
    child.once("exit", (code) => reject(new Error(`riqing start exited with ${code}:\n${out}`)));
  });
  return {
    url,
    origin: new URL(url).origin,
    async interrupt() {
      child.kill("SIGINT");
      const [code] = await once(child, "exit");
      return code as number | null;
    },
  };
}

// The first test builds dist/; the second starts from that build.
describe("npm start runs the JavaScript built at install", { timeout: 120_000 }, () => {
  it("builds dist/, and the sandbox starts from it without tsx or the packages only some paths need", async () => {
    const build = spawnSync(process.execPath, [join(ROOT, "scripts/build.js")], { cwd: ROOT, encoding: "utf8" });
    expect(build.stderr).toBe("");
    expect(build.status).toBe(0);
    expect(readdirSync(join(ROOT, "dist"))).toContain("riqing.js");
    // npm start builds again only when a source changed since.
    const built = () => statSync(join(ROOT, "dist/riqing.js")).mtimeMs;
    const ifChanged = () =>
      spawnSync(process.execPath, [join(ROOT, "scripts/build.js"), "--if-changed"], { cwd: ROOT });
    const first = built();
    expect(ifChanged().status).toBe(0);
    expect(built()).toBe(first);
    const source = join(ROOT, "src/config/paths.ts");
    const later = new Date(first + 1000);
    utimesSync(source, later, later);
    expect(ifChanged().status).toBe(0);
    expect(built()).toBeGreaterThan(first);
    const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;
    expect(scripts.start).toMatch(/^node (--\S+ )*dist\/riqing\.js start$/);
    expect(scripts.prepare).toContain("node scripts/build.js");
    expect(scripts.prestart).toBe("node scripts/build.js --if-changed");

    const log = join(dir, "loaded.txt");
    writeFileSync(log, "");
    const sandbox = await startBuilt(packageTracer(log));
    // The page, and the demo the sandbox seeded from examples/org.yaml (found from dist/ in the project's folder).
    expect((await fetch(sandbox.url)).status).toBe(200);
    const state = (await (await fetch(`${sandbox.origin}/sandbox/api/state`)).json()) as { people: { name: string }[] };
    expect(state.people.map((p) => p.name)).toContain("何小燕");
    expect(await sandbox.interrupt()).toBe(0);

    const loaded = packagesIn(log);
    expect(loaded).toContain("@prisma/client");
    expect(LAZY.filter((name) => loaded.has(name))).toEqual([]);
    // The Lark SDK comes from its copy in the build, whose source text is all ASCII (src/lark/sdk.ts).
    expect(loaded).not.toContain("@larksuiteoapi/node-sdk");
    expect(readFileSync(log, "utf8")).toContain(join(ROOT, "dist/lark-sdk.cjs"));
    expect(readFileSync(join(ROOT, "dist/lark-sdk.cjs")).every((byte) => byte < 0x80)).toBe(true);
  });

  it("loads those packages from the build when a path needs them: the page's script and a sample photo", async () => {
    const sandbox = await startBuilt();
    const script = await fetch(`${sandbox.origin}/sandbox/assets/app.js`);
    expect(script.status).toBe(200);
    expect((await script.text()).length).toBeGreaterThan(1000);
    const photo = await fetch(`${sandbox.origin}/sandbox/api/samples/market-boxes.png`);
    expect(photo.status).toBe(200);
    expect(
      Buffer.from(await photo.arrayBuffer())
        .subarray(1, 4)
        .toString("latin1"),
    ).toBe("PNG");
    expect(await sandbox.interrupt()).toBe(0);
  });
});
