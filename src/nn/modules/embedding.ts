import { Tensor } from "../../tensor/tensor.js";
import { formatShape } from "../../tensor/shape.js";
import { noGrad } from "../../autograd/grad-mode.js";
import type { Generator } from "../../random/generator.js";
import * as F from "../functional/index.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";
import { normal_ } from "./init.js";
import { checkPositiveInt } from "./linear.js";

export interface EmbeddingOptions {
  /** This row is initialised to zeros and gets no gradient (negative counts from the end). */
  paddingIdx?: number | null;
  generator?: Generator;
  /** Use this [numEmbeddings, embeddingDim] tensor (copied) instead of a random initialisation. */
  weight?: Tensor;
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim` (torch.nn.Embedding), indexed
 * by int32 tensors of any shape. Initialised from N(0, 1), as PyTorch.
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    checkPositiveInt(numEmbeddings, "Embedding", "numEmbeddings", 0);
    checkPositiveInt(embeddingDim, "Embedding", "embeddingDim", 0);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    const padding = opts.paddingIdx ?? null;
    if (padding !== null && (!Number.isInteger(padding) || padding < -numEmbeddings || padding >= numEmbeddings)) {
      throw new RangeError(`Embedding: paddingIdx must be an integer within [-${numEmbeddings}, ${numEmbeddings}), got ${padding}`);
    }
    this.paddingIdx = padding !== null && padding < 0 ? padding + numEmbeddings : padding;
    if (opts.weight) {
      if (opts.weight.ndim !== 2 || opts.weight.shape[0] !== numEmbeddings || opts.weight.shape[1] !== embeddingDim) {
        throw new RangeError(`Embedding: weight has shape ${formatShape(opts.weight.shape)}, expected [${numEmbeddings}, ${embeddingDim}]`);
      }
      this.weight = new Parameter(opts.weight.detach().clone());
    } else {
      this.weight = new Parameter(Tensor.empty([numEmbeddings, embeddingDim]));
      this.resetParameters(opts.generator);
    }
  }

  /** An Embedding whose weight is `embeddings` (copied), frozen unless `freeze` is false. */
  static fromPretrained(embeddings: Tensor, opts: { freeze?: boolean; paddingIdx?: number | null } = {}): Embedding {
    if (embeddings.ndim !== 2) throw new RangeError(`Embedding.fromPretrained: embeddings must be 2-D, got shape ${formatShape(embeddings.shape)}`);
    const [count, dim] = embeddings.shape;
    const layer = new Embedding(count, dim, { paddingIdx: opts.paddingIdx, weight: embeddings });
    layer.weight.requiresGrad = !(opts.freeze ?? true);
    return layer;
  }

  resetParameters(generator?: Generator): void {
    normal_(this.weight, 0, 1, generator);
    if (this.paddingIdx !== null) noGrad(() => this.weight.narrow(0, this.paddingIdx as number, 1).zero_());
  }

  forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ""}`;
  }
}
