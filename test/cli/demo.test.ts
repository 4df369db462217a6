import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

function lantern(...args: string[]) {
  const run = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8" });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

test("demo --json reproduces the notes' worked examples", () => {
  const { code, stdout } = lantern("demo", "--json", "convolution", "backprop");
  assert.equal(code, 0);
  const result = JSON.parse(stdout);
  // The vertical-edge example: 6x6 (10s | 0s) * [[1,0,-1]]x3 = four rows of [0, 30, 30, 0].
  assert.deepEqual(result.convolution.conv2d, Array(4).fill([0, 30, 30, 0]));
  assert.deepEqual(result.convolution.byHand, result.convolution.conv2d);
  for (const s of result.convolution.sizes) assert.equal(s.conv2d, s.formula);
  assert.deepEqual(result.convolution.same, [6, 6]);
  // The textbook 2-2-2 sigmoid network: E = 0.298371109, dE/dw5 = 0.082167041, w5 -> 0.35891648.
  assert.ok(Math.abs(result.backprop.error - 0.298371109) < 1e-6);
  assert.ok(Math.abs(result.backprop.dEdw5Autograd - 0.082167041) < 1e-6);
  assert.ok(Math.abs(result.backprop.dEdw5ChainRule - result.backprop.dEdw5Autograd) < 1e-6);
  assert.ok(Math.abs(result.backprop.w5AfterStep - 0.35891648) < 1e-6);
  assert.equal(result.backprop.gradcheck, true);
});

test("demo optimizers: the adaptive methods fit the spirals that plain SGD cannot", () => {
  const { code, stdout } = lantern("demo", "--json", "optimizers");
  assert.equal(code, 0);
  const byName = Object.fromEntries(JSON.parse(stdout).optimizers.results.map((r: { name: string }) => [r.name, r]));
  const final = (name: string) => byName[name].losses.at(-1) as number;
  assert.ok(final("Adam lr 0.01") < 0.1 && byName["Adam lr 0.01"].accuracy > 0.95);
  assert.ok(final("RMSprop lr 0.01") < 0.2);
  assert.ok(final("SGD lr 0.1") > final("Adam lr 0.01") * 5);
});

test("bad input exits 2 with one line on stderr; --help exits 0", () => {
  const unknownSection = lantern("demo", "nonsense");
  assert.equal(unknownSection.code, 2);
  assert.match(unknownSection.stderr, /unknown section "nonsense"/);
  assert.equal(unknownSection.stderr.trim().split("\n").length, 1);
  assert.equal(lantern("demo", "--bogus-flag").code, 2);
  assert.equal(lantern("demo", "--help").code, 0);
  assert.equal(lantern("backend").code, 0);
});
