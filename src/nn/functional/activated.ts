import type { Tensor } from "../../tensor/tensor.js";

/**
 * Outputs of convolutions that applied their activation themselves (inference after fuseConvBn).
 * A ReLU module shared by several call sites, as torchvision's ResNet blocks share one, cannot be
 * replaced by Identity at just one of them; it passes such an output through instead, since ReLU
 * is idempotent and ReLU of a ReLU6 output changes nothing either.
 */
const applied = new WeakMap<Tensor, "relu" | "relu6">();

export function markActivated(output: Tensor, activation: "relu" | "relu6"): void {
  applied.set(output, activation);
}

/** The activation a fused convolution already applied to `t`, if any. */
export function appliedActivation(t: Tensor): "relu" | "relu6" | undefined {
  return applied.get(t);
}
