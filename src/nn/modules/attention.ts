import { Tensor } from "../../tensor/tensor.js";
import { formatShape } from "../../tensor/shape.js";
import { arange } from "../../tensor/creation.js";
import { where } from "../../ops/elementwise.js";
import type { Generator } from "../../random/generator.js";
import * as F from "../functional/index.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";
import { Linear, checkPositiveInt } from "./linear.js";
import { constant_, xavierUniform_ } from "./init.js";

export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights in training mode. */
  dropout?: number;
  bias?: boolean;
  /** Feature sizes of key and value when they differ from embedDim (then q/k/v get separate projection weights). */
  kdim?: number;
  vdim?: number;
  /** Inputs and output are [N, L, E] instead of PyTorch's default [L, N, E]. */
  batchFirst?: boolean;
  generator?: Generator;
}

export interface MultiheadAttentionForwardOptions {
  /** [N, S] (or [S] unbatched): bool true marks a key to ignore; float is added to the scores. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true); the second result is null otherwise. */
  needWeights?: boolean;
  /** [L, S] or [N * numHeads, L, S]: bool true marks a pair that may NOT attend (PyTorch's convention); float is added. */
  attnMask?: Tensor | null;
  /** Average the returned weights over heads (default true): [N, L, S] instead of [N, numHeads, L, S]. */
  averageAttnWeights?: boolean;
  /** With no attnMask, apply the causal mask (query i sees keys 0..i). */
  isCausal?: boolean;
}

/** A bool mask (true = blocked) as an additive float mask of `dtype`; float masks pass through. */
function additiveMask(mask: Tensor, dtype: Tensor["dtype"], name: string): Tensor {
  if (mask.dtype === "bool") return where(mask, -Infinity, 0).to(dtype);
  if (mask.dtype === "int32") throw new TypeError(`MultiheadAttention: ${name} must be bool or floating point, got int32`);
  return mask;
}

/**
 * Multi-head attention (Vaswani et al. 2017; torch.nn.MultiheadAttention) with PyTorch's
 * parameter layout: in_proj_weight [3E, E] and in_proj_bias [3E] stacking the q, k, v projections
 * (or q_proj_weight / k_proj_weight / v_proj_weight when kdim or vdim differ), then out_proj.
 * forward returns [output, attention weights].
 */
export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly generator: Generator | undefined;
  in_proj_weight: Parameter | null;
  q_proj_weight: Parameter | null;
  k_proj_weight: Parameter | null;
  v_proj_weight: Parameter | null;
  in_proj_bias: Parameter | null;
  out_proj: Linear;

  constructor(embedDim: number, numHeads: number, opts: MultiheadAttentionOptions = {}) {
    super();
    checkPositiveInt(embedDim, "MultiheadAttention", "embedDim");
    checkPositiveInt(numHeads, "MultiheadAttention", "numHeads");
    if (embedDim % numHeads !== 0) throw new RangeError(`MultiheadAttention: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.kdim = opts.kdim ?? embedDim;
    this.vdim = opts.vdim ?? embedDim;
    this.dropout = opts.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new RangeError(`MultiheadAttention: dropout must be between 0 and 1, got ${this.dropout}`);
    this.batchFirst = opts.batchFirst ?? false;
    this.generator = opts.generator;
    const packed = this.kdim === embedDim && this.vdim === embedDim;
    const weight = (cols: number, rows = embedDim) => new Parameter(Tensor.empty([rows, cols]));
    this.in_proj_weight = packed ? weight(embedDim, 3 * embedDim) : null;
    this.q_proj_weight = packed ? null : weight(embedDim);
    this.k_proj_weight = packed ? null : weight(this.kdim);
    this.v_proj_weight = packed ? null : weight(this.vdim);
    this.in_proj_bias = opts.bias ?? true ? new Parameter(Tensor.empty([3 * embedDim])) : null;
    // Built (and so initialised) before the reset below, matching torch's draw order.
    this.out_proj = new Linear(embedDim, embedDim, { bias: opts.bias ?? true, generator: opts.generator });
    this.resetParameters();
  }

  /** Xavier-uniform projections and zero biases, as torch's _reset_parameters; out_proj.weight keeps Linear's init. */
  resetParameters(): void {
    for (const w of [this.in_proj_weight, this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) {
      if (w) xavierUniform_(w, { generator: this.generator });
    }
    if (this.in_proj_bias) constant_(this.in_proj_bias, 0);
    if (this.out_proj.bias) constant_(this.out_proj.bias, 0);
  }

  /** The q, k and v projection weights and biases. */
  #projections(): [Tensor, Tensor | null][] {
    const E = this.embedDim;
    const weights = this.in_proj_weight ? this.in_proj_weight.split(E, 0) : [this.q_proj_weight!, this.k_proj_weight!, this.v_proj_weight!];
    const biases = this.in_proj_bias ? this.in_proj_bias.split(E, 0) : [null, null, null];
    return weights.map((w, i) => [w, biases[i]]);
  }

  forward(query: Tensor, key: Tensor, value: Tensor, opts: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const unbatched = query.ndim === 2;
    const rank = unbatched ? 2 : 3;
    if (query.ndim !== 2 && query.ndim !== 3) {
      throw new RangeError(`MultiheadAttention: query must be 2-D [L, E] or 3-D ${this.batchFirst ? "[N, L, E]" : "[L, N, E]"}, got shape ${formatShape(query.shape)}`);
    }
    if (key.ndim !== rank || value.ndim !== rank) {
      throw new RangeError(`MultiheadAttention: key and value must be ${rank}-D like query, got ${formatShape(key.shape)} and ${formatShape(value.shape)}`);
    }
    // Work in [N, L, E] whatever the caller's layout.
    const batchMajor = (t: Tensor) => (unbatched ? t.unsqueeze(0) : this.batchFirst ? t : t.transpose(0, 1));
    const [q0, k0, v0] = [batchMajor(query), batchMajor(key), batchMajor(value)];
    const [N, L, E] = q0.shape;
    const S = k0.shape[1];
    if (E !== this.embedDim) throw new RangeError(`MultiheadAttention: query has ${E} features, expected embedDim ${this.embedDim}`);
    if (k0.shape[0] !== N || v0.shape[0] !== N || v0.shape[1] !== S) {
      throw new RangeError(`MultiheadAttention: query, key and value disagree on batch or sequence sizes: ${formatShape(query.shape)}, ${formatShape(key.shape)}, ${formatShape(value.shape)}`);
    }
    const H = this.numHeads;
    const heads = (t: Tensor, length: number) => t.reshape([N, length, H, this.headDim]).transpose(1, 2);
    let q: Tensor, k: Tensor, v: Tensor;
    if (this.in_proj_weight && query === key && key === value) {
      // Self-attention: the three projections as one product with the stacked [3E, E] weight (as
      // torch does), which reads x once and gives the GEMM three times the columns.
      const [pq, pk, pv] = F.linear(q0, this.in_proj_weight, this.in_proj_bias).split(E, -1);
      [q, k, v] = [heads(pq, L), heads(pk, S), heads(pv, S)];
    } else {
      const [[wq, bq], [wk, bk], [wv, bv]] = this.#projections();
      [q, k, v] = [heads(F.linear(q0, wq, bq), L), heads(F.linear(k0, wk, bk), S), heads(F.linear(v0, wv, bv), S)];
    }
    let scores = q.matmul(k.mT).mul(1 / Math.sqrt(this.headDim));
    const mask = this.#mask(opts, N, L, S, scores.dtype, unbatched);
    if (mask) scores = scores.add(mask);
    let weights = scores.softmax(-1);
    if (this.training && this.dropout > 0) weights = F.dropout(weights, this.dropout, true, this.generator);
    const merged = weights.matmul(v).transpose(1, 2).reshape([N, L, E]);
    const out = F.linear(merged, this.out_proj.weight, this.out_proj.bias);
    const output = unbatched ? out.squeeze(0) : this.batchFirst ? out : out.transpose(0, 1);
    if (!(opts.needWeights ?? true)) return [output, null];
    const returned = opts.averageAttnWeights ?? true ? weights.mean(1) : weights;
    return [output, unbatched ? returned.squeeze(0) : returned];
  }

  /** attnMask, keyPaddingMask and the causal mask merged into one additive mask broadcasting to [N, H, L, S]. */
  #mask(opts: MultiheadAttentionForwardOptions, N: number, L: number, S: number, dtype: Tensor["dtype"], unbatched: boolean): Tensor | null {
    let mask: Tensor | null = null;
    const { attnMask, keyPaddingMask, isCausal } = opts;
    if (attnMask) {
      const m = additiveMask(attnMask, dtype, "attnMask");
      if (m.ndim === 2 && m.shape[0] === L && m.shape[1] === S) mask = m;
      else if (m.ndim === 3 && m.shape[0] === N * this.numHeads && m.shape[1] === L && m.shape[2] === S) mask = m.reshape([N, this.numHeads, L, S]);
      else throw new RangeError(`MultiheadAttention: attnMask has shape ${formatShape(m.shape)}, expected [${L}, ${S}] or [${N * this.numHeads}, ${L}, ${S}]`);
    } else if (isCausal) {
      mask = additiveMask(arange(S).unsqueeze(0).gt(arange(L).unsqueeze(1)), dtype, "attnMask");
    }
    if (keyPaddingMask) {
      const expected = unbatched ? [S] : [N, S];
      if (keyPaddingMask.ndim !== expected.length || keyPaddingMask.shape.some((d, i) => d !== expected[i])) {
        throw new RangeError(`MultiheadAttention: keyPaddingMask has shape ${formatShape(keyPaddingMask.shape)}, expected ${formatShape(expected)}`);
      }
      const padding = additiveMask(keyPaddingMask, dtype, "keyPaddingMask").reshape([N, 1, 1, S]);
      mask = mask ? mask.add(padding) : padding;
    }
    return mask;
  }

  override extraRepr(): string {
    return `embed_dim=${this.embedDim}, num_heads=${this.numHeads}, batch_first=${this.batchFirst ? "True" : "False"}`;
  }
}
