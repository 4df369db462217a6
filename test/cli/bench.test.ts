import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeSyntheticMnist } from "../data/synthetic.js";

const MAIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
const BENCH = new URL("../../../bench/", import.meta.url);

function lantern(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

// The suites themselves need bench/node_modules, Python and minutes of CPU; these checks need none of them.
test("bench: --help works without the peers installed; an unknown suite is bad input", () => {
  assert.equal(lantern(["bench", "--help"]).code, 0);
  const unknown = lantern(["bench", "nosuch"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown suite "nosuch" \(expected one of core/);
});

test("bench train --json: the epoch rows with their target, and without MNIST a reason instead of a number", () => {
  const run = lantern(["bench", "train", "--json", "--quick", "--peers", "lantern", "--no-record"], { LANTERN_BENCH_MNIST: join(tmpdir(), "lantern-no-mnist-here") });
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert.equal(doc.suite, "train");
  assert.equal(doc.implemented, undefined);
  const [row] = doc.workloads;
  assert.equal(row.id, "lenet5-epoch");
  assert.equal(row.metric, "s");
  assert.match(row.title, /LeNet-5 MNIST epoch .*step time x 938/);
  assert.deepEqual({ batch: row.params.batch, optimizer: row.params.optimizer, lr: row.params.lr }, { batch: 64, optimizer: "adam", lr: 1e-3 });
  assert.equal(row.target.text, "within 1.3x of PyTorch");
  assert.match(row.results.lantern.error, /^MNIST: train-images-idx3-ubyte.gz, .* not found in .*lantern-no-mnist-here/);
});

test("bench train: Lantern's peer trains through epoch boundaries on a small synthetic MNIST, with and without loader workers", async () => {
  const data = mkdtempSync(join(tmpdir(), "lantern-bench-mnist-"));
  writeSyntheticMnist(data, 20, 10);
  const { lanternTrainPeer } = await import(new URL("peers/lantern-train.mjs", BENCH).href);
  await lanternTrainPeer.start({ threads: 1 });
  for (const workers of [0, 1]) {
    const run = await lanternTrainPeer.setup({ kind: "lenet5-mnist", params: { data, batch: 8, workers, optimizer: "adam", lr: 1e-3, verify: false } });
    // 20 images in batches of 8 make 3 steps an epoch: 7 steps cross two epoch boundaries.
    await run(7);
    await run(2);
    await lanternTrainPeer.release();
  }
  await assert.rejects(lanternTrainPeer.setup({ kind: "lenet5-mnist", params: { data: null, batch: 8, workers: 0, optimizer: "adam", lr: 1e-3 } }), /MNIST not found/);
});

test("bench: a row may show the time of several iterations, in seconds", async () => {
  const { formatValue } = await import(new URL("harness.mjs", BENCH).href);
  assert.equal(formatValue({ metric: "s", iterationsPerValue: 938 }, 0.01), "9.4");
  assert.equal(formatValue({ metric: "ms" }, 0.0125), "12.5");
});

test("bench --only runs the named rows alone and refuses an unknown id", () => {
  const run = lantern(["bench", "core", "--only", "sgemm-256", "--quick", "--peers", "lantern", "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert.deepEqual(doc.workloads.map((w: { id: string }) => w.id), ["sgemm-256"]);
  assert.ok(doc.workloads[0].results.lantern.seconds > 0);
  const unknown = lantern(["bench", "core", "--only", "sgemm-256,nosuch", "--peers", "lantern"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--only: unknown workload "nosuch" \(expected some of sgemm-256, /);
});
