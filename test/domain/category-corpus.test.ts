import { describe, expect, it } from "vitest";
import { formatMisses, loadPhrasings, scorePhrasings } from "../../bench/lib/category-corpus.ts";
import { CATALOGUE } from "../../src/org/catalogue.ts";

/**
 * Category matching against the corpus of everyday phrasings (test/fixtures/category-phrasings.yaml): the right
 * category first for at least 90 % of them and among the three offered for at least 97 %. A failure lists every
 * phrasing that missed. The held-out part, never tuned on, is reported on its own.
 */
describe("category matching on everyday phrasings", () => {
  const phrasings = loadPhrasings();

  it("has at least 300 phrasings, at least ten for every catalogue category, a fifth of them held out", () => {
    expect(phrasings.length).toBeGreaterThanOrEqual(300);
    const codes = new Set(CATALOGUE.map((c) => c.code));
    for (const p of phrasings) expect(codes, p.text).toContain(p.code);
    for (const code of codes) {
      const mine = phrasings.filter((p) => p.code === code);
      expect(mine.length, code).toBeGreaterThanOrEqual(10);
      expect(
        mine.some((p) => p.heldOut),
        code,
      ).toBe(true);
    }
    const heldOut = phrasings.filter((p) => p.heldOut).length / phrasings.length;
    expect(heldOut).toBeGreaterThanOrEqual(0.2);
  });

  it("ranks the right category first for ≥ 90 % and among the top three for ≥ 97 %, rarely deciding wrongly", () => {
    const { score, misses } = scorePhrasings(phrasings);
    const heldOut = scorePhrasings(phrasings.filter((p) => p.heldOut)).score;
    console.info(
      `category matching: top-1 ${score.top1}, top-3 ${score.top3} of ${score.total}; ` +
        `held out: top-1 ${heldOut.top1}, top-3 ${heldOut.top3} of ${heldOut.total}`,
    );
    const report = `${JSON.stringify(score)}\nmisses:\n${formatMisses(misses)}`;
    expect(score.top1, report).toBeGreaterThanOrEqual(0.9);
    expect(score.top3, report).toBeGreaterThanOrEqual(0.97);
    // Filing under a wrong category sends the issue to the wrong people; asking costs one click.
    expect(score.decidedWrong, report).toBeLessThanOrEqual(0.05);
  });
});
