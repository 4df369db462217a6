import type { LinkageLike } from "./fcluster.js";
import { linkageRows } from "./fcluster.js";
import { escapeXml, formatTick, niceTicks } from "../plot/svg.js";

export interface DendrogramOptions {
  /** Text of each leaf (default: the observation index). */
  labels?: readonly string[];
  /** Links below this height take a cluster colour; default 0.7 * the largest merge height (SciPy's). */
  colorThreshold?: number;
  /** Draw the child with fewer observations first ("ascending", or `true`) or last ("descending"). */
  countSort?: boolean | "ascending" | "descending";
  /** Draw the child with the lower merge height first ("ascending", or `true`) or last ("descending"). */
  distanceSort?: boolean | "ascending" | "descending";
  /** Colour of links at or above the threshold (SciPy's default "C0"). */
  aboveThresholdColor?: string;
}

/** SciPy's `dendrogram(Z, no_plot=True)` output, in camelCase. */
export interface DendrogramData {
  /** x of each link's four corners (left bottom, left top, right top, right bottom); leaf i sits at 10 i + 5. */
  icoord: number[][];
  /** Heights of the same four corners. */
  dcoord: number[][];
  /** Leaf labels, left to right. */
  ivl: string[];
  /** Observation index of each leaf, left to right. */
  leaves: number[];
  /** Colour of each link: matplotlib cycle names "C0".."C9", as SciPy returns them. */
  colorList: string[];
  /** Colour of each leaf's link, left to right. */
  leavesColorList: string[];
}

/** SciPy's default link colour cycle (matplotlib's "C1".."C9"). */
const LINK_COLORS = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9"];

/**
 * Layout of a dendrogram exactly as SciPy's `dendrogram` computes it (no truncation): a left-first
 * depth-first walk places leaves 10 units apart, each link spans its children's midpoints, and a
 * new colour starts whenever the walk climbs back under the colour threshold. Iterative, so deep
 * trees (single linkage on thousands of points) do not overflow the stack.
 */
export function dendrogram(Z: LinkageLike, opts: DendrogramOptions = {}): DendrogramData {
  const { rows, n } = linkageRows(Z, "dendrogram");
  if (opts.labels !== undefined && opts.labels.length !== n) throw new RangeError(`dendrogram: labels has ${opts.labels.length} entries, but Z has ${n} observations`);
  let maxHeight = 0;
  for (let k = 0; k < n - 1; k++) maxHeight = Math.max(maxHeight, rows[k * 4 + 2]);
  const threshold = opts.colorThreshold ?? 0.7 * maxHeight;
  const above = opts.aboveThresholdColor ?? "C0";
  const out: DendrogramData = { icoord: [], dcoord: [], ivl: [], leaves: [], colorList: [], leavesColorList: [] };
  let colorIndex = 0;
  let belowThreshold = false;

  interface Frame { node: number; iv: number; first: number; second: number; left?: Placed; color?: string }
  interface Placed { center: number; width: number; height: number }
  const order = (node: number): [number, number] => {
    const a = rows[(node - n) * 4];
    const b = rows[(node - n) * 4 + 1];
    const size = (c: number) => (c >= n ? rows[(c - n) * 4 + 3] : 1);
    const height = (c: number) => (c >= n ? rows[(c - n) * 4 + 2] : 0);
    const by = opts.countSort ? [size(a), size(b), opts.countSort] as const : opts.distanceSort ? [height(a), height(b), opts.distanceSort] as const : null;
    if (by === null) return [a, b];
    const swap = by[2] === "descending" ? !(by[0] > by[1]) : by[0] > by[1];
    return swap ? [b, a] : [a, b];
  };
  const leaf = (i: number, iv: number): Placed => {
    out.leaves.push(i);
    out.ivl.push(opts.labels ? opts.labels[i] : String(i));
    return { center: iv + 5, width: 10, height: 0 };
  };

  const stack: Frame[] = [];
  const open = (node: number, iv: number): Placed | null => {
    if (node < n) return leaf(node, iv);
    const [first, second] = order(node);
    stack.push({ node, iv, first, second });
    return null;
  };
  let result = open(2 * n - 2, 0);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.left === undefined) {
      const placed = result ?? open(frame.first, frame.iv);
      if (placed === null) continue;
      frame.left = placed;
      result = null;
      const h = rows[(frame.node - n) * 4 + 2];
      if (h >= threshold || threshold <= 0) {
        if (belowThreshold) colorIndex = (colorIndex + 1) % LINK_COLORS.length;
        belowThreshold = false;
        frame.color = above;
      } else {
        belowThreshold = true;
        frame.color = LINK_COLORS[colorIndex];
      }
      const right = open(frame.second, frame.iv + placed.width);
      if (right === null) continue;
      result = right;
    }
    const right = result as Placed;
    const left = frame.left;
    const h = rows[(frame.node - n) * 4 + 2];
    out.icoord.push([left.center, left.center, right.center, right.center]);
    out.dcoord.push([left.height, h, h, right.height]);
    out.colorList.push(frame.color as string);
    stack.pop();
    result = { center: (left.center + right.center) / 2, width: left.width + right.width, height: h };
  }
  out.leavesColorList = leafColors(out);
  return out;
}

/** Colour of the link that touches each leaf (SciPy's `_get_leaves_color_list`). */
function leafColors(d: DendrogramData): string[] {
  const colors = new Array<string>(d.leaves.length);
  d.icoord.forEach((xs, link) => {
    xs.forEach((x, c) => {
      if (d.dcoord[link][c] === 0 && x % 10 === 5) colors[(x - 5) / 10] = d.colorList[link];
    });
  });
  return colors;
}

/** matplotlib's default colour cycle, which SciPy's "C0".."C9" link colours name. */
const MATPLOTLIB_CYCLE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

export interface DendrogramSvgOptions extends DendrogramOptions {
  /** Height of a horizontal cut line (e.g. the threshold of fcluster); links below it are coloured by cluster. */
  cutHeight?: number;
  title?: string;
  width?: number;
  height?: number;
}

/**
 * A dendrogram as an SVG document (leaves at the bottom, merge height upwards). With `cutHeight`
 * a dashed line marks the cut and, unless `colorThreshold` says otherwise, the flat clusters
 * below it are coloured. Leaf labels are drawn when there is room (at most ~1 per 7 pixels).
 */
export function dendrogramSvg(Z: LinkageLike, opts: DendrogramSvgOptions = {}): string {
  const data = dendrogram(Z, { ...opts, colorThreshold: opts.colorThreshold ?? opts.cutHeight });
  const n = data.leaves.length;
  const width = opts.width ?? Math.max(640, Math.min(1600, 12 * n + 100));
  const height = opts.height ?? 420;
  const showLabels = width - 84 >= 7 * n;
  const top = opts.title ? 40 : 16;
  const bottom = height - (showLabels ? 56 : 24);
  const left = 64;
  const right = width - 20;
  const maxHeight = data.dcoord.reduce((m, d) => Math.max(m, d[1]), opts.cutHeight ?? 0);
  const ticks = niceTicks(0, maxHeight > 0 ? maxHeight : 1);
  const yMax = ticks[ticks.length - 1];
  const px = (x: number) => left + (x / (10 * n)) * (right - left);
  const py = (y: number) => bottom - (y / yMax) * (bottom - top);
  const color = (c: string) => (/^C\d$/.test(c) ? MATPLOTLIB_CYCLE[Number(c[1])] : c);
  const parts: string[] = [];
  for (const t of ticks) {
    parts.push(`<line x1="${left - 4}" y1="${py(t).toFixed(1)}" x2="${left}" y2="${py(t).toFixed(1)}" stroke="#555"/>`);
    parts.push(`<text x="${left - 7}" y="${py(t).toFixed(1)}" text-anchor="end" dominant-baseline="middle" font-size="11" fill="#333">${escapeXml(formatTick(t))}</text>`);
  }
  parts.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#555"/>`);
  const cy = (top + bottom) / 2;
  parts.push(`<text x="16" y="${cy}" text-anchor="middle" font-size="11" fill="#333" transform="rotate(-90 16 ${cy})">merge distance</text>`);
  data.icoord.forEach((xs, i) => {
    const points = xs.map((x, c) => `${px(x).toFixed(1)},${py(data.dcoord[i][c]).toFixed(1)}`).join(" ");
    parts.push(`<polyline points="${points}" fill="none" stroke="${color(data.colorList[i])}" stroke-width="1.3"/>`);
  });
  if (showLabels) {
    data.ivl.forEach((label, i) => {
      const x = px(10 * i + 5).toFixed(1);
      parts.push(`<text x="${x}" y="${bottom + 8}" font-size="10" fill="#333" text-anchor="end" transform="rotate(-90 ${x} ${bottom + 8})">${escapeXml(label)}</text>`);
    });
  }
  if (opts.cutHeight !== undefined) {
    const y = py(opts.cutHeight).toFixed(1);
    parts.push(`<line x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="#d62728" stroke-width="1.5" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${right}" y="${Number(y) - 5}" text-anchor="end" font-size="11" fill="#d62728">cut at ${escapeXml(formatTick(opts.cutHeight))}</text>`);
  }
  const title = opts.title ? `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold" fill="#222">${escapeXml(opts.title)}</text>` : "";
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    title,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}
