import { getBackend } from "../backend/index.js";

/**
 * The float64 GEMM every decomposition here runs on: the active backend's `dgemm` (the native
 * core's packed AVX-512 / AVX2 kernels, or the TypeScript reference). Blocked factorisations put
 * nearly all their flops through it, and their matrix-vector steps too (a product with n = 1 or
 * m = 1, which the native core runs as a streaming matrix-vector kernel).
 */

/**
 * A float64 matrix operand: element (i, j) of op(X) is `data[offset + i * ld + j]`, or
 * `data[offset + j * ld + i]` when `transposed`, so a transpose or a sub-block is a view, not a copy.
 */
export interface Operand {
  readonly data: Float64Array;
  readonly offset: number;
  readonly ld: number;
  readonly transposed: boolean;
}

/** Row-major matrix with leading dimension `ld`, starting at `offset`. */
export function view(data: Float64Array, ld: number, offset = 0): Operand {
  return { data, offset, ld, transposed: false };
}

/** The transpose of a row-major matrix with leading dimension `ld`. */
export function viewT(data: Float64Array, ld: number, offset = 0): Operand {
  return { data, offset, ld, transposed: true };
}

/**
 * C = alpha * op(A) @ op(B) + beta * C for an m x k op(A) and k x n op(B); C is row-major with
 * leading dimension `ldc` from `cOffset`. With `upper`, only C's upper triangle is guaranteed
 * (C symmetric, e.g. A^T A): the caller mirrors it.
 */
export function gemm(
  m: number, n: number, k: number, alpha: number, a: Operand, b: Operand,
  beta: number, c: Float64Array, cOffset: number, ldc: number, upper = false,
): void {
  if (m === 0 || n === 0) return;
  getBackend().dgemm(a.data, b.data, c, {
    m, n, k, alpha, beta, upper, cOffset, ldc,
    transA: a.transposed, aOffset: a.offset, lda: leading(a, m, k),
    transB: b.transposed, bOffset: b.offset, ldb: leading(b, k, n),
  });
}

/** The leading dimension of an operand whose op() is rows x cols; a stored single row may give any. */
function leading(x: Operand, rows: number, cols: number): number {
  const storedRows = x.transposed ? cols : rows;
  return storedRows <= 1 ? Math.max(x.ld, x.transposed ? rows : cols) : x.ld;
}
