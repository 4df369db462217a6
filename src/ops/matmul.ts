import { Tensor } from "../tensor/tensor.js";
import { isFloating, promoteTypes } from "../tensor/dtype.js";
import { broadcastShapes, formatShape, numel } from "../tensor/shape.js";
import { getBackend } from "../backend/index.js";
import { record } from "../autograd/node.js";
import { sumToShape, uninitialized } from "./util.js";

/** How one operand is handed to GEMM: storage, whether it is read transposed, and its batch stride. */
interface GemmOperand {
  tensor: Tensor;
  trans: boolean;
  batchStride: number;
}

/**
 * Finds a zero-copy GEMM layout for `t` (shape [...batch, rows, cols]): the matrix must be
 * row-major or column-major, and the batch either broadcast (stride 0) or evenly spaced. Otherwise
 * a contiguous copy is made.
 */
function gemmOperand(t: Tensor, batchShape: readonly number[]): GemmOperand {
  const rank = t.ndim;
  const [rows, cols] = t.shape.slice(rank - 2);
  const [rs, cs] = t.strides.slice(rank - 2);
  const rowMajor = cs === 1 || cols === 1 ? rs === cols || rows === 1 : false;
  const colMajor = !rowMajor && (rs === 1 || rows === 1) && (cs === rows || cols === 1);
  const batchStrides = t.strides.slice(0, rank - 2);
  const matrix = rows * cols;
  const broadcastBatch = batchStrides.every((s, i) => s === 0 || batchShape[i] === 1);
  let packedBatch = true;
  let expected = matrix;
  for (let i = batchShape.length - 1; i >= 0; i--) {
    if (batchShape[i] !== 1 && batchStrides[i] !== expected) packedBatch = false;
    expected *= batchShape[i];
  }
  if ((rowMajor || colMajor) && (broadcastBatch || packedBatch)) {
    return { tensor: t, trans: colMajor, batchStride: broadcastBatch ? 0 : matrix };
  }
  const c = uninitialized(t.shape, t.dtype);
  getBackend().copy(t, c);
  return { tensor: c, trans: false, batchStride: matrix };
}

/** Batched matrix product of [..., m, k] and [..., k, n] with NumPy batch broadcasting. */
function batchedMatmul(a: Tensor, b: Tensor, op: string): Tensor {
  const m = a.shape[a.ndim - 2];
  const k = a.shape[a.ndim - 1];
  const n = b.shape[b.ndim - 1];
  if (b.shape[b.ndim - 2] !== k) {
    throw new RangeError(`${op}: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be multiplied (${m}x${k} and ${b.shape[b.ndim - 2]}x${n})`);
  }
  const batchShape = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), op);
  const batch = numel(batchShape);
  const dtype = promoteTypes(a.dtype, b.dtype);
  const ac = a.dtype === dtype ? a : a.to(dtype);
  const bc = b.dtype === dtype ? b : b.to(dtype);
  const A = gemmOperand(ac.expand([...batchShape, m, k]), batchShape);
  const B = gemmOperand(bc.expand([...batchShape, k, n]), batchShape);
  const out = uninitialized([...batchShape, m, n], dtype);
  if (out.numel > 0) {
    if (k === 0) out.data.fill(0);
    else getBackend().gemm(A.tensor.data, B.tensor.data, out.data, {
      batch, m, n, k, transA: A.trans, transB: B.trans,
      aOffset: A.tensor.offset, bOffset: B.tensor.offset, aBatchStride: A.batchStride, bBatchStride: B.batchStride,
      alpha: 1, beta: 0,
    });
  }
  return record(out, op, [a, b], (g) => [
    sumToShape(g.matmul(b.mT), a.shape),
    sumToShape(a.mT.matmul(g), b.shape),
  ]);
}

/** torch.matmul: dot for 1-D x 1-D, matrix-vector products, and broadcast batched products. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) throw new RangeError(`matmul: both arguments need at least 1 dimension, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  if (!isFloating(a.dtype) && !isFloating(b.dtype) && (a.dtype === "bool" || b.dtype === "bool")) {
    throw new TypeError(`matmul: bool tensors are not supported`);
  }
  // Checked here so the message names the shapes the caller passed, not the unsqueezed 2-D ones.
  const inner = b.ndim === 1 ? b.shape[0] : b.shape[b.ndim - 2];
  if (a.shape[a.ndim - 1] !== inner) {
    throw new RangeError(`matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be multiplied (inner dimensions ${a.shape[a.ndim - 1]} and ${inner})`);
  }
  const a2 = a.ndim === 1 ? a.unsqueeze(0) : a;
  const b2 = b.ndim === 1 ? b.unsqueeze(1) : b;
  let out = batchedMatmul(a2, b2, "matmul");
  if (a.ndim === 1) out = out.squeeze(-2);
  if (b.ndim === 1) out = out.squeeze(-1);
  return out;
}

export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) throw new RangeError(`mm: expected 2-D tensors, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  return batchedMatmul(a, b, "mm");
}

export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3 || a.shape[0] !== b.shape[0]) {
    throw new RangeError(`bmm: expected 3-D tensors with equal batch, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  return batchedMatmul(a, b, "bmm");
}
