import { gemm, view } from "./gemm.js";

/**
 * Pieces shared by the divide-and-conquer merges of the SVD (bidiagonal-dc.ts) and of eigh
 * (tridiagonal-dc.ts): both multiply the block-diagonal matrix of the two halves' vectors by the
 * small merged problem's vectors, and both deflate by plane rotations of column pairs.
 */

/** Rotates columns i and j of the row-major rows x ld matrix x: (ci, cj) <- (c ci - s cj, s ci + c cj). */
export function rotateColumns(x: Float64Array, rows: number, ld: number, i: number, j: number, c: number, s: number): void {
  for (let r = 0, o = 0; r < rows; r++, o += ld) {
    const a = x[o + i];
    const b = x[o + j];
    x[o + i] = c * a - s * b;
    x[o + j] = s * a + c * b;
  }
}

/**
 * out[:, 0:K] = big[:, columns] * m for the rows x ld matrix `big` that is block diagonal: rows
 * [0, topEnd) and [bottomStart, rows) each come from one half, so a column that is zero in one
 * block row contributes nothing there. types[c] says where columns[c] is nonzero (1 top rows only,
 * 2 bottom only, 3 both, 0 neither). Columns are grouped top-only, both, bottom-only, and each
 * block row is one GEMM over the groups it touches (LAPACK dlaed3 / dlasd3 do the same with their
 * column types): about half the flops of one dense product. Rows in [topEnd, bottomStart) (at most
 * a few) are summed directly. m is columns.length x K, row c belonging to columns[c].
 */
export function blockProduct(
  big: Float64Array, rows: number, ld: number, topEnd: number, bottomStart: number,
  columns: Int32Array, types: Uint8Array, m: Float64Array, K: number, out: Float64Array, ldOut: number,
): void {
  const count = columns.length;
  const order: number[] = [];
  for (const wanted of [1, 3, 2]) for (let c = 0; c < count; c++) if (types[c] === wanted) order.push(c);
  const width = order.length;
  let topWidth = 0;
  while (topWidth < width && types[order[topWidth]] !== 2) topWidth++;
  let bottomFirst = 0;
  while (bottomFirst < width && types[order[bottomFirst]] === 1) bottomFirst++;
  const source = Int32Array.from(order, (c) => columns[c]);
  const g = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const from = r * ld;
    const to = r * width;
    for (let q = 0; q < width; q++) g[to + q] = big[from + source[q]];
  }
  const mo = new Float64Array(width * K);
  for (let q = 0; q < width; q++) mo.set(m.subarray(order[q] * K, order[q] * K + K), q * K);
  gemm(topEnd, K, topWidth, 1, view(g, width), view(mo, K), 0, out, 0, ldOut);
  gemm(rows - bottomStart, K, width - bottomFirst, 1, view(g, width, bottomStart * width + bottomFirst), view(mo, K, bottomFirst * K), 0, out, bottomStart * ldOut, ldOut);
  for (let r = topEnd; r < bottomStart; r++) {
    const o = r * ldOut;
    out.fill(0, o, o + K);
    for (let c = 0; c < count; c++) {
      const x = big[r * ld + columns[c]];
      if (x === 0) continue;
      for (let i = 0; i < K; i++) out[o + i] += x * m[c * K + i];
    }
  }
}

/** Copies column `from` of the rows x ld matrix `src` into column `to` of `dst` (leading dimension ldDst). */
export function copyColumn(src: Float64Array, ld: number, from: number, dst: Float64Array, ldDst: number, to: number, rows: number): void {
  for (let r = 0; r < rows; r++) dst[r * ldDst + to] = src[r * ld + from];
}
