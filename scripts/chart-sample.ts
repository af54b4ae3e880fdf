// Writes docs/digest-chart-sample.png, the sample ranking chart the README shows: `node --import tsx scripts/chart-sample.ts`.
import { writeFile } from "node:fs/promises";
import { renderRankingChart } from "../src/reports/chart.ts";

const png = await renderRankingChart({
  title: "各社区问题整改率排名",
  subtitle: "幸福街道 · 2025年6月18日（截至 18:00）",
  valueFormat: "percent",
  bars: [
    { label: "幸福里社区", value: 0.982, flag: "red" },
    { label: "东风路社区", value: 0.953 },
    { label: "和平新村社区", value: 0.935 },
    { label: "光明社区", value: 0.911 },
    { label: "建设路社区", value: 0.887 },
    { label: "滨河花园社区", value: 0.862 },
    { label: "向阳社区", value: 0.815 },
    { label: "南关社区", value: 0.764, flag: "yellow" },
  ],
});
await writeFile(new URL("../docs/digest-chart-sample.png", import.meta.url), png);
