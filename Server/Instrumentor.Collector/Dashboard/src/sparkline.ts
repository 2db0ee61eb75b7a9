// A small chart of a method's recent calls: calls per bucket (bars) and p95 latency (line), drawn by uPlot.

import uPlot from "uplot";
import { parseTime } from "./format";
import type { StatsBucket } from "./types";

export function renderSparkline(container: HTMLElement, buckets: StatsBucket[]): uPlot | null {
  if (buckets.length === 0) return null;
  const times = buckets.map((b) => parseTime(b.t) / 1000);
  const counts = buckets.map((b) => b.count);
  const p95 = buckets.map((b) => (b.p95_ms === null || b.p95_ms === undefined ? null : b.p95_ms));
  const errors = buckets.map((b) => b.errors);
  const options: uPlot.Options = {
    width: Math.max(240, container.clientWidth || 560),
    height: 120,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, calls: { auto: true, range: (_u, _min, max) => [0, Math.max(1, max)] }, ms: { auto: true } },
    axes: [
      { stroke: "#8a94a6", grid: { show: false }, size: 28 },
      { scale: "calls", stroke: "#8a94a6", grid: { stroke: "#2a3140" }, size: 40 },
      { scale: "ms", side: 1, stroke: "#e6b450", grid: { show: false }, size: 48 },
    ],
    series: [
      {},
      { label: "calls", scale: "calls", stroke: "#5b9bf8", fill: "rgba(91,155,248,0.25)", points: { show: false }, paths: uPlot.paths.bars!({ size: [0.8, 40] }) },
      { label: "errors", scale: "calls", stroke: "#f0616d", fill: "rgba(240,97,109,0.45)", points: { show: false }, paths: uPlot.paths.bars!({ size: [0.8, 40] }) },
      { label: "p95 ms", scale: "ms", stroke: "#e6b450", width: 2, spanGaps: true },
    ],
  };
  return new uPlot(options, [times, counts, errors, p95], container);
}
