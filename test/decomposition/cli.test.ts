import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pcaCommand } from "../../src/cli/commands/pca.js";
import { svdCommand } from "../../src/cli/commands/svd.js";
import { isInputError } from "../../src/cli/errors.js";
import { loadFixture } from "../linalg/helpers.js";
import { run } from "./run-command.js";

const dir = mkdtempSync(join(tmpdir(), "lantern-pca-"));
const { datasets } = loadFixture<{ datasets: Record<string, number[][]> }>("pca.json");
const csv = join(dir, "tall.csv");
writeFileSync(csv, ["f1,f2,f3,f4,f5,f6,f7,f8,label", ...datasets.tall.map((r, i) => [...r, i % 3].join(","))].join("\n"));

test("lantern pca --json: one JSON document with the fitted model, and the requested files", async () => {
  const plot = join(dir, "variance.svg");
  const scatter = join(dir, "scatter.svg");
  const out = join(dir, "scores.csv");
  const text = await run(pcaCommand(), [csv, "--components", "3", "--label-column", "label", "--solver", "full", "--plot", plot, "--scatter", scatter, "--out", out, "--json"]);
  const doc = JSON.parse(text);
  assert.equal(doc.samples, 60);
  assert.equal(doc.features, 8);
  assert.equal(doc.nComponents, 3);
  assert.equal(doc.components.length, 3);
  assert.ok(Math.abs(doc.cumulativeRatio[2] - doc.explainedVarianceRatio.reduce((a: number, b: number) => a + b, 0)) < 1e-12);
  assert.match(readFileSync(plot, "utf8"), /<svg/);
  assert.match(readFileSync(scatter, "utf8"), /<circle/);
  const lines = readFileSync(out, "utf8").trim().split("\n");
  assert.equal(lines[0], "PC1,PC2,PC3,label");
  assert.equal(lines.length, 61);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), [], "no temp files left behind");
});

test("lantern pca: a fractional --components, text output and bad input", async () => {
  const text = await run(pcaCommand(), [csv, "--components", "0.9", "--columns", "f1,f2,f3,f4", "--standardize"]);
  assert.match(text, /correlation \(standardized\) PCA/);
  assert.match(text, /PC1/);
  const bad = join(dir, "bad.csv");
  writeFileSync(bad, "a,b\n1,2\n3,oops\n");
  await assert.rejects(run(pcaCommand(), [bad]), (e: unknown) => isInputError(e) && /bad\.csv: line 3, column 2 \("b"\): "oops" is not a number/.test((e as Error).message));
  await assert.rejects(run(pcaCommand(), [join(dir, "missing.csv")]), (e: unknown) => isInputError(e) && /missing\.csv: no such file/.test((e as Error).message));
  await assert.rejects(run(pcaCommand(), [csv, "--components", "10"]), /--components: .* at most 9 components, got 10/);
  await assert.rejects(run(pcaCommand(), [csv, "--components", "-1"]), /--components: expected an integer >= 1 or a fraction in \(0, 1\)/);
  assert.ok(!existsSync(join(dir, "never.svg")));
});

test("lantern svd --json: singular values, energy and the rank-k truncation", async () => {
  const doc = JSON.parse(await run(svdCommand(), [csv, "--label-column", "label", "--rank", "2", "--json"]));
  assert.equal(doc.singularValues.length, 8);
  assert.equal(doc.numericalRank, 8);
  const s: number[] = doc.singularValues;
  const total = s.reduce((a, v) => a + v * v, 0);
  assert.ok(Math.abs(doc.truncation.energy - (s[0] ** 2 + s[1] ** 2) / total) < 1e-12);
  assert.ok(Math.abs(doc.truncation.relativeError - Math.sqrt(1 - doc.truncation.energy)) < 1e-12);
  assert.equal(doc.cumulativeEnergy[7], 1);
  await assert.rejects(run(svdCommand(), [csv, "--rank", "10"]), /--rank: .* at most 9, got 10/);
});
