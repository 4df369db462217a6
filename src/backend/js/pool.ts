import type { Pool2dGeometry } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";

/**
 * Max pooling; `argmax`, when given, records the flat h*W+w index of each winner within its plane
 * (as PyTorch).
 */
export function maxPool2d(x: TypedArray, out: TypedArray, argmax: Int32Array | null, g: Pool2dGeometry): void {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = g;
  for (let p = 0; p < g.planes; p++) {
    const inBase = p * H * W;
    const outBase = p * OH * OW;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let best = -Infinity;
        let bestIndex = -1;
        for (let kh = 0; kh < g.kernelHeight; kh++) {
          const ih = oh * g.strideH - g.padTop + kh * g.dilationH;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < g.kernelWidth; kw++) {
            const iw = ow * g.strideW - g.padLeft + kw * g.dilationW;
            if (iw < 0 || iw >= W) continue;
            const v = x[inBase + ih * W + iw];
            if (v > best || v !== v || bestIndex < 0) {
              best = v;
              bestIndex = ih * W + iw;
              if (v !== v) break;
            }
          }
        }
        out[outBase + oh * OW + ow] = best;
        if (argmax) argmax[outBase + oh * OW + ow] = bestIndex;
      }
    }
  }
}

export function maxPool2dBackward(gradOut: TypedArray, argmax: Int32Array, gradIn: TypedArray, g: Pool2dGeometry): void {
  const inPlane = g.inHeight * g.inWidth;
  const outPlane = g.outHeight * g.outWidth;
  gradIn.fill(0);
  for (let p = 0; p < g.planes; p++) {
    for (let i = 0; i < outPlane; i++) {
      const idx = argmax[p * outPlane + i];
      if (idx >= 0) gradIn[p * inPlane + idx] += gradOut[p * outPlane + i];
    }
  }
}

/**
 * Divisor of one average-pooling window, as PyTorch computes it: with count_include_pad the window
 * is clipped to the padded input (so ceil-mode overhang never counts), otherwise to the input.
 */
function windowDivisor(g: Pool2dGeometry, oh: number, ow: number, countIncludePad: boolean, divisorOverride: number): number {
  if (divisorOverride > 0) return divisorOverride;
  const h0 = oh * g.strideH - g.padTop;
  const w0 = ow * g.strideW - g.padLeft;
  const h1 = Math.min(h0 + g.kernelHeight, g.inHeight + g.padTop);
  const w1 = Math.min(w0 + g.kernelWidth, g.inWidth + g.padLeft);
  if (countIncludePad) return (h1 - h0) * (w1 - w0);
  return (Math.min(h1, g.inHeight) - Math.max(h0, 0)) * (Math.min(w1, g.inWidth) - Math.max(w0, 0));
}

export function avgPool2d(x: TypedArray, out: TypedArray, g: Pool2dGeometry, countIncludePad: boolean, divisorOverride: number): void {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = g;
  for (let p = 0; p < g.planes; p++) {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = Math.max(oh * g.strideH - g.padTop, 0);
      const h1 = Math.min(oh * g.strideH - g.padTop + g.kernelHeight, H);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = Math.max(ow * g.strideW - g.padLeft, 0);
        const w1 = Math.min(ow * g.strideW - g.padLeft + g.kernelWidth, W);
        let sum = 0;
        for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) sum += x[(p * H + ih) * W + iw];
        out[(p * OH + oh) * OW + ow] = sum / windowDivisor(g, oh, ow, countIncludePad, divisorOverride);
      }
    }
  }
}

export function avgPool2dBackward(gradOut: TypedArray, gradIn: TypedArray, g: Pool2dGeometry, countIncludePad: boolean, divisorOverride: number): void {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = g;
  gradIn.fill(0);
  for (let p = 0; p < g.planes; p++) {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = Math.max(oh * g.strideH - g.padTop, 0);
      const h1 = Math.min(oh * g.strideH - g.padTop + g.kernelHeight, H);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = Math.max(ow * g.strideW - g.padLeft, 0);
        const w1 = Math.min(ow * g.strideW - g.padLeft + g.kernelWidth, W);
        const share = gradOut[(p * OH + oh) * OW + ow] / windowDivisor(g, oh, ow, countIncludePad, divisorOverride);
        for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) gradIn[(p * H + ih) * W + iw] += share;
      }
    }
  }
}

/** Adaptive pooling windows: [floor(i*In/Out), ceil((i+1)*In/Out)), as PyTorch. */
function adaptiveRange(i: number, inSize: number, outSize: number): [number, number] {
  return [Math.floor((i * inSize) / outSize), Math.ceil(((i + 1) * inSize) / outSize)];
}

export function adaptiveAvgPool2d(x: TypedArray, out: TypedArray, g: Pool2dGeometry): void {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = g;
  for (let p = 0; p < g.planes; p++) {
    for (let oh = 0; oh < OH; oh++) {
      const [h0, h1] = adaptiveRange(oh, H, OH);
      for (let ow = 0; ow < OW; ow++) {
        const [w0, w1] = adaptiveRange(ow, W, OW);
        let sum = 0;
        for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) sum += x[(p * H + ih) * W + iw];
        out[(p * OH + oh) * OW + ow] = sum / ((h1 - h0) * (w1 - w0));
      }
    }
  }
}

export function adaptiveAvgPool2dBackward(gradOut: TypedArray, gradIn: TypedArray, g: Pool2dGeometry): void {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = g;
  gradIn.fill(0);
  for (let p = 0; p < g.planes; p++) {
    for (let oh = 0; oh < OH; oh++) {
      const [h0, h1] = adaptiveRange(oh, H, OH);
      for (let ow = 0; ow < OW; ow++) {
        const [w0, w1] = adaptiveRange(ow, W, OW);
        const share = gradOut[(p * OH + oh) * OW + ow] / ((h1 - h0) * (w1 - w0));
        for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) gradIn[(p * H + ih) * W + iw] += share;
      }
    }
  }
}
