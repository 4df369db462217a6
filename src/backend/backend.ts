import type { TypedArray } from "../tensor/dtype.js";

/**
 * The compute interface every backend implements. Ops in `src/ops` and `src/nn` never loop over
 * tensor data themselves: they call these kernels, so a native, WebAssembly or GPU backend can
 * replace any kernel without touching the ops. Kernels receive raw storage plus the metadata they
 * need and write into caller-allocated outputs.
 */
export interface StridedView {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export type UnaryOp =
  | "neg" | "abs" | "sign" | "exp" | "expm1" | "log" | "log1p" | "sqrt" | "rsqrt" | "square"
  | "reciprocal" | "sin" | "cos" | "tan" | "asin" | "acos" | "atan" | "sinh" | "cosh" | "tanh"
  | "sigmoid" | "relu" | "relu6" | "gelu" | "geluTanh" | "silu" | "mish" | "hardswish"
  | "hardsigmoid" | "softplus" | "erf" | "floor" | "ceil" | "round" | "trunc" | "logicalNot"
  | "isnan" | "isinf";

/** Unary ops with scalar parameters `a` (and `b`). */
export type ScalarOp = "powScalar" | "leakyRelu" | "elu" | "clamp" | "rsubScalar";

export type BinaryOp =
  | "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum" | "atan2" | "remainder"
  | "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "logicalAnd" | "logicalOr" | "logicalXor"
  /** Activation derivatives: `a` is the upstream gradient, `b` the activation's input. */
  | "reluGrad" | "relu6Grad" | "geluGrad" | "geluTanhGrad" | "siluGrad" | "mishGrad"
  | "hardswishGrad" | "hardsigmoidGrad" | "softplusGrad" | "sigmoidGrad" | "tanhGrad";

export type ReduceOp = "sum" | "prod" | "max" | "min" | "any" | "all";
export type ArgReduceOp = "max" | "min";

/** Geometry of one 2-D convolution, NCHW input and OIHW weight. */
export interface Conv2dGeometry {
  batch: number;
  inChannels: number;
  inHeight: number;
  inWidth: number;
  outChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  outHeight: number;
  outWidth: number;
  strideH: number;
  strideW: number;
  /** Zeros added before the first row/column; the far side is implied by outHeight/outWidth. */
  padTop: number;
  padLeft: number;
  dilationH: number;
  dilationW: number;
  groups: number;
}

/** An activation fused into conv2d's output: ReLU, or ReLU6 (MobileNet's min(max(x, 0), 6)). */
export type ConvActivation = "none" | "relu" | "relu6";

/**
 * Convolution weights a backend has rearranged ahead of time for one geometry (packed for its
 * kernels, as onnxruntime prepacks initialisers); opaque outside the backend that made it.
 */
export type PreparedConv2d = object;

/** What conv2d does besides the convolution, in one pass over its output. */
export interface Conv2dCallOptions {
  /** Applied last (default "none"): out = activation(conv + bias + residual). */
  activation?: ConvActivation;
  /** Added before the activation, the output's shape (a ResNet block's shortcut, in inference). */
  residual?: TypedArray | null;
  /**
   * From this backend's prepareConv2d on the same w, bias and geometry: lets it skip rearranging
   * the weights; one made for anything else is ignored.
   */
  prepared?: PreparedConv2d | null;
}

/**
 * MobileNetV2's inverted residual block in inference, NCHW: a 1x1 expansion to `hidden` channels
 * (when `expand`; otherwise hidden == inChannels), a kernel x kernel depthwise convolution (padding
 * kernel / 2, `stride`), a 1x1 projection, and the block's input added when `residual` (then
 * inChannels == outChannels and stride 1).
 */
export interface InvertedResidualGeometry {
  batch: number;
  inChannels: number;
  hidden: number;
  outChannels: number;
  height: number;
  width: number;
  kernel: number;
  stride: number;
  outHeight: number;
  outWidth: number;
  expandActivation: ConvActivation;
  depthwiseActivation: ConvActivation;
  residual: boolean;
  expand: boolean;
}

/** The block's convolutions (weights OIHW: [hidden, in, 1, 1] or null, [hidden, 1, k, k], [out, hidden, 1, 1]). */
export interface InvertedResidualWeights {
  expandWeight: TypedArray | null;
  expandBias: TypedArray | null;
  depthwiseWeight: TypedArray;
  depthwiseBias: TypedArray | null;
  projectWeight: TypedArray;
  projectBias: TypedArray | null;
}

/** Geometry of a 2-D pooling window over NCHW input (channels folded into `planes`). */
export interface Pool2dGeometry {
  planes: number;
  inHeight: number;
  inWidth: number;
  outHeight: number;
  outWidth: number;
  kernelHeight: number;
  kernelWidth: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  dilationH: number;
  dilationW: number;
}

export interface GemmParams {
  batch: number;
  m: number;
  n: number;
  k: number;
  /** a is stored k x m (read transposed) when true. */
  transA: boolean;
  /** b is stored n x k (read transposed) when true. */
  transB: boolean;
  aOffset: number;
  bOffset: number;
  /** Elements between consecutive batch matrices; 0 broadcasts one matrix over the batch. */
  aBatchStride: number;
  bBatchStride: number;
  /** out = alpha * a @ b + beta * out */
  alpha: number;
  beta: number;
}

/**
 * A float64 matrix product in BLAS storage, the kernel the decompositions in src/linalg run on:
 * C = alpha * op(A) op(B) + beta * C, row-major, element (i, j) of C at c[cOffset + i * ldc + j].
 */
export interface DgemmParams {
  m: number;
  n: number;
  k: number;
  /** op(A) = A^T: A is stored k x m, element (p, i) at a[aOffset + p * lda + i]; else m x k. */
  transA: boolean;
  /** op(B) = B^T: B is stored n x k; else k x n. */
  transB: boolean;
  aOffset: number;
  lda: number;
  bOffset: number;
  ldb: number;
  cOffset: number;
  ldc: number;
  alpha: number;
  beta: number;
  /** C is symmetric (a Gram matrix): only the entries on and above the diagonal need be written. */
  upper: boolean;
}

export interface AdamParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** L2 penalty added to the gradient (Adam) */
  weightDecay: number;
  /** Decoupled decay applied to the weights (AdamW) */
  decoupledWeightDecay: number;
  step: number;
  amsgrad: boolean;
  maximize: boolean;
}

export interface Backend {
  readonly name: string;

  fill(out: TypedArray, value: number): void;
  /** Strided copy with dtype conversion; `src` and `dst` have the same shape. */
  copy(src: StridedView, dst: StridedView): void;
  unary(op: UnaryOp, x: StridedView, out: TypedArray): void;
  scalar(op: ScalarOp, x: StridedView, a: number, b: number, out: TypedArray): void;
  /** `a` and `b` are already broadcast to the output shape (stride 0 on broadcast dims). */
  binary(op: BinaryOp, a: StridedView, b: StridedView, out: TypedArray): void;
  where(cond: StridedView, a: StridedView, b: StridedView, out: TypedArray): void;

  /** Reduces contiguous `x` viewed as [outer, size, inner] over the middle axis. */
  reduce(op: ReduceOp, x: TypedArray, outer: number, size: number, inner: number, out: TypedArray): void;
  argReduce(op: ArgReduceOp, x: TypedArray, outer: number, size: number, inner: number, values: TypedArray, indices: Int32Array): void;
  /** Row-wise (log-)softmax of contiguous `x` viewed as [outer, size, inner] along the middle axis. */
  softmax(x: TypedArray, outer: number, size: number, inner: number, log: boolean, out: TypedArray): void;
  /** Stable sort of each row of [rows, cols]. */
  sort(x: TypedArray, rows: number, cols: number, descending: boolean, values: TypedArray, indices: Int32Array): void;

  gemm(a: TypedArray, b: TypedArray, out: TypedArray, p: GemmParams): void;
  dgemm(a: Float64Array, b: Float64Array, c: Float64Array, p: DgemmParams): void;
  /** Row-major rows x k y (rows >= k) replaced by P L of its partially pivoted LU (randomized SVD's normaliser). */
  luNormalize(y: Float64Array, rows: number, k: number): void;

  /**
   * The k-means assignment step: for each row of x [n, d] the index of the nearest row of centers
   * [k, d] (the first on ties) into `labels`, and, when `minDistances` is given, its squared
   * distance ||x||^2 - 2 x.c + ||c||^2 (clipped at 0), from float64 GEMM blocks.
   */
  nearestCenters(x: Float64Array, n: number, d: number, centers: Float64Array, k: number, labels: Int32Array, minDistances: Float64Array | null): void;
  /**
   * One assignment pass of Elkan's k-means (src/cluster/elkan.ts) over x [n, d] and centers [k, d]:
   * `half` [k, k] is half of every distance between centers, `nextCenter` [k] half the distance to
   * each center's nearest other one, `upper` [n] and `lower` [n, k] the bounds (lower bound of
   * d(x_i, c_j) = max(lower[i*k+j] - drift[j], 0)). Updates labels and bounds in place; with `first`
   * they are computed from scratch (the initial assignment) and `nextCenter`, `drift` are unused.
   */
  elkanAssign(
    x: Float64Array, n: number, d: number, centers: Float64Array, k: number, half: Float64Array, nextCenter: Float64Array,
    drift: Float64Array, labels: Int32Array, upper: Float64Array, lower: Float64Array, first: boolean,
  ): void;
  /**
   * Euclidean distances between the rows of x [n, d], pair i < j into out[rowPart[i] + colPart[j]],
   * each summed feature by feature in order (SciPy's `pdist`, to the last bit).
   */
  pairwiseDistances(x: Float64Array, n: number, d: number, rowPart: Float64Array, colPart: Float64Array, out: Float64Array): void;
  /**
   * Single linkage of the rows of x [n, d] under Euclidean distance as Prim's minimum spanning tree
   * (distances computed as needed, as pairwiseDistances sums them): writes the n - 1 tree edges in
   * joining order, (tree point, joining point, distance, 0), into `merges` [n - 1, 4].
   */
  mstSingleLinkage(x: Float64Array, n: number, d: number, merges: Float64Array): void;
  /**
   * Nearest-neighbour-chain agglomeration of n clusters for a reducible Lance-Williams method
   * (1 complete, 2 average, 3 weighted, 6 Ward) over distances D laid out as in pairwiseDistances
   * (overwritten); writes n - 1 unsorted merges (x < y, distance, 0) into `merges` [n - 1, 4].
   */
  nnChainLinkage(D: Float64Array, n: number, rowPart: Float64Array, colPart: Float64Array, method: number, merges: Float64Array): void;

  /** index_select: out[o, i, j] = x[o, index[i], j] with x viewed as [outer, size, inner]. */
  gather(x: TypedArray, index: Int32Array, outer: number, size: number, inner: number, indexSize: number, out: TypedArray): void;
  /** index_add (the adjoint of gather): out[o, index[i], j] += src[o, i, j]. */
  scatterAdd(src: TypedArray, index: Int32Array, outer: number, size: number, inner: number, indexSize: number, out: TypedArray): void;
  /** torch.gather along the middle axis: out[o, i, j] = x[o, index[o, i, j], j]; index is [outer, indexSize, inner]. */
  gatherAlong(x: TypedArray, index: Int32Array, outer: number, size: number, inner: number, indexSize: number, out: TypedArray): void;
  /** Adjoint of gatherAlong: out[o, index[o, i, j], j] += src[o, i, j]. */
  scatterAddAlong(src: TypedArray, index: Int32Array, outer: number, size: number, inner: number, indexSize: number, out: TypedArray): void;

  /** Overwrites out with the convolution; `opts` adds an epilogue and prepared weights (see Conv2dCallOptions). */
  conv2d(x: TypedArray, w: TypedArray, bias: TypedArray | null, out: TypedArray, g: Conv2dGeometry, opts?: Conv2dCallOptions): void;
  /**
   * Optional: the weights rearranged for repeated conv2d calls on geometry g, or null when this
   * geometry has nothing to prepare. Backends without it (the reference) read the weights as they are.
   */
  prepareConv2d?(w: TypedArray, bias: TypedArray | null, g: Conv2dGeometry): PreparedConv2d | null;
  /**
   * Optional: an inverted residual block's weights packed for invertedResidual, or null when this
   * backend has no fused kernel for that block here (callers then run its three convolutions).
   */
  prepareInvertedResidual?(weights: InvertedResidualWeights, g: InvertedResidualGeometry): PreparedConv2d | null;
  /** Optional: the whole block in one pass, with weights from this backend's prepareInvertedResidual. */
  invertedResidual?(x: TypedArray, prepared: PreparedConv2d, out: TypedArray, g: InvertedResidualGeometry): void;
  /**
   * Optional: how many bytes past a 64-byte (cache line) boundary `data` starts, so that a memory
   * planner can start its buffers on cache lines; backends without it need no alignment.
   */
  cacheLineOffset?(data: TypedArray): number;
  conv2dBackwardInput(gradOut: TypedArray, w: TypedArray, gradIn: TypedArray, g: Conv2dGeometry): void;
  /** Accumulates into gradWeight (callers zero it first). */
  conv2dBackwardWeight(gradOut: TypedArray, x: TypedArray, gradWeight: TypedArray, g: Conv2dGeometry): void;

  /** argmax gets each winner's h*W+w index within its plane; null when no backward pass needs it. */
  maxPool2d(x: TypedArray, out: TypedArray, argmax: Int32Array | null, g: Pool2dGeometry): void;
  maxPool2dBackward(gradOut: TypedArray, argmax: Int32Array, gradIn: TypedArray, g: Pool2dGeometry): void;
  avgPool2d(x: TypedArray, out: TypedArray, g: Pool2dGeometry, countIncludePad: boolean, divisorOverride: number): void;
  avgPool2dBackward(gradOut: TypedArray, gradIn: TypedArray, g: Pool2dGeometry, countIncludePad: boolean, divisorOverride: number): void;
  adaptiveAvgPool2d(x: TypedArray, out: TypedArray, g: Pool2dGeometry): void;
  adaptiveAvgPool2dBackward(gradOut: TypedArray, gradIn: TypedArray, g: Pool2dGeometry): void;

  /**
   * Batch norm with fixed statistics (eval mode) over x viewed as [outer, channels, inner]:
   * out = x * scale + shift with scale = weight / sqrt(var + eps), shift = bias - mean * scale,
   * computed in double per element. weight and bias may be null (1 and 0).
   */
  batchNormInference(
    x: TypedArray, mean: TypedArray, variance: TypedArray, weight: TypedArray | null, bias: TypedArray | null, eps: number,
    outer: number, channels: number, inner: number, out: TypedArray,
  ): void;
  /**
   * Layer norm of `rows` contiguous rows of `size` with the biased variance:
   * out = (x - mean) * rstd * weight + bias, rstd = 1 / sqrt(var + eps); weight and bias may be
   * null. The per-row mean and rstd are written when those arrays are given.
   */
  layerNorm(
    x: TypedArray, weight: TypedArray | null, bias: TypedArray | null, rows: number, size: number, eps: number,
    out: TypedArray, mean: TypedArray | null, rstd: TypedArray | null,
  ): void;

  sgdStep(param: TypedArray, grad: TypedArray, momentumBuffer: TypedArray | null, p: { lr: number; momentum: number; dampening: number; nesterov: boolean; weightDecay: number; maximize: boolean; firstStep: boolean }): void;
  adamStep(param: TypedArray, grad: TypedArray, expAvg: TypedArray, expAvgSq: TypedArray, maxExpAvgSq: TypedArray | null, p: AdamParams): void;
  rmspropStep(param: TypedArray, grad: TypedArray, squareAvg: TypedArray, momentumBuffer: TypedArray | null, gradAvg: TypedArray | null, p: { lr: number; alpha: number; eps: number; momentum: number; centered: boolean; weightDecay: number; maximize: boolean }): void;
}
