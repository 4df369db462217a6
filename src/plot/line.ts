import { checkSeries, extent, Frame, legendWidth, linearScale, niceTicks, PALETTE, polyline } from "./svg.js";
import type { ChartOptions } from "./svg.js";

export interface LineSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: string;
  /** Draw a marker at every point; default true when the series has at most 50 points. */
  markers?: boolean;
}

export interface LineChartOptions extends ChartOptions {
  /** Fixed y range, e.g. [0, 1] for ratios; default: fitted to the data. */
  yDomain?: [number, number];
}

/** Line chart of one or more series as an SVG string. */
export function lineChart(series: readonly LineSeries[], opts: LineChartOptions = {}): string {
  if (series.length === 0) throw new RangeError("lineChart: no series to draw");
  series.forEach((s) => {
    checkSeries(s.x, "lineChart", `${s.name}.x`);
    checkSeries(s.y, "lineChart", `${s.name}.y`, s.x.length);
  });
  const names = series.length > 1 ? series.map((s) => s.name) : [];
  const frame = new Frame(opts, legendWidth(names));
  const xt = niceTicks(...extent(...series.map((s) => s.x)));
  const yt = niceTicks(...(opts.yDomain ?? extent(...series.map((s) => s.y))));
  const sx = linearScale([xt[0], xt[xt.length - 1]], [frame.left, frame.right]);
  const sy = linearScale([yt[0], yt[yt.length - 1]], [frame.bottom, frame.top]);
  frame.axes(sx, xt, sy, yt);
  series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    const points = Array.from({ length: s.x.length }, (_, i): [number, number] => [sx(s.x[i]), sy(s.y[i])]);
    frame.add(polyline(points, color, s.markers ?? s.x.length <= 50));
  });
  frame.legend(names.map((label, k) => ({ label, color: series[k].color ?? PALETTE[k % PALETTE.length], kind: "line" as const })));
  return frame.toString();
}
