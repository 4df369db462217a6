import type { Tensor } from "../../tensor/tensor.js";

/**
 * torch.nn.utils.clip_grad_norm_: scales every gradient by maxNorm / (total norm + 1e-6) when the
 * norm of all gradients taken together exceeds maxNorm, and returns that total norm (before
 * clipping). `normType` is p of the p-norm, or Infinity for the largest absolute value.
 */
export function clipGradNorm_(parameters: Iterable<Tensor>, maxNorm: number, normType = 2): number {
  if (!(maxNorm >= 0)) throw new RangeError(`clipGradNorm_: maxNorm must be non-negative, got ${maxNorm}`);
  if (!(normType > 0)) throw new RangeError(`clipGradNorm_: normType must be positive (or Infinity), got ${normType}`);
  const grads = [...parameters].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return 0;
  let total = 0;
  for (const g of grads) {
    const data = g.denseData();
    if (normType === Infinity) for (let i = 0; i < data.length; i++) total = Math.max(total, Math.abs(data[i]));
    else for (let i = 0; i < data.length; i++) total += Math.abs(data[i]) ** normType;
  }
  if (normType !== Infinity) total = total ** (1 / normType);
  const coefficient = maxNorm / (total + 1e-6);
  if (coefficient < 1) {
    for (const g of grads) g.mul_(coefficient);
  }
  return total;
}

/** torch.nn.utils.clip_grad_value_: clamps every gradient element to [-clipValue, clipValue]. */
export function clipGradValue_(parameters: Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue >= 0)) throw new RangeError(`clipGradValue_: clipValue must be non-negative, got ${clipValue}`);
  for (const p of parameters) p.grad?.clamp_(-clipValue, clipValue);
}
