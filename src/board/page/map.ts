import { ScatterChart } from "echarts/charts";
import { GeoComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import type { BoardIssue, BoardView, Outline } from "../view-types.ts";
import { STATE_LABELS } from "./texts.ts";

echarts.use([ScatterChart, GeoComponent, TooltipComponent, CanvasRenderer]);

/** The colour of each board state; the legend, the tiles and the map use the same. */
export const STATE_COLORS: Record<string, string> = {
  new: "#2f80ed",
  in_progress: "#f2994a",
  awaiting_check: "#9b51e0",
  overdue: "#eb5757",
  on_books: "#8b1a1a",
};

/** Soft area colours, one per community, so grids of one community read as one. */
const AREA_TINTS = ["#e3f2fd", "#e8f5e9", "#fff3e0", "#f3e5f5", "#e0f7fa", "#fce4ec", "#f1f8e9", "#ede7f6"];
const AREA_TINTS_DARK = ["#17324d", "#1b3b2a", "#4a3414", "#3a2147", "#123f45", "#4a1c2c", "#2f3f17", "#2b2447"];

/** Whether every grid of the view has an outline: then the board draws a map, otherwise tiles. */
export function hasMap(view: BoardView): boolean {
  const grids = view.areas.flatMap((a) => a.grids);
  return grids.length > 0 && grids.every((g) => g.boundary !== null);
}

/** The average of a geometry's outer ring points: where issues without a position of their own are drawn. */
function centreOf(geometry: Outline): [number, number] {
  const rings =
    geometry.type === "Polygon"
      ? [(geometry.coordinates as number[][][])[0]]
      : (geometry.coordinates as number[][][][]).map((p) => p[0]);
  const points = rings.flatMap((r) => r ?? []);
  const sum = points.reduce<[number, number]>((acc, [x = 0, y = 0]) => [acc[0] + x, acc[1] + y], [0, 0]);
  return [sum[0] / Math.max(1, points.length), sum[1] / Math.max(1, points.length)];
}

/** A small, stable offset per issue number, so issues at the same place do not hide each other. */
function spread(number: number, size: number): [number, number] {
  const angle = (number * 137.508 * Math.PI) / 180;
  const radius = size * (0.15 + ((number * 7919) % 100) / 300);
  return [Math.cos(angle) * radius, Math.sin(angle) * radius];
}

/**
 * Draws the grids from their outlines with ECharts (no map tiles: works offline) and the open issues on them as
 * dots in their state's colour. Clicking a dot calls `onIssue`. The chart is drawn once the container has a size
 * and follows it from then on; while it has none (hidden, not laid out yet) nothing is drawn, since ECharts' map
 * layout cannot invert a transform of zero size. Should ECharts fail all the same, `onFail` gets the error and the
 * chart is gone. Returns the function that disposes of the chart.
 */
export function drawMap(
  container: HTMLElement,
  view: BoardView,
  issues: readonly BoardIssue[],
  options: { dark: boolean; interactive: boolean; onIssue: (number: number) => void; onFail: (error: unknown) => void },
): () => void {
  const name = `riqing-${view.unit.id}`;
  const grids = view.areas.flatMap((area, i) => area.grids.map((g) => ({ ...g, tint: i })));
  echarts.registerMap(name, {
    type: "FeatureCollection",
    features: grids.map((g) => ({ type: "Feature", properties: { name: g.name }, geometry: g.boundary })),
  } as never);
  const centres = new Map(grids.map((g) => [g.id, centreOf(g.boundary as Outline)]));
  const size = 0.0012;
  const data = issues.flatMap((issue) => {
    const centre = issue.gridId === null ? undefined : centres.get(issue.gridId);
    const at =
      issue.position ??
      (centre ? [centre[0] + spread(issue.number, size)[0], centre[1] + spread(issue.number, size)[1]] : null);
    if (!at) return [];
    return [
      {
        name: `#${issue.number}`,
        value: [at[0], at[1], issue.number],
        itemStyle: {
          color: STATE_COLORS[issue.state],
          borderColor: options.dark ? "#0b1220" : "#ffffff",
          borderWidth: 1.5,
        },
        tip: `#${issue.number} ${issue.category ?? ""} · ${STATE_LABELS[issue.state] ?? ""}<br/>${[issue.grid, issue.point].filter(Boolean).join(" ")}`,
      },
    ];
  });
  const tints = options.dark ? AREA_TINTS_DARK : AREA_TINTS;
  const option = (width: number): echarts.EChartsCoreOption => ({
    animation: false,
    tooltip: {
      trigger: "item",
      formatter: (p: { data?: { tip?: string }; name: string }) => p.data?.tip ?? p.name,
    },
    geo: {
      map: name,
      roam: options.interactive,
      layoutCenter: ["50%", "50%"],
      layoutSize: "95%",
      // On a phone the grids are too small for their names: the dots and the tooltip say enough.
      label: {
        show: width >= 500,
        color: options.dark ? "#9fb3c8" : "#52606d",
        fontSize: options.dark ? 16 : 12,
      },
      itemStyle: { borderColor: options.dark ? "#3d5a80" : "#9aa5b1", borderWidth: 1 },
      emphasis: { disabled: !options.interactive, label: { color: options.dark ? "#ffffff" : "#1f2933" } },
      regions: grids.map((g) => ({ name: g.name, itemStyle: { areaColor: tints[g.tint % tints.length] } })),
    },
    series: [
      {
        type: "scatter",
        coordinateSystem: "geo",
        symbolSize: options.dark ? 18 : 13,
        data,
        emphasis: { scale: 1.4 },
      },
    ],
  });
  let chart: echarts.ECharts | undefined;
  const draw = () => {
    if (!(container.clientWidth > 0 && container.clientHeight > 0)) return;
    try {
      if (chart) return chart.resize();
      chart = echarts.init(container, undefined, { renderer: "canvas" });
      chart.setOption(option(container.clientWidth), true);
      chart.on("click", (event) => {
        const value = (event.data as { value?: number[] } | undefined)?.value;
        if (event.seriesType === "scatter" && value?.[2] !== undefined) options.onIssue(value[2]);
      });
    } catch (error) {
      dispose();
      options.onFail(error);
    }
  };
  const sized = new ResizeObserver(draw);
  const dispose = () => {
    sized.disconnect();
    chart?.dispose();
    chart = undefined;
  };
  sized.observe(container);
  return dispose;
}
