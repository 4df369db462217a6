import { Tensor } from "../../tensor/tensor.js";

/**
 * A tensor that a Module owns as a learnable parameter (torch.nn.Parameter). Assigning one to a
 * module field is what registers it: `namedParameters()` and `stateDict()` find Parameters by type,
 * so plain tensors held for other reasons never leak into a checkpoint. It shares `data`'s storage.
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    super(data.data, data.shape, data.strides, data.offset);
    if (requiresGrad) this.requiresGrad = true;
  }
}
