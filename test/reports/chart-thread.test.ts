import { describe, expect, it } from "vitest";
import { type RankingChartInput, renderRankingChart } from "../../src/reports/chart.ts";
import { renderRankingChartOnThread } from "../../src/reports/chart-thread.ts";

const input: RankingChartInput = {
  title: "各网格整改率排名",
  subtitle: "幸福里社区 · 6月18日",
  valueFormat: "percent",
  bars: [
    { label: "幸福里第一网格", value: 0.935, flag: "red" },
    { label: "幸福里第二网格", value: 0.8 },
    { label: "幸福里第三网格", value: 0.5, flag: "yellow" },
  ],
};

describe("renderRankingChartOnThread", { timeout: 60_000 }, () => {
  it("renders on the chart thread the PNG renderRankingChart renders here, several at once", async () => {
    const other = { ...input, title: "各社区整改率排名" };
    const [here, there, otherThere] = await Promise.all([
      renderRankingChart(input),
      renderRankingChartOnThread(input),
      renderRankingChartOnThread(other),
    ]);
    expect(there.equals(here)).toBe(true);
    expect(otherThere.equals(here)).toBe(false);
    expect(otherThere.equals(await renderRankingChart(other))).toBe(true);
  });

  it("fails as renderRankingChart fails, and the thread goes on serving", async () => {
    const broken = { ...input, bars: undefined } as unknown as RankingChartInput;
    await expect(renderRankingChartOnThread(broken)).rejects.toMatchObject({ name: "TypeError" });
    expect((await renderRankingChartOnThread(input)).equals(await renderRankingChart(input))).toBe(true);
  });
});
