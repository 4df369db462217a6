export { Tensor } from "./tensor/tensor.js";
export type { NestedArray } from "./tensor/tensor.js";
export type { DType, TypedArray } from "./tensor/dtype.js";
export {
  tensor, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye, rand, randn, randint, randperm,
  randLike, randnLike, randintLike,
} from "./tensor/creation.js";
export type { TensorOptions, RandomOptions } from "./tensor/creation.js";
export { Generator, manualSeed } from "./random/generator.js";
export { noGrad, enableGrad, isGradEnabled } from "./autograd/grad-mode.js";
export { tidy, keep, dispose, memory, setMemoryPoolLimit, emptyMemoryPool } from "./memory/index.js";
export type { MemoryInfo } from "./memory/index.js";
export * as autograd from "./autograd/index.js";
export { cat, stack, split, chunk } from "./ops/join.js";
export { where } from "./ops/elementwise.js";
export { matmul, mm, bmm } from "./ops/matmul.js";
export { backend, setBackend, getBackend, jsBackend } from "./backend/index.js";
export * as F from "./nn/functional/index.js";
export * as optim from "./optim/index.js";
export * as nn from "./nn/index.js";
export * as io from "./io/index.js";
export * as vision from "./vision/index.js";
export * as linalg from "./linalg/index.js";
export * as decomposition from "./decomposition/index.js";
export * as recommend from "./recommend/index.js";
export * as cluster from "./cluster/index.js";
export * as assoc from "./assoc/index.js";
export * as plot from "./plot/index.js";
export * as data from "./data/index.js";
export * as train from "./train/index.js";
export * as analysis from "./analysis/index.js";
export * as jit from "./jit/index.js";
