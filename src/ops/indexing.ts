import { Tensor } from "../tensor/tensor.js";
import { formatShape, normalizeDim, numel } from "../tensor/shape.js";
import { getBackend } from "../backend/index.js";
import { record } from "../autograd/node.js";
import { slice } from "./views.js";
import { uninitialized } from "./util.js";
import type { ValuesIndices } from "./reduce.js";

function asIndex(index: Tensor, op: string): Tensor {
  if (index.dtype !== "int32") throw new TypeError(`${op}: index must be an int32 tensor, got ${index.dtype}`);
  return index.contiguous();
}

/** [outer, size, inner] sizes of `shape` around `dim`. */
function around(shape: readonly number[], dim: number): [number, number, number] {
  return [numel(shape.slice(0, dim)), shape[dim] ?? 1, numel(shape.slice(dim + 1))];
}

/** torch.index_select: picks whole slices along `dim` by a 1-D index. */
export function indexSelect(t: Tensor, dim: number, index: Tensor): Tensor {
  const d = normalizeDim(dim, t.ndim, "indexSelect");
  if (index.ndim > 1) throw new RangeError(`indexSelect: index must be 1-D, got shape ${formatShape(index.shape)}`);
  const idx = asIndex(index, "indexSelect");
  const [outer, size, inner] = around(t.shape, d);
  const shape = [...t.shape];
  shape[d] = idx.numel;
  const out = uninitialized(shape, t.dtype);
  getBackend().gather(t.denseData(), idx.denseData() as Int32Array, outer, size, inner, idx.numel, out.data);
  return record(out, "indexSelect", [t], (g) => [indexAdd(Tensor.zeros(t.shape, g.dtype), d, idx, g)]);
}

/** Out-of-place torch.index_add: base with `src` slices added at `index` along `dim`. */
export function indexAdd(base: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = normalizeDim(dim, base.ndim, "indexAdd");
  if (index.ndim > 1) throw new RangeError(`indexAdd: index must be 1-D, got shape ${formatShape(index.shape)}`);
  const idx = asIndex(index, "indexAdd");
  const expected = base.ndim === 0 ? [] : base.shape.map((s, i) => (i === d ? idx.numel : s));
  if (!numelEquals(src.shape, expected)) {
    throw new RangeError(`indexAdd: source has shape ${formatShape(src.shape)}, expected ${formatShape(expected)} (input ${formatShape(base.shape)} with ${idx.numel} indices along dim ${d})`);
  }
  const out = base.clone();
  const [outer, size, inner] = around(base.shape, d);
  getBackend().scatterAdd(src.denseData(), idx.denseData() as Int32Array, outer, size, inner, idx.numel, out.data);
  return record(out, "indexAdd", [base, src], (g) => [g, indexSelect(g, d, idx)]);
}

/** Restricts `t` to the extent of `index` in every dim but `dim` (torch.gather allows smaller index). */
function cropTo(t: Tensor, index: Tensor, dim: number, op: string): Tensor {
  if (index.ndim !== t.ndim) throw new RangeError(`${op}: index has ${index.ndim} dims, input has ${t.ndim}`);
  let out = t;
  for (let i = 0; i < t.ndim; i++) {
    if (i === dim) continue;
    if (index.shape[i] > t.shape[i]) {
      throw new RangeError(`${op}: index shape ${formatShape(index.shape)} exceeds input shape ${formatShape(t.shape)} at dim ${i}`);
    }
    if (index.shape[i] < t.shape[i]) out = slice(out, i, 0, index.shape[i]);
  }
  return out;
}

/** torch.gather: out[i][j][k] = t[i][index[i][j][k]][k] for dim = 1. */
export function gather(t: Tensor, dim: number, index: Tensor): Tensor {
  const d = normalizeDim(dim, t.ndim, "gather");
  const idx = asIndex(index, "gather");
  const x = cropTo(t, idx, d, "gather").contiguous();
  const [outer, size, inner] = around(x.shape, d);
  const out = uninitialized(idx.shape, t.dtype);
  getBackend().gatherAlong(x.denseData(), idx.denseData() as Int32Array, outer, size, inner, idx.shape[d] ?? 1, out.data);
  return record(out, "gather", [t], (g) => [Tensor.zeros(t.shape, g.dtype).scatterAdd(d, idx, g)]);
}

/** Out-of-place torch.scatter_add: base with src added at positions index along dim. */
export function scatterAdd(base: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = normalizeDim(dim, base.ndim, "scatterAdd");
  const idx = asIndex(index, "scatterAdd");
  if (idx.ndim !== base.ndim) throw new RangeError(`scatterAdd: index has ${idx.ndim} dims, input has ${base.ndim}`);
  const source = (numelEquals(src.shape, idx.shape) ? src : cropTo(src, idx, -1, "scatterAdd")).contiguous();
  const out = base.clone();
  // Work on the region of `out` that the index spans in the other dims.
  const region = cropTo(out, idx, d, "scatterAdd");
  const dense = region.contiguous();
  const [outer, size, inner] = around(dense.shape, d);
  getBackend().scatterAddAlong(source.denseData(), idx.denseData() as Int32Array, outer, size, inner, idx.shape[d] ?? 1, dense.data);
  if (dense !== region) getBackend().copy(dense, region);
  return record(out, "scatterAdd", [base, src], (g) => [g, gather(g, d, idx)]);
}

function numelEquals(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** Sorts along `dim` (stable), returning values and the original indices. */
export function sort(t: Tensor, dim = -1, descending = false): ValuesIndices {
  const d = normalizeDim(dim, Math.max(t.ndim, 1), "sort");
  if (t.ndim === 0) return { values: t.clone(), indices: Tensor.zeros([], "int32") };
  const moved = t.transpose(d, -1).contiguous();
  const cols = moved.shape[moved.ndim - 1];
  const rows = cols === 0 ? 0 : moved.numel / cols;
  const values = Tensor.empty(moved.shape, t.dtype);
  const indices = Tensor.empty(moved.shape, "int32");
  getBackend().sort(moved.denseData(), rows, cols, descending, values.data, indices.data as Int32Array);
  const idx = indices.transpose(d, -1).contiguous();
  const vals = values.transpose(d, -1).contiguous();
  record(vals, "sort", [t], (g) => [Tensor.zeros(t.shape, g.dtype).scatterAdd(d, idx, g)]);
  return { values: vals, indices: idx };
}

/** The k largest (or smallest) entries along `dim`, sorted. */
export function topk(t: Tensor, k: number, dim = -1, largest = true): ValuesIndices {
  const d = normalizeDim(dim, Math.max(t.ndim, 1), "topk");
  const size = t.ndim === 0 ? 1 : t.shape[d];
  if (!Number.isInteger(k) || k < 0 || k > size) throw new RangeError(`topk: k = ${k} is out of range for dim ${d} of size ${size}`);
  const sorted = sort(t.detach(), d, largest);
  const indices = slice(sorted.indices, d, 0, k).contiguous();
  return { values: gather(t, d, indices), indices };
}
