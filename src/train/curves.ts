import { lineChart } from "../plot/line.js";
import type { LineSeries } from "../plot/line.js";
import { escapeXml } from "../plot/svg.js";

/** Per-epoch metrics in the form the trainer logs them. */
export interface CurvePoint {
  epoch: number;
  trainLoss: number;
  trainTop1: number;
  valLoss?: number;
  valTop1?: number;
}

/**
 * Loss and accuracy against epoch as one SVG: two line charts side by side, each holding a line
 * per run and split (runs are named for a comparison, unnamed for one training run).
 */
export function trainingCurves(runs: Readonly<Record<string, readonly CurvePoint[]>>, opts: { title?: string } = {}): string {
  const series = (pick: (p: CurvePoint) => number | undefined, split: string): LineSeries[] =>
    Object.entries(runs).flatMap(([name, points]) => {
      const kept = points.filter((p) => Number.isFinite(pick(p)));
      if (kept.length === 0) return [];
      return [{ name: name ? `${name} (${split})` : split, x: kept.map((p) => p.epoch), y: kept.map((p) => pick(p) as number) }];
    });
  const oneRun = Object.keys(runs).length === 1;
  // Several runs: test curves only, so each run keeps one colour and the legend stays short.
  const loss = [...(oneRun ? series((p) => p.trainLoss, "train") : []), ...series((p) => p.valLoss, "test")];
  const accuracy = [...(oneRun ? series((p) => p.trainTop1, "train") : []), ...series((p) => p.valTop1, "test")];
  const width = 640;
  const height = 420;
  const panels = [
    lineChart(loss.length ? loss : series((p) => p.trainLoss, "train"), { title: "loss", xLabel: "epoch", yLabel: "cross-entropy", width, height }),
    lineChart(accuracy.length ? accuracy : series((p) => p.trainTop1, "train"), { title: "accuracy", xLabel: "epoch", yLabel: "top-1", width, height }),
  ];
  const title = opts.title ? `<text x="${width}" y="22" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="16" font-weight="bold">${escapeXml(opts.title)}</text>` : "";
  const top = opts.title ? 32 : 0;
  const nested = panels.map((svg, i) => svg.replace(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/, `<svg x="${i * width}" y="${top}"`));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * width}" height="${height + top}" viewBox="0 0 ${2 * width} ${height + top}">\n<rect width="100%" height="100%" fill="white"/>\n${title}\n${nested.join("\n")}\n</svg>\n`;
}
