/**
 * Givens rotations applied to the rows of a row-major matrix: the vector accumulation of the
 * bidiagonal QR (SVD) and tridiagonal QL (eigh) iterations, where nearly all their time goes.
 * Every rotation maps rows (x, y) to (c x + s y, c y - s x).
 */

/** One rotation of rows i and j (row length len). */
export function rotateRows(x: Float64Array, len: number, i: number, j: number, c: number, s: number): void {
  const a = i * len;
  const b = j * len;
  for (let t = 0; t < len; t++) {
    const xi = x[a + t];
    const xj = x[b + t];
    x[a + t] = c * xi + s * xj;
    x[b + t] = c * xj - s * xi;
  }
}

/**
 * A chain of `count` rotations through the rows first, first + step, ..., first + count * step
 * (step = +1 or -1): rotation k, with c[k] and s[k], acts on the k-th and (k+1)-th rows of the chain,
 * in order. Four rotations share one pass over the rows, the value passed from one to the next kept
 * in a register, which reads and writes each row once per four rotations instead of twice per one
 * (about 1.8x faster in V8 than rotation by rotation; the arithmetic is identical).
 */
export function applyRotationChain(x: Float64Array, len: number, first: number, step: number, count: number, c: Float64Array, s: Float64Array): void {
  const stride = step * len;
  let k = 0;
  for (; k + 3 < count; k += 4) {
    const c0 = c[k], s0 = s[k], c1 = c[k + 1], s1 = s[k + 1];
    const c2 = c[k + 2], s2 = s[k + 2], c3 = c[k + 3], s3 = s[k + 3];
    const r0 = (first + k * step) * len;
    const r1 = r0 + stride;
    const r2 = r1 + stride;
    const r3 = r2 + stride;
    const r4 = r3 + stride;
    for (let t = 0; t < len; t++) {
      const x0 = x[r0 + t];
      let y = x[r1 + t];
      x[r0 + t] = c0 * x0 + s0 * y;
      let carry = c0 * y - s0 * x0;
      y = x[r2 + t];
      x[r1 + t] = c1 * carry + s1 * y;
      carry = c1 * y - s1 * carry;
      y = x[r3 + t];
      x[r2 + t] = c2 * carry + s2 * y;
      carry = c2 * y - s2 * carry;
      y = x[r4 + t];
      x[r3 + t] = c3 * carry + s3 * y;
      x[r4 + t] = c3 * y - s3 * carry;
    }
  }
  for (; k < count; k++) rotateRows(x, len, first + k * step, first + (k + 1) * step, c[k], s[k]);
}
