import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import assert from "node:assert/strict";

/** Repository root: compiled tests live in dist/test/cluster. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** A JSON fixture made by test/fixtures/cluster/gen_cluster.py. */
export function loadFixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(join(REPO_ROOT, "test", "fixtures", "cluster", name), "utf8")) as T;
}

/** A shared data set (never committed), or null when this checkout has none. */
export function datasetPath(...parts: string[]): string | null {
  const path = join(REPO_ROOT, "..", "shared", "datasets", ...parts);
  return existsSync(path) ? path : null;
}

export function assertClose(actual: number, expected: number, rtol: number, message = ""): void {
  const scale = Math.max(Math.abs(expected), 1e-300);
  assert.ok(Math.abs(actual - expected) <= rtol * scale, `${message} expected ${expected}, got ${actual} (relative error ${Math.abs(actual - expected) / scale})`);
}

export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number, message = ""): void {
  assert.equal(actual.length, expected.length, `${message} length`);
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]);
    if (!ok) assert.fail(`${message} element ${i}: expected ${expected[i]}, got ${actual[i]}`);
  }
}

/** Deterministic pseudo-random data for tests that need no reference values. */
export function randomMatrix(rows: number, cols: number, seed: number, scale = 1): number[][] {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => (next() - 0.5) * scale));
}

/** Well-separated Gaussian-ish blobs around `centers`, `perCluster` points each, with their true labels. */
export function blobs(centers: number[][], perCluster: number, spread: number, seed: number): { X: number[][]; y: number[] } {
  const noise = randomMatrix(centers.length * perCluster, centers[0].length, seed, 2 * spread);
  const X = noise.map((row, i) => row.map((v, j) => centers[Math.floor(i / perCluster)][j] + v));
  return { X, y: X.map((_, i) => Math.floor(i / perCluster)) };
}
