import type { Generator } from "../random/generator.js";

/** A random permutation of 0..n-1 by Fisher-Yates, drawn from `generator`. */
export function permutation(n: number, generator: Generator): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = generator.integer(0, i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

