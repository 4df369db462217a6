/** Tiny dependency-free SVG charts for the CLI and reports: each returns the SVG document as a string. */
export { scatterPlot } from "./scatter.js";
export type { ScatterOptions } from "./scatter.js";
export { lineChart } from "./line.js";
export type { LineSeries, LineChartOptions } from "./line.js";
export { barChart } from "./bar.js";
export type { BarChartOptions } from "./bar.js";
export type { ChartOptions } from "./svg.js";
export { niceTicks, PALETTE } from "./svg.js";
