/**
 * The secular equation of the divide-and-conquer merges (Cuppen 1981; Gu & Eisenstat 1995, "A
 * divide-and-conquer algorithm for the symmetric tridiagonal eigenproblem" and "... for the
 * bidiagonal SVD"; LAPACK Working Note 69 and dlaed4 / dlasd4):
 *
 *   f(lambda) = 1 + rho * sum_j z_j^2 / (p_j - lambda) = 0,
 *
 * with poles p_j = d_j (eigenvalues of D + rho z z^T) or p_j = d_j^2 (singular values of the
 * arrowhead [z^T; 0 D], lambda = sigma^2, rho = 1). For rho > 0 and increasing, distinct p_j with
 * z_j != 0 there is exactly one root in each (p_i, p_(i+1)) and one in (p_(K-1), p_(K-1) + rho |z|^2).
 *
 * Each root is computed relative to its nearer pole p_o (the "origin"): lambda = p_o + tau, and
 * every difference p_j - lambda is formed as (p_j - p_o) - tau with p_j - p_o computed from the d's
 * directly, so it keeps full relative accuracy even when the root hugs the pole; those differences
 * are the entries of the eigen- or singular vectors. The iteration is the "middle way" of R.-C. Li
 * (1993, "Solving secular equations stably and efficiently", LAPACK Working Note 89): the sums over
 * the poles left and right of the root are each modelled by a constant plus one pole term matching
 * value and derivative, and the model's root is the next iterate; bisection of a bracketing interval
 * guards every step, so the iteration always converges.
 */

const EPS = 2 ** -52;
const MAX_ITERATIONS = 100;

export interface SecularRoots {
  /** Roots lambda_i, ascending (sigma_i^2 in the squared case). */
  lambda: Float64Array;
  /** sigma_i = sqrt(lambda_i), formed accurately from the origin (squared case only, else empty). */
  sigma: Float64Array;
  /** diff[i * K + j] = p_j - lambda_i, to full relative accuracy. */
  diff: Float64Array;
  /**
   * Gu-Eisenstat's z: the vector for which the computed roots are exact (Loewner's theorem),
   * with the signs of the given z. Vectors built from it are numerically orthogonal.
   */
  zHat: Float64Array;
}

/** p_j - p_o from the d's: d_j - d_o, or (d_j - d_o)(d_j + d_o) when the poles are squares. */
function poleGap(d: Float64Array, j: number, o: number, squared: boolean): number {
  return squared ? (d[j] - d[o]) * (d[j] + d[o]) : d[j] - d[o];
}

/**
 * All K roots for strictly increasing d (d_0 >= 0 when squared), nonzero z and rho > 0. The
 * caller's deflation guarantees the gaps and the z's are well above rounding level.
 */
export function solveSecular(d: Float64Array, z: Float64Array, rho: number, squared: boolean): SecularRoots {
  const K = d.length;
  const w = new Float64Array(K);
  let zNorm2 = 0;
  for (let j = 0; j < K; j++) {
    w[j] = rho * z[j] * z[j];
    zNorm2 += w[j];
  }
  const lambda = new Float64Array(K);
  const sigma = new Float64Array(squared ? K : 0);
  const diff = new Float64Array(K * K);
  const gap = new Float64Array(K);
  for (let i = 0; i < K; i++) {
    const row = diff.subarray(i * K, i * K + K);
    const last = i === K - 1;
    // Origin: the pole the root is closer to, decided by the sign of f at the interval's middle.
    let o = i;
    for (let j = 0; j < K; j++) gap[j] = poleGap(d, j, i, squared);
    let lo: number;
    let hi: number;
    if (last) {
      lo = 0;
      hi = zNorm2;
    } else {
      const mid = gap[i + 1] / 2;
      if (evaluate(gap, w, mid, i, row).f >= 0) {
        lo = 0;
        hi = mid;
      } else {
        o = i + 1;
        for (let j = 0; j < K; j++) gap[j] = poleGap(d, j, o, squared);
        lo = gap[i] / 2;
        hi = 0;
      }
    }
    let tau = (lo + hi) / 2;
    for (let iteration = 0; ; iteration++) {
      const e = evaluate(gap, w, tau, i, row);
      if (e.f < 0) lo = tau;
      else hi = tau;
      // Converged when f is zero to within its rounding error (as dlaed4's test), or when the
      // bracket has shrunk to adjacent floating-point numbers.
      const rounding = EPS * (8 * e.absSum + 2 + 3 * Math.abs(e.f));
      if (Math.abs(e.f) <= rounding || hi - lo <= 4 * EPS * Math.max(Math.abs(lo), Math.abs(hi)) || iteration >= MAX_ITERATIONS) break;
      let next = middleWayStep(gap, tau, i, last, e);
      if (!(next > lo && next < hi)) next = (lo + hi) / 2;
      tau = next;
    }
    lambda[i] = (squared ? d[o] * d[o] : d[o]) + tau;
    if (squared) {
      // sigma - d_o = tau / (d_o + sigma): no cancellation when the root is next to its pole.
      const root = Math.sqrt(Math.max(lambda[i], 0));
      sigma[i] = d[o] + tau / (d[o] + root || 1);
    }
  }
  return { lambda, sigma, diff, zHat: loewnerZ(d, z, rho, squared, diff) };
}

interface Evaluation {
  f: number;
  /** Sums of w_j / (p_j - lambda) and of their derivatives over the poles left (psi) and right (phi) of root i. */
  psi: number;
  dpsi: number;
  phi: number;
  dphi: number;
  absSum: number;
}

/** f and its split sums at lambda = p_o + tau; row[j] receives p_j - lambda. */
function evaluate(gap: Float64Array, w: Float64Array, tau: number, i: number, row: Float64Array): Evaluation {
  let psi = 0;
  let dpsi = 0;
  let phi = 0;
  let dphi = 0;
  const K = gap.length;
  for (let j = 0; j <= i; j++) {
    const delta = gap[j] - tau;
    row[j] = delta;
    const t = w[j] / delta;
    psi += t;
    dpsi += t / delta;
  }
  for (let j = i + 1; j < K; j++) {
    const delta = gap[j] - tau;
    row[j] = delta;
    const t = w[j] / delta;
    phi += t;
    dphi += t / delta;
  }
  return { f: 1 + psi + phi, psi, dpsi, phi, dphi, absSum: phi - psi };
}

/**
 * The next tau from Li's middle-way model at the current one: psi ~ a + b / (gap_i - x) and
 * phi ~ c + e / (gap_(i+1) - x), each matching its value and slope (for the last root only the
 * left sum and one pole). Returns NaN when the model has no root in the pole interval.
 */
function middleWayStep(gap: Float64Array, tau: number, i: number, last: boolean, e: Evaluation): number {
  const d1 = gap[i] - tau;
  const b1 = e.dpsi * d1 * d1;
  if (last) {
    const c = 1 + e.psi - e.dpsi * d1 + e.phi;
    return c > 0 ? tau + d1 + b1 / c : NaN;
  }
  const d2 = gap[i + 1] - tau;
  const b2 = e.dphi * d2 * d2;
  const c = 1 + (e.psi - e.dpsi * d1) + (e.phi - e.dphi * d2);
  // Model root x = tau + eta: c eta^2 - b eta + d1 d2 f = 0 with b = c (d1 + d2) + b1 + b2.
  const b = c * (d1 + d2) + b1 + b2;
  const q = d1 * d2 * e.f;
  let eta: number;
  if (c === 0) {
    eta = q / b;
  } else {
    const disc = Math.sqrt(Math.max(b * b - 4 * c * q, 0));
    // Of the two roots, the one between the poles (d1 - eta < 0 < d2 - eta); formed without cancellation.
    const r1 = b >= 0 ? (2 * q) / (b + disc) : (b - disc) / (2 * c);
    const r2 = b >= 0 ? (b + disc) / (2 * c) : (2 * q) / (b - disc);
    eta = d1 - r1 < 0 && d2 - r1 > 0 ? r1 : r2;
  }
  return tau + eta;
}

/**
 * z_j^2 = prod_i (lambda_i - p_j) / (rho prod_(k != j) (p_k - p_j)), each factor paired with a
 * pole on the same side of p_j so every ratio lies in (0, 1) (Gu & Eisenstat 1995, eq. 3.6).
 */
function loewnerZ(d: Float64Array, z: Float64Array, rho: number, squared: boolean, diff: Float64Array): Float64Array {
  const K = d.length;
  const zHat = new Float64Array(K);
  for (let j = 0; j < K; j++) {
    // lambda_(K-1) - p_j is the unpaired factor.
    let product = -diff[(K - 1) * K + j] / rho;
    for (let i = 0; i < j; i++) product *= diff[i * K + j] / poleGap(d, j, i, squared);
    for (let i = j; i < K - 1; i++) product *= diff[i * K + j] / poleGap(d, j, i + 1, squared);
    zHat[j] = Math.sign(z[j]) * Math.sqrt(Math.max(product, 0));
  }
  return zHat;
}
