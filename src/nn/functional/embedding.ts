import { Tensor } from "../../tensor/tensor.js";
import { formatShape } from "../../tensor/shape.js";
import { getBackend } from "../../backend/index.js";
import { record } from "../../autograd/node.js";
import { requireFloat } from "./args.js";

export interface EmbeddingOptions {
  /** Rows looked up at this index get no gradient (negative counts from the end, as PyTorch). */
  paddingIdx?: number | null;
}

/**
 * torch.nn.functional.embedding: rows of `weight` [numEmbeddings, dim] picked by int32 `input` of
 * any shape; the output is [...input.shape, dim]. The weight gradient adds each output row's
 * gradient back onto its row (index_add), except onto the padding row.
 */
export function embedding(input: Tensor, weight: Tensor, opts: EmbeddingOptions = {}): Tensor {
  if (input.dtype !== "int32") throw new TypeError(`embedding: input must hold int32 indices, got ${input.dtype}`);
  requireFloat(weight, "embedding", "weight");
  if (weight.ndim !== 2) throw new RangeError(`embedding: weight must be 2-D [numEmbeddings, embeddingDim], got shape ${formatShape(weight.shape)}`);
  const [count, dim] = weight.shape;
  let padding = opts.paddingIdx ?? null;
  if (padding !== null) {
    if (!Number.isInteger(padding) || padding < -count || padding >= count) {
      throw new RangeError(`embedding: paddingIdx ${padding} is out of range for ${count} embeddings`);
    }
    if (padding < 0) padding += count;
  }
  if (input.numel > 0) {
    const low = input.amin().item();
    const high = input.amax().item();
    if (low < 0 || high >= count) throw new RangeError(`embedding: index ${low < 0 ? low : high} is out of range for ${count} embeddings (weight ${formatShape(weight.shape)})`);
  }
  const ids = input.denseData() as Int32Array;
  const backend = getBackend();
  const out = Tensor.empty([...input.shape, dim], weight.dtype);
  backend.gather(weight.denseData(), ids, 1, count, dim, ids.length, out.data);
  return record(out, "embedding", [weight], (gy) => {
    const gw = Tensor.zeros(weight.shape, gy.dtype);
    backend.scatterAdd(gy.denseData(), ids, 1, count, dim, ids.length, gw.data);
    if (padding !== null) gw.narrow(0, padding, 1).zero_();
    return [gw];
  });
}
