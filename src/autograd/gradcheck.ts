import { Tensor } from "../tensor/tensor.js";
import { isFloating } from "../tensor/dtype.js";
import { noGrad } from "./grad-mode.js";

export interface GradcheckOptions {
  /** Finite-difference step. */
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw a descriptive error on mismatch (default) instead of returning false. */
  raiseException?: boolean;
}

type Outputs = Tensor | readonly Tensor[];

function outputsOf(result: Outputs): Tensor[] {
  return result instanceof Tensor ? [result] : [...result];
}

/**
 * Compares the analytic Jacobian (one backward pass per output element) with central finite
 * differences, in float64, as torch.autograd.gradcheck does. Floating inputs are promoted to
 * float64 leaves that require grad; other inputs pass through unchanged.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Outputs, inputs: readonly Tensor[], opts: GradcheckOptions = {}): boolean {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const raise = opts.raiseException ?? true;
  const leaves = inputs.map((t) => (isFloating(t.dtype) ? t.detach().to("float64", { copy: true }).requiresGrad_(true) : t));
  const differentiable = leaves.map((t, i) => (t.requiresGrad ? i : -1)).filter((i) => i >= 0);
  const outputs = outputsOf(fn(...leaves)).map((o) => o);
  for (const [oi, out] of outputs.entries()) {
    if (!isFloating(out.dtype)) continue;
    const outSize = out.numel;
    for (const ii of differentiable) {
      const input = leaves[ii];
      const inSize = input.numel;
      // analytic[j][i] = d out_j / d in_i
      const analytic = new Float64Array(outSize * inSize);
      for (let j = 0; j < outSize; j++) {
        for (const t of leaves) t.grad = null;
        const fresh = outputsOf(fn(...leaves))[oi];
        if (!fresh.requiresGrad) break;
        const seed = Tensor.zeros(fresh.shape, fresh.dtype);
        seed.data[j] = 1;
        fresh.backward(seed);
        const g = input.grad?.toArray();
        if (g) for (let i = 0; i < inSize; i++) analytic[j * inSize + i] = g[i];
      }
      const numeric = new Float64Array(outSize * inSize);
      const storage = input.data;
      for (let i = 0; i < inSize; i++) {
        const original = storage[i];
        storage[i] = original + eps;
        const plus = noGrad(() => outputsOf(fn(...leaves))[oi].toArray());
        storage[i] = original - eps;
        const minus = noGrad(() => outputsOf(fn(...leaves))[oi].toArray());
        storage[i] = original;
        for (let j = 0; j < outSize; j++) numeric[j * inSize + i] = (plus[j] - minus[j]) / (2 * eps);
      }
      for (let k = 0; k < analytic.length; k++) {
        const a = analytic[k];
        const n = numeric[k];
        if (!(Math.abs(a - n) <= atol + rtol * Math.abs(n))) {
          if (!raise) return false;
          const j = Math.floor(k / inSize);
          const i = k % inSize;
          throw new Error(
            `gradcheck: Jacobian mismatch for output ${oi} with respect to input ${ii}: d out[${j}] / d in[${i}] is ${a} (analytic) vs ${n} (numerical)`,
          );
        }
      }
    }
  }
  for (const t of leaves) t.grad = null;
  return true;
}
