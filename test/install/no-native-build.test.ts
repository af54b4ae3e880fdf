import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");

/** Every installed package folder under `dir` (scoped and nested ones too). */
function packages(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.name.startsWith("@")) {
      found.push(...packages(path));
      continue;
    }
    if (!existsSync(join(path, "package.json"))) continue;
    found.push(path, ...packages(join(path, "node_modules")));
  }
  return found;
}

/** Install scripts that compile: node-gyp and the tools that fall back to it when no prebuilt binary downloads. */
const COMPILING = /\b(node-gyp|prebuild-install|node-pre-gyp|cmake-js)\b/;

/**
 * What npm would compile at install in a package: a binding.gyp (npm runs `node-gyp rebuild` for it unless the
 * package says `gypfile: false`), or an install script that builds.
 */
function buildsAtInstall(path: string): string | undefined {
  const pkg = JSON.parse(readFileSync(join(path, "package.json"), "utf8")) as {
    gypfile?: boolean;
    scripts?: Record<string, string>;
  };
  if (existsSync(join(path, "binding.gyp")) && pkg.gypfile !== false) return "binding.gyp";
  for (const hook of ["preinstall", "install", "postinstall"]) {
    const script = pkg.scripts?.[hook];
    if (script && COMPILING.test(script)) return `${hook}: ${script}`;
  }
  return undefined;
}

describe("a fresh install", () => {
  it("compiles nothing: no installed dependency builds native code (a C/C++ toolchain is not needed)", () => {
    const all = packages(join(ROOT, "node_modules"));
    expect(all.length).toBeGreaterThan(100);
    const building = all.flatMap((path) => {
      const why = buildsAtInstall(path);
      return why ? [`${path.slice(ROOT.length + 1)} (${why})`] : [];
    });
    expect(building).toEqual([]);
  });
});
