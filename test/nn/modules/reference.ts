import { readFileSync } from "node:fs";
import * as lt from "../../../src/index.js";
import type { DType, Tensor } from "../../../src/index.js";

/** test/fixtures/modules-reference.json (gen_modules.py, PyTorch 1.13), shared by the module tests. */

export interface StoredTensor {
  shape: number[];
  dtype: DType;
  data: (number | boolean)[];
}

export interface MhaCase {
  config: { embedDim: number; numHeads: number; kdim: number | null; vdim: number | null; bias: boolean; batchFirst: boolean; averageAttnWeights: boolean };
  params: Record<string, StoredTensor>;
  query: StoredTensor;
  key: StoredTensor;
  value: StoredTensor;
  attnMask: StoredTensor | null;
  keyPaddingMask: StoredTensor | null;
  output: StoredTensor;
  weights: StoredTensor;
  gy: StoredTensor;
  grads: Record<string, number[]>;
}

export interface BatchNormStep {
  mode: "train" | "eval";
  input: number[];
  output: number[];
  running_mean?: number[];
  running_var?: number[];
  num_batches_tracked?: number;
}

export interface BatchNormCase {
  module: "BatchNorm1d" | "BatchNorm2d";
  numFeatures: number;
  shape: number[];
  options: { eps: number; momentum: number | null; affine: boolean; trackRunningStats: boolean };
  weight: number[] | null;
  bias: number[] | null;
  steps: BatchNormStep[];
}

export const reference = JSON.parse(readFileSync(new URL("../../../../test/fixtures/modules-reference.json", import.meta.url), "utf8")) as {
  torch: string;
  mha: Record<string, MhaCase>;
  batchnorm: Record<string, BatchNormCase>;
};

export function stored(t: StoredTensor): Tensor {
  return lt.tensor(t.data as number[], { shape: t.shape, dtype: t.dtype });
}

/** float64 results agree with PyTorch's to rounding of a few dozen operations. */
export const FLOAT64 = { rtol: 1e-9, atol: 1e-12 };
