import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Agglomerative, KMeans } from "../../src/cluster/index.js";
import { blobs } from "./helpers.js";

const DRIVER = fileURLToPath(new URL("./cli-driver.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "lantern-cluster-cli-"));
const data = blobs([[0, 0], [6, 0], [0, 6]], 10, 1, 4);
const csv = join(dir, "blobs.csv");

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [DRIVER, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

before(() => writeFileSync(csv, `x,y,kind\n${data.X.map((r, i) => `${r[0]},${r[1]},g${data.y[i]}`).join("\n")}\n`));

describe("lantern kmeans", () => {
  it("--json prints one JSON document with the library's result", () => {
    const r = run("kmeans", csv, "--k", "3", "--label-column", "kind", "--json");
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const km = new KMeans({ nClusters: 3, seed: 0 }).fit(data.X);
    assert.deepEqual(out.labels, Array.from(km.labels));
    assert.equal(out.inertia, km.inertia);
    assert.deepEqual(out.sizes, [10, 10, 10]);
    assert.deepEqual(out.columns, ["x", "y"]);
  });
  it("--elbow reports inertia per k (progress on stderr) and --plot writes the chart", () => {
    const svg = join(dir, "elbow.svg");
    const r = run("kmeans", csv, "--elbow", "1..5", "--plot", svg, "--label-column", "kind", "--json");
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.elbow.curve.map((p: { k: number }) => p.k), [1, 2, 3, 4, 5]);
    assert.equal(out.elbow.elbow, 3);
    assert.match(r.stderr, /k=5 inertia=/);
    assert.match(readFileSync(svg, "utf8"), /^<svg/);
  });
  it("--out writes one cluster per sample next to the label column", () => {
    const out = join(dir, "labels.csv");
    assert.equal(run("kmeans", csv, "--k", "3", "--label-column", "kind", "--out", out).status, 0);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    assert.equal(lines[0], "cluster,kind");
    assert.equal(lines.length, 31);
  });
});

describe("lantern fcm and hclust", () => {
  it("fcm --json: memberships sum to 1", () => {
    const r = run("fcm", csv, "--k", "3", "--m", "1.8", "--label-column", "kind", "--json");
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.membership.length, 30);
    for (const row of out.membership) assert.ok(Math.abs(row.reduce((a: number, b: number) => a + b, 0) - 1) < 1e-12);
    assert.ok(out.fpc > 1 / 3 && out.fpc <= 1);
  });
  it("hclust --json gives the linkage matrix and labels of Agglomerative; --svg draws the cut", () => {
    const svg = join(dir, "tree.svg");
    const r = run("hclust", csv, "--linkage", "average", "--k", "3", "--label-column", "kind", "--svg", svg, "--json");
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const agg = new Agglomerative({ linkage: "average", nClusters: 3 }).fit(data.X);
    assert.deepEqual(out.linkageMatrix, agg.linkageMatrix.tolist());
    assert.deepEqual(out.labels, Array.from(agg.labels));
    const text = readFileSync(svg, "utf8");
    assert.match(text, /stroke-dasharray/);
    assert.match(text, />g0</);
  });
  it("hclust --threshold cuts at a height", () => {
    const out = JSON.parse(run("hclust", csv, "--linkage", "single", "--threshold", "100", "--label-column", "kind", "--json").stdout);
    assert.equal(out.nClusters, 1);
  });
});

describe("bad input exits 2 with a one-line message and writes nothing", () => {
  const cases: [string, string[], RegExp][] = [
    ["missing file", ["kmeans", join(dir, "nope.csv"), "--k", "2"], /nope\.csv: no such file/],
    ["ragged row", ["kmeans", write("ragged.csv", "a,b\n1,2\n3\n"), "--k", "1"], /line 3 has 1 fields, but the header has 2/],
    ["non-numeric cell", ["fcm", write("text.csv", "1,2\n3,x\n"), "--k", "1"], /line 2, column 2: "x" is not a number/],
    ["NaN cell", ["hclust", write("nan.csv", "1,2\nNaN,4\n5,6\n"), "--linkage", "ward", "--k", "2"], /NaN is not a finite number/],
    ["k larger than n", ["kmeans", csv, "--k", "31", "--label-column", "kind", "--out", join(dir, "never.csv")], /--k: .* has 30 samples, so at most 30 clusters, got 31/],
    ["k not an integer", ["fcm", csv, "--k", "2.5", "--label-column", "kind"], /--k: expected an integer >= 1, got "2.5"/],
    ["no cluster count", ["kmeans", csv], /give --k <n> \(the number of clusters\) or --elbow <range>/],
    ["--plot without --elbow", ["kmeans", csv, "--k", "2", "--plot", join(dir, "never.svg")], /--plot: draws the elbow chart, so it needs --elbow/],
    ["bad elbow range", ["kmeans", csv, "--elbow", "5..2", "--label-column", "kind"], /--elbow: expected 1 <= first <= last/],
    ["both cuts", ["hclust", csv, "--linkage", "ward", "--k", "2", "--threshold", "1"], /exactly one of --k <n> or --threshold <t>/],
    ["unknown linkage", ["hclust", csv, "--linkage", "mean", "--k", "2"], /Allowed choices are single, complete/],
    ["fuzzifier <= 1", ["fcm", csv, "--k", "2", "--m", "1", "--label-column", "kind"], /--m: expected a number > 1, got "1"/],
  ];
  for (const [name, args, message] of cases) {
    it(name, () => {
      const r = run(...args);
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, message);
      if (!/Allowed choices/.test(r.stderr)) assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    });
  }
  it("left no output file behind", () => {
    assert.equal(existsSync(join(dir, "never.csv")), false);
    assert.equal(existsSync(join(dir, "never.svg")), false);
  });
  it("--help exits 0", () => {
    for (const command of ["kmeans", "fcm", "hclust"]) assert.equal(run(command, "--help").status, 0);
  });
});
