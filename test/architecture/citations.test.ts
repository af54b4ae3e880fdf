import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { sourceFiles } from "./import-graph.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const BEHAVIOUR = readFileSync(resolve(ROOT, "docs/behaviour.md"), "utf8");
const FILES = ["src", "test", "bench"].flatMap((dir) => sourceFiles(dir));

/** The rule numbers docs/behaviour.md defines: sections ("## 6.") and rules ("6.2 " at a line's start). */
function definedRules(): Set<string> {
  const rules = new Set<string>();
  for (const match of BEHAVIOUR.matchAll(/^## (\d+)\./gm)) rules.add(match[1] as string);
  for (const match of BEHAVIOUR.matchAll(/^(\d+\.\d+) /gm)) rules.add(match[1] as string);
  return rules;
}

describe("citations of behaviour", () => {
  it("cite docs/behaviour.md by rule numbers that exist there", () => {
    const rules = definedRules();
    const dangling: string[] = [];
    for (const file of FILES) {
      const text = readFileSync(resolve(ROOT, file), "utf8");
      for (const match of text.matchAll(/behaviour §(\d+(?:\.\d+)?)(?:[–-](\d+(?:\.\d+)?))?/g)) {
        for (const rule of [match[1], match[2]]) if (rule && !rules.has(rule)) dangling.push(`${file}: §${rule}`);
      }
    }
    expect(dangling).toEqual([]);
  });

  it("never cite a specification that is not in the repository", () => {
    const outside = FILES.filter((file) => /\bSPEC(?:\.md)?[ §]/.test(readFileSync(resolve(ROOT, file), "utf8")));
    expect(outside).toEqual([]);
  });
});
