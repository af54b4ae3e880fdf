import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { sourceFiles } from "./import-graph.ts";

const ROOT = resolve(import.meta.dirname, "../..");

/**
 * Where Chinese may be written in src/ (ARCHITECTURE.md, "Texts"): the texts room, each browser page's own texts
 * file, and data that is Chinese by nature — the standard category catalogue, the demo's people and photos, the
 * characters' readings matching compares homophones by (generated), and the emulator, which stands apart and speaks
 * for Feishu. Everywhere else a Chinese string comes from one of these.
 */
const HOMES: readonly RegExp[] = [
  /^src\/texts\//,
  /^src\/[a-z]+\/page\/texts\.ts$/,
  /^src\/org\/catalogue\.ts$/,
  /^src\/domain\/char-sounds\.ts$/,
  /^src\/sandbox\/(seed-demo|sample-photos)\.ts$/,
  /^src\/emulator\//,
];

const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

/** The string, template and regular-expression literals of a file's text that hold Chinese, as "path:line text". */
function chineseLiterals(path: string, text: string): string[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const literal =
      ts.isStringLiteralLike(node) ||
      ts.isTemplateLiteralToken(node) ||
      ts.isRegularExpressionLiteral(node) ||
      ts.isJsxText(node);
    if (literal && CJK.test(node.getText(source))) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push(`${path}:${line + 1} ${node.getText(source).slice(0, 40)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("the texts room", () => {
  it("is the one home of the Chinese a user reads: no Chinese literal elsewhere in src/", () => {
    const strays = sourceFiles("src")
      .filter((path) => !HOMES.some((home) => home.test(path)))
      .flatMap((path) => chineseLiterals(path, readFileSync(join(ROOT, path), "utf8")));
    expect(strays).toEqual([]);
  });

  it("finds a Chinese literal wherever it is written", () => {
    const template = ["`已", "{x}`"].join("$");
    const text = `const a = "整改";\nconst b = ${template};\nconst c = /接单/;\n// 注释不算\nconst d = "ok";`;
    expect(chineseLiterals("x.ts", text)).toEqual(['x.ts:1 "整改"', "x.ts:2 `已${", "x.ts:3 /接单/"]);
  });
});
