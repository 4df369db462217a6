import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The suite module and its peers, loaded as `lantern bench unsupervised` loads them. The full suite
// takes minutes and Python; these checks run its Lantern side on inputs a few hundred rows large.
const BENCH = new URL("../../../bench/", import.meta.url);
const load = async (path: string) => import(new URL(path, BENCH).href);

interface Workload {
  id: string;
  kind: string;
  title: string;
  params: Record<string, unknown>;
  target?: { peer: string; min: number; text: string };
}

test("bench unsupervised: the suite lists the issue's workloads, each with a target", async () => {
  const suite = (await load("suites/unsupervised.mjs")).default;
  assert.equal(suite.name, "unsupervised");
  assert.equal(suite.notImplemented, undefined);
  assert.deepEqual(suite.peers.map((p: { id: string }) => p.id), ["lantern", "sklearn", "mljs", "node-fpgrowth"]);
  const full: Workload[] = suite.workloads(false);
  const ids = full.map((w) => w.id);
  for (const id of ["kmeans-lloyd", "kmeans-elkan", "linkage-ward-5000", "linkage-single-5000", "linkage-average-5000", "linkage-complete-5000", "pca-full", "pca-randomized", "svd-movielens", "fpgrowth-groceries-10", "fpgrowth-retail-88"]) {
    assert.ok(ids.includes(id), `workload ${id} is listed`);
  }
  assert.equal(new Set(ids).size, ids.length, "workload ids are unique");
  for (const w of full) assert.ok(w.target && w.target.text.length > 0, `${w.id} has a target`);
  const kmeans = full.find((w) => w.id === "kmeans-elkan")!;
  assert.deepEqual([kmeans.params.n, kmeans.params.d, kmeans.params.k], [100000, 32, 16]);
  const quick: Workload[] = suite.workloads(true);
  assert.ok(quick.length > 0 && quick.every((w) => w.kind !== "kmeans" || (w.params.n as number) < 100000), "quick mode shrinks k-means");
  assert.ok(suite.checks.some((c: { min: number }) => c.min === 10), "the JS peers are held to 10x");
});

test("bench unsupervised: the peers' shared inputs are deterministic", async () => {
  const data = await load("unsupervised/data.mjs");
  const a = data.blobs({ n: 50, d: 3, k: 4 });
  const b = data.blobs({ n: 50, d: 3, k: 4 });
  assert.deepEqual(Array.from(a.x.data), Array.from(b.x.data));
  assert.deepEqual([a.init.rows, a.init.cols], [4, 3]);
  const ratings = data.ratingMatrix({ users: 20, items: 30, ratings: 100 });
  assert.equal(ratings.data.length, 600);
  assert.ok(ratings.data.every((v: number) => v >= 1 && v <= 5));
});

test("bench unsupervised: Lantern runs every workload kind on small inputs", async () => {
  const { lanternUnsupervisedPeer: peer } = await load("peers/lantern-unsupervised.mjs");
  const data = await load("unsupervised/data.mjs");
  await peer.start({ threads: 1 });
  const small: Workload[] = [
    { id: "t-kmeans", kind: "kmeans", title: "", params: { n: 300, d: 4, k: 3, algorithm: "elkan", maxIter: 50, tol: 1e-4 } },
    { id: "t-lloyd", kind: "kmeans", title: "", params: { n: 300, d: 4, k: 3, algorithm: "lloyd", maxIter: 50, tol: 1e-4 } },
    ...["ward", "single", "average", "complete"].map((method) => ({ id: `t-${method}`, kind: "linkage", title: "", params: { n: 60, d: 3, method } })),
    ...["full", "randomized", "covariance"].map((solver) => ({ id: `t-${solver}`, kind: "pca", title: "", params: { rows: 80, cols: 6, components: 2, solver } })),
    { id: "t-svd", kind: "svd", title: "", params: { rows: 20, cols: 30, ratings: 100 } },
  ];
  if (data.baskets("groceries") !== null) small.push({ id: "t-fp", kind: "itemsets", title: "", params: { dataset: "groceries", minCount: 99, itemsets: 333 } });
  for (const w of small) {
    const run = await peer.setup(w);
    await run(1);
  }
});

test("bench unsupervised: the JavaScript peers run a small k-means and FP-Growth", async (t) => {
  const peers = await load("peers/mljs.mjs");
  const data = await load("unsupervised/data.mjs");
  if (!existsSync(fileURLToPath(new URL("node_modules/ml-kmeans", BENCH)))) return t.skip("bench/node_modules not installed (npm run bench:setup)");
  await peers.mljsPeer.start({ threads: 1 });
  const run = await peers.mljsPeer.setup({ id: "t-mljs", kind: "kmeans", title: "", params: { n: 200, d: 3, k: 3, maxIter: 20, tol: 1e-4 } });
  await run(1);
  await assert.rejects(peers.mljsPeer.setup({ id: "t-big", kind: "linkage", title: "", params: { n: 5000, d: 16, method: "ward" } }), /O\(n\^3\)/);
  if (data.baskets("groceries") === null) return;
  await peers.fpgrowthPeer.start({ threads: 1 });
  const mine = await peers.fpgrowthPeer.setup({ id: "t-fp", kind: "itemsets", title: "", params: { dataset: "groceries", minCount: 99, itemsets: 333 } });
  await mine(1);
});
