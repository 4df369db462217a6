/**
 * The float64 GEMM every decomposition here runs on. The native core's GEMM is float32, which is
 * too coarse for 1e-10 factorisations, so float64 products stay in this register-blocked JS kernel;
 * only the randomized SVD's power iterations (where float32 is accurate enough) use the engine.
 */

/**
 * A float64 matrix operand read through strides: element (i, j) of op(X) is
 * `data[offset + i * rowStride + j * colStride]`, so a transpose or a sub-block is a view, not a copy.
 */
export interface Operand {
  readonly data: Float64Array;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/** Row-major matrix with leading dimension `ld`, starting at `offset`. */
export function view(data: Float64Array, ld: number, offset = 0): Operand {
  return { data, offset, rowStride: ld, colStride: 1 };
}

/** The transpose of a row-major matrix with leading dimension `ld`. */
export function viewT(data: Float64Array, ld: number, offset = 0): Operand {
  return { data, offset, rowStride: 1, colStride: ld };
}

// Blocking after Goto & van de Geijn (2008), "Anatomy of high-performance matrix multiplication": a
// KC x NC panel of B stays in L2 while 4-row slivers of A stream through a 4x4 register kernel.
// 4x4 is the largest tile whose accumulators V8 keeps in the 16 x86-64 vector registers without
// heavy spilling (measured ~5.8 GFLOP/s in cache versus ~1.2 for the i-k-j loop).
const MR = 4;
const NR = 4;
const KC = 256;
const MC = 128;
const NC = 512;

const packA = new Float64Array(MC * KC);
const packB = new Float64Array(KC * NC);

function packPanel(x: Operand, row0: number, col0: number, rows: number, cols: number, width: number, out: Float64Array, byRow: boolean): void {
  // Packs op(X)[row0 .. row0+rows, col0 .. col0+cols] into slivers of `width` rows (byRow) or
  // columns, each sliver laid out k-major so the kernel reads it with unit stride; edges are zero.
  const { data, offset, rowStride, colStride } = x;
  const slivers = Math.ceil((byRow ? rows : cols) / width);
  const depth = byRow ? cols : rows;
  // Walk the source along its unit-stride direction so packing streams memory.
  const along = byRow ? colStride : rowStride;
  const across = byRow ? rowStride : colStride;
  const base = offset + row0 * rowStride + col0 * colStride;
  for (let s = 0; s < slivers; s++) {
    const dst = s * depth * width;
    const live = Math.min(width, (byRow ? rows : cols) - s * width);
    if (along === 1 || across !== 1) {
      for (let r = 0; r < width; r++) {
        if (r >= live) {
          for (let p = 0; p < depth; p++) out[dst + p * width + r] = 0;
          continue;
        }
        const src = base + (s * width + r) * across;
        for (let p = 0; p < depth; p++) out[dst + p * width + r] = data[src + p * along];
      }
    } else {
      for (let p = 0; p < depth; p++) {
        const src = base + p * along + s * width * across;
        const d = dst + p * width;
        for (let r = 0; r < width; r++) out[d + r] = r < live ? data[src + r] : 0;
      }
    }
  }
}

/**
 * C = alpha * op(A) @ op(B) + beta * C for an m x k op(A) and k x n op(B); C is row-major with
 * leading dimension `ldc`. With `upper`, only tiles touching the upper triangle are computed
 * (C symmetric, e.g. A^T A): the caller mirrors it.
 */
export function gemm(
  m: number, n: number, k: number, alpha: number, a: Operand, b: Operand,
  beta: number, c: Float64Array, cOffset: number, ldc: number, upper = false,
): void {
  if (m === 0 || n === 0) return;
  if (k === 0 || alpha === 0) {
    for (let i = 0; i < m; i++) {
      const row = cOffset + i * ldc;
      for (let j = 0; j < n; j++) c[row + j] = beta === 0 ? 0 : beta * c[row + j];
    }
    return;
  }
  for (let jc = 0; jc < n; jc += NC) {
    const nb = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kb = Math.min(KC, k - pc);
      const first = pc === 0;
      packPanel(b, pc, jc, kb, nb, NR, packB, false);
      for (let ic = 0; ic < m; ic += MC) {
        const mb = Math.min(MC, m - ic);
        if (upper && ic >= jc + nb) break;
        packPanel(a, ic, pc, mb, kb, MR, packA, true);
        macroKernel(mb, nb, kb, alpha, first ? beta : 1, c, cOffset + ic * ldc + jc, ldc, upper ? jc - ic : Infinity);
      }
    }
  }
}

/**
 * Runs every 4x4 tile of one packed block. `diagonal` is the column offset of the block's first
 * row relative to C's diagonal; tiles entirely below the diagonal are skipped when it is finite.
 */
function macroKernel(mb: number, nb: number, kb: number, alpha: number, beta: number, c: Float64Array, cBase: number, ldc: number, diagonal: number): void {
  const A = packA;
  const B = packB;
  for (let jr = 0; jr < nb; jr += NR) {
    const bBase = (jr / NR) * kb * NR;
    const cols = Math.min(NR, nb - jr);
    for (let ir = 0; ir < mb; ir += MR) {
      if (ir > jr + NR - 1 + diagonal) break;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, pa = (ir / MR) * kb * MR, pb = bBase; p < kb; p++, pa += MR, pb += NR) {
        const a0 = A[pa], a1 = A[pa + 1], a2 = A[pa + 2], a3 = A[pa + 3];
        const b0 = B[pb], b1 = B[pb + 1], b2 = B[pb + 2], b3 = B[pb + 3];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const rows = Math.min(MR, mb - ir);
      const o = cBase + ir * ldc + jr;
      if (rows === MR && cols === NR) {
        store4(c, o, alpha, beta, c00, c01, c02, c03);
        store4(c, o + ldc, alpha, beta, c10, c11, c12, c13);
        store4(c, o + 2 * ldc, alpha, beta, c20, c21, c22, c23);
        store4(c, o + 3 * ldc, alpha, beta, c30, c31, c32, c33);
      } else {
        const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
        for (let r = 0; r < rows; r++) {
          for (let q = 0; q < cols; q++) {
            const idx = o + r * ldc + q;
            c[idx] = beta === 0 ? alpha * tile[r * NR + q] : alpha * tile[r * NR + q] + beta * c[idx];
          }
        }
      }
    }
  }
}

function store4(c: Float64Array, o: number, alpha: number, beta: number, x0: number, x1: number, x2: number, x3: number): void {
  if (beta === 0) {
    c[o] = alpha * x0; c[o + 1] = alpha * x1; c[o + 2] = alpha * x2; c[o + 3] = alpha * x3;
  } else {
    c[o] = alpha * x0 + beta * c[o]; c[o + 1] = alpha * x1 + beta * c[o + 1];
    c[o + 2] = alpha * x2 + beta * c[o + 2]; c[o + 3] = alpha * x3 + beta * c[o + 3];
  }
}
