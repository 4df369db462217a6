/**
 * The shared pieces of the SVG charts: a frame with margins, linear scales, "nice" tick values
 * (Heckbert 1990, "Nice numbers for graph labels"), axes, legend and escaping. Output is a plain
 * string; callers write it (atomically, in the CLI).
 */

/** Tableau 10: distinguishable colours that stay readable for common colour-vision deficiencies. */
export const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

export interface ChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Pixels; default 640 x 420. */
  width?: number;
  height?: number;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Shortest decimal that shows a tick value (no 0.30000000000000004). */
export function formatTick(v: number): string {
  if (v === 0) return "0";
  const abs = Math.abs(v);
  if (abs >= 1e5 || abs < 1e-3) return v.toExponential(1).replace("e+", "e");
  return String(Number(v.toPrecision(6)));
}

/** Round tick values covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0];
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.floor(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  if (ticks[ticks.length - 1] < hi) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

export interface Scale {
  (v: number): number;
  domain: [number, number];
}

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const f = ((v: number) => r0 + ((v - d0) / span) * (r1 - r0)) as Scale;
  f.domain = domain;
  return f;
}

/** The plotting area inside the margins and the SVG scaffolding around it. */
export class Frame {
  readonly width: number;
  readonly height: number;
  readonly left = 64;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  private readonly parts: string[] = [];

  constructor(readonly opts: ChartOptions, legendWidth = 0) {
    this.width = opts.width ?? 640;
    this.height = opts.height ?? 420;
    this.right = this.width - 20 - legendWidth;
    this.top = opts.title ? 40 : 16;
    this.bottom = this.height - 52;
  }

  add(svg: string): void {
    this.parts.push(svg);
  }

  /** Grid lines, tick labels and axis titles for x ticks (or category labels) and y ticks. */
  axes(x: Scale, xTicks: readonly number[], y: Scale, yTicks: readonly number[], xLabels?: readonly string[]): void {
    const g: string[] = [];
    for (const t of yTicks) {
      const py = y(t).toFixed(1);
      g.push(`<line x1="${this.left}" y1="${py}" x2="${this.right}" y2="${py}" stroke="#e5e5e5"/>`);
      g.push(`<text x="${this.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatTick(t))}</text>`);
    }
    xTicks.forEach((t, i) => {
      const px = x(t).toFixed(1);
      g.push(`<line x1="${px}" y1="${this.bottom}" x2="${px}" y2="${this.bottom + 4}" stroke="#555"/>`);
      g.push(`<text x="${px}" y="${this.bottom + 16}" text-anchor="middle">${escapeXml(xLabels ? xLabels[i] : formatTick(t))}</text>`);
    });
    g.push(`<line x1="${this.left}" y1="${this.bottom}" x2="${this.right}" y2="${this.bottom}" stroke="#555"/>`);
    g.push(`<line x1="${this.left}" y1="${this.top}" x2="${this.left}" y2="${this.bottom}" stroke="#555"/>`);
    const { xLabel, yLabel } = this.opts;
    if (xLabel) g.push(`<text x="${(this.left + this.right) / 2}" y="${this.height - 12}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
    if (yLabel) {
      const cy = (this.top + this.bottom) / 2;
      g.push(`<text x="16" y="${cy}" text-anchor="middle" transform="rotate(-90 16 ${cy})">${escapeXml(yLabel)}</text>`);
    }
    this.parts.unshift(`<g font-size="11" fill="#333">${g.join("")}</g>`);
  }

  legend(entries: readonly { label: string; color: string; kind: "box" | "line" | "dot" }[]): void {
    if (entries.length === 0) return;
    const x = this.right + 14;
    const rows = entries.map((e, i) => {
      const y = this.top + 8 + i * 18;
      const mark = e.kind === "line"
        ? `<line x1="${x}" y1="${y}" x2="${x + 14}" y2="${y}" stroke="${e.color}" stroke-width="2"/>`
        : e.kind === "dot" ? `<circle cx="${x + 7}" cy="${y}" r="4" fill="${e.color}"/>` : `<rect x="${x}" y="${y - 5}" width="14" height="10" fill="${e.color}"/>`;
      return `${mark}<text x="${x + 20}" y="${y}" dominant-baseline="middle">${escapeXml(e.label)}</text>`;
    });
    this.add(`<g font-size="11" fill="#333">${rows.join("")}</g>`);
  }

  toString(): string {
    const title = this.opts.title
      ? `<text x="${this.width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold" fill="#222">${escapeXml(this.opts.title)}</text>`
      : "";
    return [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width}" height="${this.height}" viewBox="0 0 ${this.width} ${this.height}" font-family="Helvetica, Arial, sans-serif">`,
      `<rect width="100%" height="100%" fill="white"/>`,
      title,
      ...this.parts,
      "</svg>",
      "",
    ].join("\n");
  }
}

/** A polyline through pixel points, with a dot on each when `markers`. */
export function polyline(points: readonly [number, number][], color: string, markers: boolean): string {
  const path = `<polyline points="${points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ")}" fill="none" stroke="${color}" stroke-width="2"/>`;
  const dots = markers ? points.map(([x, y]) => `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${color}"/>`).join("") : "";
  return path + dots;
}

/** Smallest and largest finite value of several series, for a shared axis. */
export function extent(...series: readonly ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.length; i++) {
      if (!Number.isFinite(s[i])) continue;
      lo = Math.min(lo, s[i]);
      hi = Math.max(hi, s[i]);
    }
  }
  return lo === Infinity ? [0, 1] : [lo, hi];
}

/** Width to reserve for a legend with these labels (an estimate: SVG cannot measure text). */
export function legendWidth(labels: readonly string[]): number {
  return labels.length === 0 ? 0 : 34 + 6.5 * Math.max(...labels.map((l) => l.length));
}

/** Rejects series a chart cannot draw, naming the chart and series. */
export function checkSeries(values: ArrayLike<number>, chart: string, name: string, length?: number): void {
  if (length !== undefined && values.length !== length) throw new RangeError(`${chart}: ${name} has ${values.length} values, expected ${length}`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new RangeError(`${chart}: ${name}[${i}] is ${values[i]}; values must be finite`);
  }
}
