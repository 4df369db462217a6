import type { StridedView } from "../backend.js";
import { isContiguous } from "../../tensor/shape.js";

/**
 * Visits every innermost row of up to three strided operands that share one shape, calling
 * `row(n, offsets…, strides…)` once per row. Kernels then run a tight loop over the row, so the
 * per-element cost stays a single indexed load.
 */
export function forEachRow(
  shape: readonly number[],
  views: readonly { strides: readonly number[]; offset: number }[],
  row: (n: number, offsets: number[], innerStrides: number[]) => void,
): void {
  const rank = shape.length;
  const k = views.length;
  if (rank === 0) {
    row(1, views.map((v) => v.offset), views.map(() => 0));
    return;
  }
  for (const d of shape) if (d === 0) return;
  const n = shape[rank - 1];
  const innerStrides = views.map((v) => v.strides[rank - 1]);
  const offsets = views.map((v) => v.offset);
  const counter = new Array<number>(rank - 1).fill(0);
  for (;;) {
    row(n, offsets, innerStrides);
    let d = rank - 2;
    for (; d >= 0; d--) {
      counter[d]++;
      for (let j = 0; j < k; j++) offsets[j] += views[j].strides[d];
      if (counter[d] < shape[d]) break;
      for (let j = 0; j < k; j++) offsets[j] -= views[j].strides[d] * shape[d];
      counter[d] = 0;
    }
    if (d < 0) return;
  }
}

export function viewIsContiguous(v: StridedView): boolean {
  return isContiguous(v.shape, v.strides);
}

/** A view whose every stride is 0 holds one value repeated (a broadcast scalar). */
export function isBroadcastScalar(v: StridedView): boolean {
  return v.strides.every((s, i) => s === 0 || v.shape[i] === 1);
}
