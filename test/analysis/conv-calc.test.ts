import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { convCalc, convCost, convOutputSize } from "../../src/analysis/index.js";
import { assertThrowsWith } from "../helpers/assert.js";
import { runCli } from "./cli.js";

/** The notes' exercises (seeds 001, 003, 004) as tests. */
describe("conv-calc: the notes' exercises", () => {
  test("10x10 input, kernel 5, padding 1, stride 2 gives 4x4", () => {
    assert.equal(convOutputSize(10, 5, 1, 2), 4);
    assert.deepEqual(convCost({ height: 10, width: 10, kernel: 5, padding: 1, stride: 2 }).output, [4, 4, 1]);
  });

  test("ten 3x3x3 filters with bias have (3*3*3 + 1) * 10 = 280 parameters", () => {
    assert.equal(convCost({ height: 6, width: 6, channels: 3, kernel: 3, outChannels: 10, bias: true }).params, 280);
  });

  test("7x7x3 to 5x5x64: 43,200 multiplications and 1,728 parameters, 5,475 and 219 depthwise-separable", () => {
    const r = convCalc({ height: 7, width: 7, channels: 3, kernel: 3, outChannels: 64 }, { separable: true });
    assert.deepEqual([r.output, r.macs, r.params], [[5, 5, 64], 43200, 1728]);
    const s = r.separable!;
    assert.deepEqual([s.depthwise.macs, s.pointwise.macs, s.macs, s.depthwise.params, s.pointwise.params, s.params], [675, 4800, 5475, 27, 192, 219]);
    // Howard et al. 2017, eq. 5 / eq. 2: 1/N + 1/K^2.
    assert.ok(Math.abs(s.macsRatio - (1 / 64 + 1 / 9)) < 1e-12);
  });

  test("Inception's 5x5 branch on 28x28x192 to 32 channels: ~120M multiplications, ~12.4M behind a 16-channel 1x1 bottleneck", () => {
    const direct = convCost({ height: 28, width: 28, channels: 192, kernel: 5, padding: 2, outChannels: 32 });
    assert.deepEqual([direct.output, direct.macs], [[28, 28, 32], 120_422_400]);
    const reduce = convCost({ height: 28, width: 28, channels: 192, kernel: 1, outChannels: 16 });
    const conv = convCost({ height: 28, width: 28, channels: 16, kernel: 5, padding: 2, outChannels: 32 });
    assert.equal(reduce.macs + conv.macs, 12_443_648);
  });

  test("32x32 input, one 3x3 kernel without bias, padding 1, stride 2: 9 parameters, 16x16 output, 2,304 MACs", () => {
    const r = convCost({ height: 32, width: 32, kernel: 3, padding: 1, stride: 2 });
    assert.deepEqual([r.params, r.output, r.macs, r.flops], [9, [16, 16, 1], 2304, 4608]);
  });

  test("c_i = c_o = 100, 5x5 kernels, 64x64 output: about 1 GFLOP (the slides' estimate)", () => {
    const r = convCost({ height: 64, width: 64, channels: 100, kernel: 5, padding: 2, outChannels: 100 });
    assert.equal(r.macs, 1_024_000_000);
  });
});

describe("conv-calc: general layers", () => {
  test("dilation, rectangular kernels, groups", () => {
    assert.equal(convOutputSize(32, 3, 0, 1, 2), 28);
    const r = convCost({ height: 17, width: 17, channels: 128, kernel: [1, 7], padding: [0, 3], outChannels: 192 });
    assert.deepEqual([r.output, r.params], [[17, 17, 192], 7 * 128 * 192]);
    const grouped = convCost({ height: 8, width: 8, channels: 64, kernel: 3, padding: 1, outChannels: 128, groups: 32 });
    assert.deepEqual([grouped.params, grouped.macs], [3 * 3 * 2 * 128, 64 * 128 * 18]);
  });

  test("impossible layers are refused with the reason", () => {
    assertThrowsWith(() => convCost({ height: 3, width: 3, kernel: 5 }), "the dilated kernel (5) is larger than the padded input (3)");
    assertThrowsWith(() => convCost({ height: 8, width: 8, channels: 6, kernel: 3, outChannels: 4, groups: 4 }), "groups (4) must divide");
    assertThrowsWith(() => convCost({ height: 8, width: 8, kernel: 3, stride: 0 }), "stride must be an integer >= 1, got 0");
  });
});

describe("lantern conv-calc", () => {
  test("--json reports size, parameters, MACs and the separable comparison", () => {
    const r = runCli(["conv-calc", "--input", "7x7x3", "--kernel", "3", "--out-channels", "64", "--separable", "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual([doc.output, doc.params, doc.macs, doc.separable.macs, doc.separable.params], [[5, 5, 64], 1728, 43200, 5475, 219]);
  });

  test("--bottleneck adds the 1x1 reduction; the table names every line", () => {
    const r = runCli(["conv-calc", "--input", "28x28x192", "--kernel", "5", "--padding", "2", "--out-channels", "32", "--bottleneck", "16"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /standard\s+28x28x32\s+153,600\s+120,422,400/);
    assert.match(r.stdout, /bottleneck total\s+28x28x32\s+15,872\s+12,443,648/);
  });

  test("bad flags exit 2 with the flag named", () => {
    const r = runCli(["conv-calc", "--input", "10by10", "--kernel", "5"]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--input: expected HxW or HxWxC/);
    const big = runCli(["conv-calc", "--input", "3x3", "--kernel", "5"]);
    assert.equal(big.status, 2);
    assert.match(big.stderr, /larger than the padded input/);
    assert.equal(runCli(["conv-calc", "--input", "3x3"]).status, 2, "--kernel is required");
  });
});
