import type { TypedArray } from "../../tensor/dtype.js";

/**
 * Batch norm with fixed statistics over x viewed as [outer, channels, inner], in double per
 * element: out = x * scale + shift, scale = weight / sqrt(var + eps), shift = bias - mean * scale.
 */
export function batchNormInference(
  x: TypedArray, mean: TypedArray, variance: TypedArray, weight: TypedArray | null, bias: TypedArray | null, eps: number,
  outer: number, channels: number, inner: number, out: TypedArray,
): void {
  for (let c = 0; c < channels; c++) {
    const scale = (weight ? weight[c] : 1) * (1 / Math.sqrt(variance[c] + eps));
    const shift = (bias ? bias[c] : 0) - mean[c] * scale;
    for (let o = 0; o < outer; o++) {
      const base = (o * channels + c) * inner;
      for (let i = base; i < base + inner; i++) out[i] = x[i] * scale + shift;
    }
  }
}

/**
 * Layer norm of `rows` contiguous rows of `size`, with the biased variance from a second pass over
 * the deviations: out = (x - mean) * rstd * weight + bias, rstd = 1 / sqrt(var + eps).
 */
export function layerNorm(
  x: TypedArray, weight: TypedArray | null, bias: TypedArray | null, rows: number, size: number, eps: number,
  out: TypedArray, mean: TypedArray | null, rstd: TypedArray | null,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * size;
    let sum = 0;
    for (let i = 0; i < size; i++) sum += x[base + i];
    const m = size > 0 ? sum / size : 0;
    let squares = 0;
    for (let i = 0; i < size; i++) squares += (x[base + i] - m) * (x[base + i] - m);
    const s = 1 / Math.sqrt((size > 0 ? squares / size : 0) + eps);
    for (let i = 0; i < size; i++) {
      let y = (x[base + i] - m) * s;
      if (weight) y *= weight[i];
      if (bias) y += bias[i];
      out[base + i] = y;
    }
    if (mean) mean[r] = m;
    if (rstd) rstd[r] = s;
  }
}
