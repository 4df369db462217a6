import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { PCA } from "../../src/decomposition/index.js";
import type { PCASolver } from "../../src/decomposition/index.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { eigh } from "../../src/linalg/index.js";
import { loadFixture, maxAbsDiff, randomMatrix } from "../linalg/helpers.js";

interface PcaCase {
  name: string;
  data: string;
  nComponents: number | null;
  solver: "full" | "randomized";
  whiten: boolean;
  standardize: boolean;
  nComponentsFitted: number;
  components: number[][];
  explainedVariance: number[];
  explainedVarianceRatio: number[];
  singularValues: number[];
  mean: number[];
  noiseVariance: number;
  transformedHead: number[][];
  inverseHead: number[][];
  scalerMean: number[];
  scalerScale: number[];
}
interface PcaFixture {
  datasets: Record<string, number[][]>;
  cases: PcaCase[];
  iris: { explainedVarianceRatio: number[]; components: number[][]; standardizedExplainedVarianceRatio: number[] };
}

const fixture = loadFixture<PcaFixture>("pca.json");

function close(actual: Tensor | ArrayLike<number>, expected: number[] | number[][], tol: number, label: string): void {
  const a = actual instanceof Tensor ? actual.toArray() : actual;
  const e = (expected as number[][]).flat();
  const scale = Math.max(1, ...e.map(Math.abs));
  const diff = maxAbsDiff(a, e);
  assert.ok(diff <= tol * scale, `${label}: max difference ${diff} (tolerance ${tol * scale})`);
}

function checkAgainstSklearn(c: PcaCase, solver: PCASolver, tol: number): void {
  const X = fixture.datasets[c.data];
  const label = `${c.name} [${solver}]`;
  const pca = new PCA({ nComponents: c.nComponents ?? undefined, whiten: c.whiten, standardize: c.standardize, solver, seed: 0 }).fit(X);
  assert.equal(pca.nComponentsFitted, c.nComponentsFitted, `${label}: nComponentsFitted`);
  assert.equal(pca.solverUsed, solver);
  close(pca.components, c.components, tol, `${label}: components`);
  close(pca.explainedVariance, c.explainedVariance, tol, `${label}: explainedVariance`);
  close(pca.explainedVarianceRatio, c.explainedVarianceRatio, tol, `${label}: explainedVarianceRatio`);
  close(pca.singularValues, c.singularValues, tol, `${label}: singularValues`);
  close([pca.noiseVariance], [c.noiseVariance], tol, `${label}: noiseVariance`);
  close(pca.mean, c.standardize ? c.scalerMean : c.mean, tol, `${label}: mean`);
  if (c.standardize) close(pca.scale!, c.scalerScale, tol, `${label}: scale`);
  else assert.equal(pca.scale, null);
  const head = X.slice(0, 8);
  const scores = pca.transform(head);
  close(scores, c.transformedHead, tol, `${label}: transform`);
  close(pca.inverseTransform(scores), c.inverseHead, tol, `${label}: inverseTransform`);
}

test("PCA: full and covariance solvers equal scikit-learn to 1e-9 (the issue asks 1e-6): plain, fraction, whiten, wide", () => {
  for (const c of fixture.cases.filter((x) => x.solver === "full")) {
    checkAgainstSklearn(c, "full", 1e-9);
    checkAgainstSklearn(c, "covariance", 1e-9);
  }
});

test("PCA: randomized solver matches scikit-learn on a low-rank matrix", () => {
  for (const c of fixture.cases.filter((x) => x.solver === "randomized")) checkAgainstSklearn(c, "randomized", 1e-8);
});

test("PCA: standardize is the notes' standard PCA, the eigen-decomposition of the correlation matrix", () => {
  const X = fixture.datasets.scaled;
  const n = X.length;
  const p = X[0].length;
  const mean = Array.from({ length: p }, (_, j) => X.reduce((a, r) => a + r[j], 0) / n);
  const sd = Array.from({ length: p }, (_, j) => Math.sqrt(X.reduce((a, r) => a + (r[j] - mean[j]) ** 2, 0) / n));
  const corr = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => X.reduce((a, r) => a + ((r[i] - mean[i]) / sd[i]) * ((r[j] - mean[j]) / sd[j]), 0) / n));
  const { eigenvalues, eigenvectors } = eigh(corr);
  const pca = new PCA({ nComponents: 3, standardize: true, solver: "full" }).fit(X);
  const w = eigenvalues.toArray();
  const v = eigenvectors.toArray();
  const ev = pca.explainedVariance.toArray();
  const comps = pca.components.toArray();
  for (let c = 0; c < 3; c++) {
    // Correlation eigenvalues are the explained variances (ddof = 1) scaled by (n - 1) / n.
    assert.ok(Math.abs(w[p - 1 - c] - (ev[c] * (n - 1)) / n) <= 1e-10, `eigenvalue ${c}`);
    let dot = 0;
    for (let j = 0; j < p; j++) dot += v[j * p + (p - 1 - c)] * comps[c * p + j];
    assert.ok(Math.abs(Math.abs(dot) - 1) <= 1e-10, `component ${c} is an eigenvector`);
  }
});

test("PCA: fitTransform equals fit then transform, whitened scores have unit variance", () => {
  const X = fixture.datasets.tall;
  const pca = new PCA({ nComponents: 4, whiten: true, solver: "full" });
  const scores = pca.fitTransform(X).toArray();
  for (let j = 0; j < 4; j++) {
    let sum = 0;
    for (let i = 0; i < X.length; i++) sum += scores[i * 4 + j] ** 2;
    assert.ok(Math.abs(sum / (X.length - 1) - 1) <= 1e-10, `column ${j} variance`);
  }
  const full = new PCA({ solver: "full" }).fit(X);
  const back = full.inverseTransform(full.transform(X)).toArray();
  assert.ok(maxAbsDiff(back, X.flat()) <= 1e-10, "all components reconstruct X");
});

test("PCA: solver choice, determinism and input checks", () => {
  assert.equal(new PCA({ nComponents: 2 }).fit(randomMatrix(400, 8, 1)).solverUsed, "covariance");
  assert.equal(new PCA({ nComponents: 2 }).fit(randomMatrix(60, 600, 1)).solverUsed, "randomized");
  assert.equal(new PCA({ nComponents: 2 }).fit(randomMatrix(50, 20, 1)).solverUsed, "full");
  const X = randomMatrix(120, 30, 4);
  const a = new PCA({ nComponents: 3, solver: "randomized", seed: 3 }).fit(X).components.toArray();
  const b = new PCA({ nComponents: 3, solver: "randomized", seed: 3 }).fit(X).components.toArray();
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.throws(() => new PCA().components, /PCA: components is not available before fit\(X\)/);
  assert.throws(() => new PCA({ nComponents: 31 }).fit(X), /nComponents must be an integer in \[1, 30\]/);
  assert.throws(() => new PCA({ nComponents: 1.5 }).fit(X), /or a fraction in \(0, 1\), got 1.5/);
  assert.throws(() => new PCA({ nComponents: 0.5, solver: "randomized" }).fit(X), /fractional nComponents/);
  assert.throws(() => new PCA({ solver: "arpack" as PCASolver }).fit(X), /solver must be one of/);
  assert.throws(() => new PCA().fit([[1, 2]]), /at least 2 samples/);
  assert.throws(() => new PCA({ nComponents: 2 }).fit(X).transform(randomMatrix(3, 29, 1)), /X has 29 features, but the model was fitted with 30/);
  assert.throws(() => new PCA().fit([[1, 2], [3, Infinity]]), /Infinity at row 1, column 1/);
  const constant = new PCA({ standardize: true, solver: "full" }).fit([[1, 5], [2, 5], [3, 5]]);
  assert.deepEqual(Array.from(constant.scale!.toArray()), [Math.sqrt(2 / 3), 1]);
});

test("PCA: Iris sanity check against scikit-learn (only where the data set is present)", (t) => {
  const path = new URL("../../../../shared/datasets/iris/iris.csv", import.meta.url);
  if (!existsSync(path)) {
    t.skip("no /work/shared/datasets/iris");
    return;
  }
  const rows = readFileSync(path, "utf8").trim().split("\n").slice(1).map((line) => line.split(",").slice(0, 4).map(Number));
  const pca = new PCA({ nComponents: 2 }).fit(rows);
  close(pca.explainedVarianceRatio, fixture.iris.explainedVarianceRatio, 1e-10, "iris ratio");
  close(pca.components, fixture.iris.components, 1e-10, "iris components");
  const std = new PCA({ nComponents: 2, standardize: true }).fit(rows);
  close(std.explainedVarianceRatio, fixture.iris.standardizedExplainedVarianceRatio, 1e-10, "iris standardized ratio");
});
