import { Tensor } from "../tensor/tensor.js";
import { promoteTypes } from "../tensor/dtype.js";
import { formatShape, normalizeDim } from "../tensor/shape.js";
import { getBackend } from "../backend/index.js";
import { record } from "../autograd/node.js";
import { slice } from "./views.js";
import { uninitialized } from "./util.js";

/** Concatenates along `dim`; all other dims must match. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new RangeError("cat: expected a non-empty list of tensors");
  const first = tensors[0];
  if (first.ndim === 0) throw new RangeError("cat: 0-d tensors cannot be concatenated; use stack");
  const d = normalizeDim(dim, first.ndim, "cat");
  let dtype = first.dtype;
  let total = 0;
  for (const [i, t] of tensors.entries()) {
    if (t.ndim !== first.ndim || t.shape.some((s, j) => j !== d && s !== first.shape[j])) {
      throw new RangeError(`cat: tensor ${i} has shape ${formatShape(t.shape)}, which does not match ${formatShape(first.shape)} outside dim ${d}`);
    }
    dtype = promoteTypes(dtype, t.dtype);
    total += t.shape[d];
  }
  const shape = [...first.shape];
  shape[d] = total;
  const out = uninitialized(shape, dtype);
  const starts: number[] = [];
  let at = 0;
  for (const t of tensors) {
    starts.push(at);
    getBackend().copy(t, slice(out, d, at, at + t.shape[d]));
    at += t.shape[d];
  }
  return record(out, "cat", tensors, (g) => tensors.map((t, i) => slice(g, d, starts[i], starts[i] + t.shape[d])));
}

export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new RangeError("stack: expected a non-empty list of tensors");
  const d = normalizeDim(dim, tensors[0].ndim + 1, "stack");
  for (const [i, t] of tensors.entries()) {
    if (formatShape(t.shape) !== formatShape(tensors[0].shape)) {
      throw new RangeError(`stack: tensor ${i} has shape ${formatShape(t.shape)}, expected ${formatShape(tensors[0].shape)}`);
    }
  }
  return cat(tensors.map((t) => t.unsqueeze(d)), d);
}

/** torch.split: equal chunks of `size` (the last may be smaller) or explicit section sizes. */
export function split(t: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim(dim, t.ndim, "split");
  const length = t.shape[d];
  let sections: number[];
  if (typeof sizeOrSections === "number") {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections <= 0) throw new RangeError(`split: size must be a positive integer, got ${sizeOrSections}`);
    sections = [];
    for (let at = 0; at < length; at += sizeOrSections) sections.push(Math.min(sizeOrSections, length - at));
  } else {
    sections = [...sizeOrSections];
    const sum = sections.reduce((a, b) => a + b, 0);
    if (sum !== length) throw new RangeError(`split: sections ${formatShape(sections)} sum to ${sum}, but dim ${d} has size ${length}`);
  }
  const parts: Tensor[] = [];
  let at = 0;
  for (const s of sections) {
    parts.push(slice(t, d, at, at + s));
    at += s;
  }
  return parts;
}

export function chunk(t: Tensor, chunks: number, dim = 0): Tensor[] {
  const d = normalizeDim(dim, t.ndim, "chunk");
  return split(t, Math.max(1, Math.ceil(t.shape[d] / chunks)), d);
}
