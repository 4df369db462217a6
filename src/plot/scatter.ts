import { checkSeries, extent, Frame, legendWidth, linearScale, niceTicks, PALETTE } from "./svg.js";
import type { ChartOptions } from "./svg.js";

export interface ScatterOptions extends ChartOptions {
  /** Group of each point (e.g. a class or cluster label); each group gets a colour and a legend entry. */
  groups?: ArrayLike<number | string>;
  /** Point radius in pixels; default 3. */
  radius?: number;
}

/** Scatter plot of (x[i], y[i]) as an SVG string, coloured by group when groups are given. */
export function scatterPlot(x: ArrayLike<number>, y: ArrayLike<number>, opts: ScatterOptions = {}): string {
  checkSeries(x, "scatterPlot", "x");
  checkSeries(y, "scatterPlot", "y", x.length);
  if (opts.groups && opts.groups.length !== x.length) throw new RangeError(`scatterPlot: groups has ${opts.groups.length} entries, expected ${x.length}`);
  const groupOf = (i: number) => (opts.groups ? String(opts.groups[i]) : "");
  const names = opts.groups ? [...new Set(Array.from({ length: x.length }, (_, i) => groupOf(i)))] : [];
  // Numeric labels sort numerically so the legend reads 0, 1, 2, ..., 10.
  names.sort((a, b) => (Number.isFinite(Number(a)) && Number.isFinite(Number(b)) ? Number(a) - Number(b) : a.localeCompare(b)));
  const colour = new Map(names.map((n, i) => [n, PALETTE[i % PALETTE.length]]));
  const frame = new Frame(opts, legendWidth(names));
  const xt = niceTicks(...extent(x));
  const yt = niceTicks(...extent(y));
  const sx = linearScale([xt[0], xt[xt.length - 1]], [frame.left, frame.right]);
  const sy = linearScale([yt[0], yt[yt.length - 1]], [frame.bottom, frame.top]);
  frame.axes(sx, xt, sy, yt);
  const r = opts.radius ?? 3;
  const dots: string[] = [];
  for (let i = 0; i < x.length; i++) {
    const fill = opts.groups ? colour.get(groupOf(i)) : PALETTE[0];
    dots.push(`<circle cx="${sx(x[i]).toFixed(1)}" cy="${sy(y[i]).toFixed(1)}" r="${r}" fill="${fill}" fill-opacity="0.75"/>`);
  }
  frame.add(`<g>${dots.join("")}</g>`);
  frame.legend(names.map((label) => ({ label, color: colour.get(label)!, kind: "dot" as const })));
  return frame.toString();
}
