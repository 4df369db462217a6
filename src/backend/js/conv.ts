import type { Conv2dGeometry, Conv2dCallOptions } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { gemm } from "./gemm.js";

/**
 * Reference convolution by im2col + GEMM, one (image, group) at a time: the unfolded patch matrix
 * `col` is [C/g * KH * KW, OH * OW], so the convolution is W_g @ col.
 */
function im2col(x: TypedArray, xOffset: number, channels: number, g: Conv2dGeometry, col: Float64Array): void {
  const { inHeight: H, inWidth: W, kernelHeight: KH, kernelWidth: KW, outHeight: OH, outWidth: OW } = g;
  let r = 0;
  for (let c = 0; c < channels; c++) {
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++, r++) {
        const rowBase = r * OH * OW;
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * g.strideH - g.padTop + kh * g.dilationH;
          const outBase = rowBase + oh * OW;
          if (ih < 0 || ih >= H) {
            col.fill(0, outBase, outBase + OW);
            continue;
          }
          const inBase = xOffset + (c * H + ih) * W;
          for (let ow = 0; ow < OW; ow++) {
            const iw = ow * g.strideW - g.padLeft + kw * g.dilationW;
            col[outBase + ow] = iw >= 0 && iw < W ? x[inBase + iw] : 0;
          }
        }
      }
    }
  }
}

/** Adjoint of im2col: scatters-adds patch gradients back onto the image. */
function col2im(col: Float64Array, channels: number, g: Conv2dGeometry, out: TypedArray, outOffset: number): void {
  const { inHeight: H, inWidth: W, kernelHeight: KH, kernelWidth: KW, outHeight: OH, outWidth: OW } = g;
  let r = 0;
  for (let c = 0; c < channels; c++) {
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++, r++) {
        const rowBase = r * OH * OW;
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * g.strideH - g.padTop + kh * g.dilationH;
          if (ih < 0 || ih >= H) continue;
          const inBase = outOffset + (c * H + ih) * W;
          const colBase = rowBase + oh * OW;
          for (let ow = 0; ow < OW; ow++) {
            const iw = ow * g.strideW - g.padLeft + kw * g.dilationW;
            if (iw >= 0 && iw < W) out[inBase + iw] += col[colBase + ow];
          }
        }
      }
    }
  }
}

function groupSizes(g: Conv2dGeometry) {
  const cg = g.inChannels / g.groups;
  const og = g.outChannels / g.groups;
  const patch = cg * g.kernelHeight * g.kernelWidth;
  const spatial = g.outHeight * g.outWidth;
  return { cg, og, patch, spatial };
}

export function conv2d(x: TypedArray, w: TypedArray, bias: TypedArray | null, out: TypedArray, g: Conv2dGeometry, opts: Conv2dCallOptions = {}): void {
  const activation = opts.activation ?? "none";
  const residual = opts.residual ?? null;
  const high = activation === "relu6" ? 6 : Infinity;
  const { cg, og, patch, spatial } = groupSizes(g);
  const col = new Float64Array(patch * spatial);
  const tile = new Float64Array(og * spatial);
  for (let n = 0; n < g.batch; n++) {
    for (let gi = 0; gi < g.groups; gi++) {
      im2col(x, (n * g.inChannels + gi * cg) * g.inHeight * g.inWidth, cg, g, col);
      gemm(w, col, tile, {
        batch: 1, m: og, n: spatial, k: patch, transA: false, transB: false,
        aOffset: gi * og * patch, bOffset: 0, aBatchStride: 0, bBatchStride: 0, alpha: 1, beta: 0,
      });
      for (let o = 0; o < og; o++) {
        const oc = gi * og + o;
        const b = bias ? bias[oc] : 0;
        const base = (n * g.outChannels + oc) * spatial;
        for (let s = 0; s < spatial; s++) {
          const v = tile[o * spatial + s] + b + (residual ? residual[base + s] : 0);
          out[base + s] = activation === "none" ? v : Math.min(Math.max(v, 0), high);
        }
      }
    }
  }
}

export function conv2dBackwardInput(gradOut: TypedArray, w: TypedArray, gradIn: TypedArray, g: Conv2dGeometry): void {
  const { cg, og, patch, spatial } = groupSizes(g);
  const col = new Float64Array(patch * spatial);
  gradIn.fill(0);
  for (let n = 0; n < g.batch; n++) {
    for (let gi = 0; gi < g.groups; gi++) {
      gemm(w, gradOut, col, {
        batch: 1, m: patch, n: spatial, k: og, transA: true, transB: false,
        aOffset: gi * og * patch, bOffset: (n * g.outChannels + gi * og) * spatial,
        aBatchStride: 0, bBatchStride: 0, alpha: 1, beta: 0,
      });
      col2im(col, cg, g, gradIn, (n * g.inChannels + gi * cg) * g.inHeight * g.inWidth);
    }
  }
}

export function conv2dBackwardWeight(gradOut: TypedArray, x: TypedArray, gradWeight: TypedArray, g: Conv2dGeometry): void {
  const { cg, og, patch, spatial } = groupSizes(g);
  const col = new Float64Array(patch * spatial);
  const tile = new Float64Array(og * patch);
  for (let n = 0; n < g.batch; n++) {
    for (let gi = 0; gi < g.groups; gi++) {
      im2col(x, (n * g.inChannels + gi * cg) * g.inHeight * g.inWidth, cg, g, col);
      gemm(gradOut, col, tile, {
        batch: 1, m: og, n: patch, k: spatial, transA: false, transB: true,
        aOffset: (n * g.outChannels + gi * og) * spatial, bOffset: 0,
        aBatchStride: 0, bBatchStride: 0, alpha: 1, beta: 0,
      });
      const base = gi * og * patch;
      for (let i = 0; i < og * patch; i++) gradWeight[base + i] += tile[i];
    }
  }
}
