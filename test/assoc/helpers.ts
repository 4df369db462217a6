import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root, from dist/test/assoc/ (compiled) up three folders. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const FIXTURES = resolve(REPO_ROOT, "test/fixtures/assoc");

/** The shared datasets folder beside the checkout (or $LANTERN_DATASETS), or null when absent. */
export function datasetsDir(): string | null {
  const dir = process.env.LANTERN_DATASETS ?? resolve(REPO_ROOT, "../shared/datasets");
  return existsSync(dir) ? dir : null;
}

/** mulberry32: a tiny seeded generator, so every random case is reproducible from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random baskets over items 0..nItems-1 with skewed item frequencies, some baskets empty. */
export function randomBaskets(random: () => number, nBaskets: number, nItems: number, density: number): number[][] {
  const weight = Array.from({ length: nItems }, () => random() ** 2 * density * 2);
  return Array.from({ length: nBaskets }, () => {
    const basket: number[] = [];
    for (let i = 0; i < nItems; i++) if (random() < weight[i]) basket.push(i);
    return basket;
  });
}

/**
 * The frequent itemsets by brute force: every subset of the (at most ~16) items as a bitmask,
 * counted against every basket. Sorted as frequentItemsets sorts: by length, then items.
 */
export function bruteForceItemsets(baskets: number[][], nItems: number, minCount: number, maxLength = Infinity): { items: number[]; count: number }[] {
  const masks = baskets.map((b) => b.reduce((m, i) => m | (1 << i), 0));
  const found: { items: number[]; count: number }[] = [];
  for (let subset = 1; subset < 1 << nItems; subset++) {
    const items: number[] = [];
    for (let i = 0; i < nItems; i++) if (subset & (1 << i)) items.push(i);
    if (items.length > maxLength) continue;
    let count = 0;
    for (const m of masks) if ((m & subset) === subset) count++;
    if (count >= minCount) found.push({ items, count });
  }
  return found.sort((a, b) => a.items.length - b.items.length || compareLex(a.items, b.items));
}

function compareLex(a: number[], b: number[]): number {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k] - b[k];
  return 0;
}
