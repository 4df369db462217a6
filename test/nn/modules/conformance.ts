import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../../src/index.js";
import type { Tensor } from "../../../src/index.js";
import type { Module } from "../../../src/nn/index.js";
import { assertClose } from "../../helpers/assert.js";

/**
 * The check every nn layer passes (Lantern's check_estimator for modules): output shape, PyTorch's
 * parameter and buffer names and shapes, gradcheck through the layer in float64 (inputs and every
 * parameter), a state-dict round trip into a fresh instance, and train/eval behaviour.
 */

export type TrainEval =
  /** Same output in both modes. */
  | "deterministic"
  /** Training zeroes elements and rescales the rest by 1/(1-p); eval is the identity. */
  | { dropout: number }
  /** Training normalises with batch statistics and updates the running ones; eval uses them. */
  | "batchnorm";

export interface LayerSpec {
  name: string;
  /** Builds the layer; called several times (with different seeds). */
  make: () => Module;
  /** Fresh float32 (or int32) inputs. */
  inputs: () => Tensor[];
  outputShape: number[];
  /** PyTorch's named_parameters(): name and shape, in order. */
  params: [string, number[]][];
  /** PyTorch's named_buffers(), in order. */
  buffers?: [string, number[]][];
  /** PyTorch's sum(p.numel() for p in parameters()). */
  numParams: number;
  trainEval: TrainEval;
  /** The tensor to check when forward does not return one (MultiheadAttention returns [output, weights]). */
  output?: (m: Module, inputs: Tensor[]) => Tensor;
  /** Runs before every forward in gradcheck (reseeds a dropout generator so the mask is fixed). */
  beforeForward?: () => void;
}

function run(spec: LayerSpec, m: Module, inputs: Tensor[]): Tensor {
  spec.beforeForward?.();
  return spec.output ? spec.output(m, inputs) : (m.call(...inputs) as Tensor);
}

/** Temporarily puts `tensors` in place of the module's parameters (by dotted name); returns the undo. */
function substituteParameters(module: Module, named: [string, Tensor][]): () => void {
  const undo: (() => void)[] = [];
  for (const [name, t] of named) {
    const dot = name.lastIndexOf(".");
    const owner = (dot < 0 ? module : module.getSubmodule(name.slice(0, dot))) as unknown as Record<string, unknown>;
    const field = name.slice(dot + 1);
    const original = owner[field];
    owner[field] = t;
    undo.push(() => void (owner[field] = original));
  }
  return () => undo.reverse().forEach((f) => f());
}

/** Random values in every floating parameter and buffer (running_var kept positive), so a round trip has something to carry. */
function randomizeState(m: Module): void {
  lt.noGrad(() => {
    for (const [name, t] of Object.entries(m.stateDict())) {
      if (t.dtype === "int32") t.fill_(3);
      else if (name.endsWith("running_var")) t.copy_(lt.rand(t.shape).add(0.5));
      else if (t.dtype !== "bool") t.copy_(lt.randn(t.shape));
    }
  });
}

function gradcheckLayer(spec: LayerSpec, mode: "train" | "eval"): void {
  const m = spec.make().double();
  m.train(mode === "train");
  const inputs = spec.inputs();
  const params = m.namedParameters();
  const ok = lt.autograd.gradcheck((...args: Tensor[]) => {
    const restore = substituteParameters(m, params.map(([name], i) => [name, args[inputs.length + i]]));
    try {
      return run(spec, m, args.slice(0, inputs.length));
    } finally {
      restore();
    }
  }, [...inputs, ...params.map(([, p]) => p)], { atol: 1e-6, rtol: 1e-4 });
  assert.ok(ok);
}

function checkTrainEval(spec: LayerSpec): void {
  const m = spec.make();
  const inputs = spec.inputs();
  const behaviour = spec.trainEval;
  if (behaviour === "deterministic") {
    assertClose(run(spec, m.train(), inputs), run(spec, m.eval(), inputs), { rtol: 0, atol: 0, message: "train vs eval" });
  } else if (behaviour === "batchnorm") {
    const x = inputs[0];
    const stats = () => m.namedBuffers().map(([, b]) => [...b.toArray()]);
    const initial = stats();
    const trained = run(spec, m.train(), inputs);
    const perChannelMean = trained.transpose(0, 1).reshape([trained.shape[1], -1]).mean(1);
    assertClose(perChannelMean, lt.zeros([trained.shape[1]]), { atol: 1e-5, message: "training output is batch-normalised" });
    const updated = stats();
    assert.notDeepEqual(updated, initial, "training updates the running statistics");
    assert.deepEqual(updated[2], [1], "num_batches_tracked counts the batch");
    const evaluated = run(spec, m.eval(), [x]);
    assert.deepEqual(stats(), updated, "eval leaves the running statistics alone");
    const [mean, variance] = m.buffers();
    const view = [1, -1, ...x.shape.slice(2).map(() => 1)];
    assertClose(evaluated, x.sub(mean.reshape(view)).div(variance.add(1e-5).sqrt().reshape(view)), { atol: 1e-5, message: "eval uses running stats" });
  } else {
    const x = inputs[0];
    const y = run(spec, m.train(), inputs).toArray();
    const xs = x.toArray();
    const kept = y.filter((v) => v !== 0).length;
    assert.ok(kept > 0 && kept < y.length, `training keeps some elements and drops others (kept ${kept} of ${y.length})`);
    y.forEach((v, i) => v === 0 || assert.ok(Math.abs(v - xs[i] / (1 - behaviour.dropout)) < 1e-5, "kept elements are scaled by 1/(1-p)"));
    assertClose(run(spec, m.eval(), inputs), x, { rtol: 0, atol: 0, message: "eval is the identity" });
  }
}

/** Registers the conformance tests of one layer. */
export function conformance(spec: LayerSpec): void {
  describe(spec.name, () => {
    test("output shape", () => {
      lt.manualSeed(1);
      assert.deepEqual(run(spec, spec.make(), spec.inputs()).shape, spec.outputShape);
    });

    test("parameter and buffer names, shapes and count equal PyTorch's", () => {
      const m = spec.make();
      assert.deepEqual(m.namedParameters().map(([n, p]) => [n, p.shape]), spec.params);
      assert.deepEqual(m.namedBuffers().map(([n, b]) => [n, b.shape]), spec.buffers ?? []);
      assert.equal(m.numParameters(), spec.numParams);
      assert.deepEqual(Object.keys(m.stateDict()), [...spec.params, ...(spec.buffers ?? [])].map(([n]) => n));
      for (const p of m.parameters()) assert.ok(p.requiresGrad && p.isLeaf && p.dtype === "float32");
    });

    test("gradcheck in float64 (train and eval mode)", () => {
      lt.manualSeed(2);
      gradcheckLayer(spec, "train");
      gradcheckLayer(spec, "eval");
    });

    test("state dict round trip reproduces the output", () => {
      lt.manualSeed(3);
      const source = spec.make();
      randomizeState(source);
      lt.manualSeed(4);
      const target = spec.make();
      target.loadStateDict(source.stateDict());
      const inputs = spec.inputs();
      assertClose(run(spec, target.eval(), inputs), run(spec, source.eval(), inputs), { rtol: 0, atol: 0 });
    });

    test("train/eval behaviour", () => {
      lt.manualSeed(5);
      checkTrainEval(spec);
    });
  });
}
