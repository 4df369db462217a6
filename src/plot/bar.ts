import { checkSeries, extent, Frame, legendWidth, linearScale, niceTicks, PALETTE, polyline } from "./svg.js";
import type { ChartOptions } from "./svg.js";

export interface BarChartOptions extends ChartOptions {
  /** Name of the bars in the legend (shown when there are overlay lines). */
  barName?: string;
  /** Lines drawn over the bars, one value per bar (e.g. a cumulative sum). */
  lines?: readonly { name: string; values: ArrayLike<number>; color?: string }[];
  /** Fixed y range; default [min(0, data), max(data)]. */
  yDomain?: [number, number];
}

/**
 * Bar chart with one bar per label, optionally with overlay lines through the bar centres: the
 * explained-variance chart (bars per component, cumulative ratio as a line) is this chart.
 */
export function barChart(labels: readonly string[], values: ArrayLike<number>, opts: BarChartOptions = {}): string {
  checkSeries(values, "barChart", "values", labels.length);
  const lines = opts.lines ?? [];
  lines.forEach((l) => checkSeries(l.values, "barChart", l.name, labels.length));
  if (labels.length === 0) throw new RangeError("barChart: no bars to draw");
  const legend = lines.length > 0 ? [opts.barName ?? "value", ...lines.map((l) => l.name)] : [];
  const frame = new Frame(opts, legendWidth(legend));
  const [lo, hi] = opts.yDomain ?? extent([0], values, ...lines.map((l) => l.values));
  const yt = niceTicks(lo, hi);
  const sy = linearScale([yt[0], yt[yt.length - 1]], [frame.bottom, frame.top]);
  const n = labels.length;
  const slot = (frame.right - frame.left) / n;
  const centre = (i: number) => frame.left + slot * (i + 0.5);
  const sx = Object.assign((i: number) => centre(i), { domain: [0, n - 1] as [number, number] });
  // Too many categories to label every one: label about 20 of them.
  const every = Math.max(1, Math.ceil(n / 20));
  const shown = labels.map((_, i) => i).filter((i) => i % every === 0);
  frame.axes(sx, shown, sy, yt, shown.map((i) => labels[i]));
  const base = sy(Math.max(yt[0], Math.min(0, yt[yt.length - 1])));
  const bars: string[] = [];
  for (let i = 0; i < n; i++) {
    const top = sy(values[i]);
    const y = Math.min(top, base);
    bars.push(`<rect x="${(centre(i) - slot * 0.35).toFixed(1)}" y="${y.toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${Math.abs(base - top).toFixed(1)}" fill="${PALETTE[0]}"/>`);
  }
  frame.add(`<g>${bars.join("")}</g>`);
  lines.forEach((l, k) => {
    const color = l.color ?? PALETTE[(k + 1) % PALETTE.length];
    frame.add(polyline(Array.from({ length: n }, (_, i): [number, number] => [centre(i), sy(l.values[i])]), color, n <= 50));
  });
  frame.legend(legend.map((label, k) => ({ label, color: k === 0 ? PALETTE[0] : lines[k - 1].color ?? PALETTE[k % PALETTE.length], kind: k === 0 ? ("box" as const) : ("line" as const) })));
  return frame.toString();
}
