import type { Tensor } from "../tensor/tensor.js";
import { isGradEnabled } from "./grad-mode.js";

/**
 * One recorded op: its differentiable inputs and a closure mapping the gradient of its output to
 * the gradients of those inputs (null where an input needs none). This is the whole tape.
 */
export interface GradFn {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  readonly backward: (gradOutput: Tensor) => readonly (Tensor | null)[];
}

/**
 * Attaches a GradFn to `output` when grad mode is on and any input requires grad. `backward`
 * receives the output gradient and returns one gradient per entry of `inputs`.
 */
export function record(
  output: Tensor,
  name: string,
  inputs: readonly Tensor[],
  backward: (gradOutput: Tensor) => readonly (Tensor | null)[],
): Tensor {
  if (!isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return output;
  output.setGradFn({ name, inputs, backward });
  return output;
}

export function needsGrad(...inputs: Tensor[]): boolean {
  return isGradEnabled() && inputs.some((t) => t.requiresGrad);
}
