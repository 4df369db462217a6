import { Tensor } from "../tensor/tensor.js";
import { contiguousStrides, formatShape, isContiguous, normalizeDim, numel, sameShape } from "../tensor/shape.js";
import { getBackend } from "../backend/index.js";
import { record } from "../autograd/node.js";
import { checkSameNumel, sumToShape, uninitialized } from "./util.js";

/** Resolves one -1 entry in a requested shape from the element count. */
export function inferShape(shape: readonly number[], total: number, op: string): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (out.filter((d) => d === -1).length > 1) throw new RangeError(`${op}: only one dimension can be -1, got ${formatShape(shape)}`);
  if (out.some((d) => d < -1 || !Number.isInteger(d))) throw new RangeError(`${op}: invalid shape ${formatShape(shape)}`);
  if (unknown >= 0) {
    const known = out.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
    if (known === 0 || total % known !== 0) throw new RangeError(`${op}: shape ${formatShape(shape)} is invalid for input of size ${total}`);
    out[unknown] = total / known;
  }
  return out;
}

/**
 * Strides that let `t` be viewed as `shape` without copying, or null when no such strides exist
 * (dims being merged must be laid out contiguously with respect to each other).
 */
function viewStrides(t: Tensor, shape: readonly number[]): number[] | null {
  if (t.numel === 0 || isContiguous(t.shape, t.strides)) return contiguousStrides(shape);
  const oldShape = t.shape.filter((d) => d !== 1);
  const oldStrides = t.strides.filter((_, i) => t.shape[i] !== 1);
  const strides = new Array<number>(shape.length).fill(1);
  let oi = 0;
  let ni = 0;
  while (ni < shape.length) {
    if (shape[ni] === 1) {
      strides[ni] = ni + 1 < shape.length ? 0 : 1;
      ni++;
      continue;
    }
    // Take a run of old dims that are contiguous with each other and whose product matches a run of new dims.
    let oldProduct = oldShape[oi];
    let oj = oi;
    let newProduct = shape[ni];
    let nj = ni;
    while (oldProduct !== newProduct) {
      if (oldProduct < newProduct) {
        oj++;
        if (oldStrides[oj - 1] !== oldStrides[oj] * oldShape[oj]) return null;
        oldProduct *= oldShape[oj];
      } else {
        nj++;
        newProduct *= shape[nj];
      }
    }
    let stride = oldStrides[oj];
    for (let k = nj; k >= ni; k--) {
      strides[k] = stride;
      stride *= shape[k];
    }
    oi = oj + 1;
    ni = nj + 1;
  }
  return strides;
}

export function asStrided(t: Tensor, shape: number[], strides: number[], offset: number, name: string, backward: (g: Tensor) => Tensor): Tensor {
  const out = new Tensor(t.data, shape, strides, offset);
  return record(out, name, [t], (g) => [backward(g)]);
}

export function view(t: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape(shape, t.numel, "view");
  checkSameNumel(t.shape, target, "view");
  const strides = viewStrides(t, target);
  if (!strides) {
    throw new RangeError(`view: size ${formatShape(target)} is not compatible with input of shape ${formatShape(t.shape)} and strides ${formatShape(t.strides)}; use reshape`);
  }
  return asStrided(t, target, strides, t.offset, "view", (g) => g.reshape(t.shape));
}

export function reshape(t: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape(shape, t.numel, "reshape");
  checkSameNumel(t.shape, target, "reshape");
  if (sameShape(target, t.shape)) return t;
  return viewStrides(t, target) ? view(t, target) : view(contiguous(t), target);
}

export function contiguous(t: Tensor): Tensor {
  if (t.isContiguous()) return t;
  const out = uninitialized(t.shape, t.dtype);
  getBackend().copy(t, out);
  return record(out, "contiguous", [t], (g) => [g]);
}

export function permute(t: Tensor, dims: readonly number[]): Tensor {
  const rank = t.ndim;
  const order = dims.map((d) => normalizeDim(d, rank, "permute"));
  if (order.length !== rank || new Set(order).size !== rank) {
    throw new RangeError(`permute: dims ${formatShape(dims)} are not a permutation of ${rank} dimensions`);
  }
  const inverse = new Array<number>(rank);
  order.forEach((d, i) => (inverse[d] = i));
  return asStrided(t, order.map((d) => t.shape[d]), order.map((d) => t.strides[d]), t.offset, "permute", (g) => g.permute(inverse));
}

export function transpose(t: Tensor, dim0: number, dim1: number): Tensor {
  const order = Array.from({ length: t.ndim }, (_, i) => i);
  const a = normalizeDim(dim0, t.ndim, "transpose");
  const b = normalizeDim(dim1, t.ndim, "transpose");
  [order[a], order[b]] = [order[b], order[a]];
  return permute(t, order);
}

export function unsqueeze(t: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, t.ndim + 1, "unsqueeze");
  const shape = [...t.shape];
  const strides = [...t.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < t.ndim ? t.strides[d] * t.shape[d] : 1);
  return asStrided(t, shape, strides, t.offset, "unsqueeze", (g) => g.reshape(t.shape));
}

export function squeeze(t: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined ? t.shape.map((_, i) => i) : (typeof dim === "number" ? [dim] : [...dim]).map((d) => normalizeDim(d, t.ndim, "squeeze"));
  const keep = t.shape.map((s, i) => !(s === 1 && dims.includes(i)));
  return asStrided(t, t.shape.filter((_, i) => keep[i]), t.strides.filter((_, i) => keep[i]), t.offset, "squeeze", (g) => g.reshape(t.shape));
}

/** Broadcasts to `shape` without copying (stride 0 on expanded dims); -1 keeps a size. */
export function expand(t: Tensor, shape: readonly number[]): Tensor {
  if (shape.length < t.ndim) {
    throw new RangeError(`expand: the target shape ${formatShape(shape)} has fewer dimensions than the tensor ${formatShape(t.shape)}`);
  }
  const lead = shape.length - t.ndim;
  const outShape: number[] = [];
  const strides: number[] = [];
  shape.forEach((size, i) => {
    const src = i - lead;
    const own = src >= 0 ? t.shape[src] : 1;
    const target = size === -1 ? own : size;
    if (src >= 0 && own !== 1 && own !== target) {
      throw new RangeError(`expand: size ${own} of dim ${src} cannot be expanded to ${target} (tensor ${formatShape(t.shape)} to ${formatShape(shape)})`);
    }
    outShape.push(target);
    strides.push(src >= 0 && own === target ? t.strides[src] : 0);
  });
  if (sameShape(outShape, t.shape)) return t;
  return asStrided(t, outShape, strides, t.offset, "expand", (g) => sumToShape(g, t.shape));
}

/** t[start:end:step] along `dim`, as a view; negative and out-of-range bounds clamp like Python. */
export function slice(t: Tensor, dim: number, start = 0, end?: number, step = 1): Tensor {
  const d = normalizeDim(dim, t.ndim, "slice");
  const size = t.shape[d];
  if (!Number.isInteger(step) || step <= 0) throw new RangeError(`slice: step must be a positive integer, got ${step}`);
  const clampIndex = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const s = clampIndex(start);
  const e = Math.max(clampIndex(end ?? size), s);
  const length = Math.ceil((e - s) / step);
  const shape = [...t.shape];
  const strides = [...t.strides];
  shape[d] = length;
  strides[d] = t.strides[d] * step;
  return asStrided(t, shape, strides, t.offset + s * t.strides[d], "slice", (g) => {
    const full = Tensor.zeros(t.shape, g.dtype);
    getBackend().copy(g, slice(full, d, s, e, step));
    return full;
  });
}

/** t.select(dim, index): removes `dim`, keeping one index. */
export function select(t: Tensor, dim: number, index: number): Tensor {
  const d = normalizeDim(dim, t.ndim, "select");
  const size = t.shape[d];
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new RangeError(`select: index ${index} is out of range for dim ${d} of size ${size}`);
  }
  const i = index < 0 ? index + size : index;
  return squeeze(slice(t, d, i, i + 1), d);
}

export function flatten(t: Tensor, startDim = 0, endDim = -1): Tensor {
  if (t.ndim === 0) return reshape(t, [1]);
  const s = normalizeDim(startDim, t.ndim, "flatten");
  const e = normalizeDim(endDim, t.ndim, "flatten");
  if (s > e) throw new RangeError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const shape = [...t.shape.slice(0, s), numel(t.shape.slice(s, e + 1)), ...t.shape.slice(e + 1)];
  return reshape(t, shape);
}
