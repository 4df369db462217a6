import type { DType, TypedArray } from "./dtype.js";
import { allocate, dtypeOfArray, isDType, isFloating } from "./dtype.js";
import { contiguousStrides, formatShape, isContiguous, normalizeDim, numel } from "./shape.js";
import type { GradFn } from "../autograd/node.js";
import { runBackward } from "../autograd/backward.js";
import { isGradEnabled, noGrad } from "../autograd/grad-mode.js";
import { getBackend } from "../backend/index.js";
import * as ew from "../ops/elementwise.js";
import * as rd from "../ops/reduce.js";
import * as vw from "../ops/views.js";
import * as ix from "../ops/indexing.js";
import * as jn from "../ops/join.js";
import * as mm from "../ops/matmul.js";
import { toNested } from "./format.js";
import { bumpStorageVersion } from "./version.js";
import { releaseStorage, retainStorage } from "../memory/pool.js";
import { scopeActive, trackTensor } from "../memory/scope.js";

type Operand = Tensor | number | boolean;
type Dims = number | readonly number[];
export type NestedArray = number | boolean | NestedArray[];

/**
 * An n-dimensional array over a typed-array storage. Views (reshape, transpose, slice, expand…)
 * share storage and differ only in shape, strides and offset. Tensors that require grad record the
 * ops applied to them. The garbage collector frees storage; dispose() and lt.tidy are optional and
 * hand it back for reuse sooner.
 */
export class Tensor {
  #data: TypedArray | null;
  readonly shape: number[];
  readonly strides: number[];
  readonly offset: number;
  readonly dtype: DType;
  /** Gradient accumulated by backward() (leaves, and non-leaves after retainGrad()). */
  grad: Tensor | null = null;
  /** Whether backward() stores this non-leaf's gradient in `.grad`. */
  retainsGrad = false;
  private requires = false;
  private fn: GradFn | null = null;

  constructor(data: TypedArray, shape: readonly number[], strides?: readonly number[], offset = 0) {
    this.#data = data;
    retainStorage(data);
    // Parameters (subclasses) outlive any scope; graph-recorded tensors may sit in backward closures.
    if (scopeActive() && new.target === Tensor && !isGradEnabled()) trackTensor(this);
    this.shape = [...shape];
    this.strides = strides ? [...strides] : contiguousStrides(shape);
    this.offset = offset;
    this.dtype = dtypeOfArray(data);
  }

  /** The storage (shared with views); throws once the tensor is disposed. */
  get data(): TypedArray {
    if (this.#data === null) throw new Error(`tensor of shape ${formatShape(this.shape)} was disposed; its storage may already hold another tensor`);
    return this.#data;
  }

  get isDisposed(): boolean {
    return this.#data === null;
  }

  /**
   * Lets go of the storage now: once no undisposed view shares it, the next tensor of the same
   * dtype and size reuses it. Any later use of this tensor throws. Do not dispose a tensor that a
   * pending backward() still needs.
   */
  dispose(): void {
    if (this.#data === null) return;
    releaseStorage(this.#data);
    this.#data = null;
  }

  static empty(shape: readonly number[], dtype: DType = "float32"): Tensor {
    return new Tensor(allocate(dtype, numel(shape)), shape);
  }

  static zeros(shape: readonly number[], dtype: DType = "float32"): Tensor {
    return Tensor.empty(shape, dtype);
  }

  static scalar(value: number, dtype: DType = "float32"): Tensor {
    const t = Tensor.empty([], dtype);
    t.data[0] = value;
    return t;
  }

  /** Wraps a typed array (no copy) as a contiguous tensor. */
  static fromTypedArray(data: TypedArray, shape: readonly number[] = [data.length]): Tensor {
    if (numel(shape) !== data.length) {
      throw new RangeError(`tensor: shape ${formatShape(shape)} needs ${numel(shape)} elements, got ${data.length}`);
    }
    return new Tensor(data, shape);
  }

  // ---- metadata ----
  get ndim(): number {
    return this.shape.length;
  }
  get numel(): number {
    return numel(this.shape);
  }
  dim(): number {
    return this.shape.length;
  }
  size(dim?: number): number | number[] {
    return dim === undefined ? [...this.shape] : this.shape[normalizeDim(dim, this.ndim, "size")];
  }
  isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }
  get isLeaf(): boolean {
    return this.fn === null;
  }

  // ---- autograd ----
  get requiresGrad(): boolean {
    return this.requires;
  }
  set requiresGrad(value: boolean) {
    if (this.fn !== null && !value) {
      throw new Error("requiresGrad: can only be changed on leaf tensors; use detach() for a non-leaf");
    }
    if (value && !isFloating(this.dtype)) {
      throw new TypeError(`requiresGrad: only floating-point tensors can require gradients, got ${this.dtype}`);
    }
    this.requires = value;
  }
  requiresGrad_(value = true): this {
    this.requiresGrad = value;
    return this;
  }
  get gradFn(): GradFn | null {
    return this.fn;
  }
  /** Used by the autograd recorder: makes this tensor a non-leaf produced by `fn`. */
  setGradFn(fn: GradFn): void {
    this.fn = fn;
    this.requires = true;
  }
  retainGrad(): this {
    if (!this.requires) throw new Error("retainGrad: tensor does not require grad");
    this.retainsGrad = true;
    return this;
  }
  /** Back-propagates from this tensor; non-scalars need an explicit gradient of their shape. */
  backward(gradient?: Tensor | number): void {
    if (gradient === undefined && this.numel !== 1) {
      throw new Error(`backward: grad can be implicitly created only for scalar outputs, got shape ${formatShape(this.shape)}`);
    }
    const g = gradient instanceof Tensor ? gradient : Tensor.empty(this.shape, this.dtype).fill_(gradient ?? 1);
    runBackward(this, g);
  }
  /** A tensor sharing storage but cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, this.strides, this.offset);
  }

  // ---- data access ----
  /** Contiguous storage of exactly `numel` elements: zero-copy when the layout allows. */
  denseData(): TypedArray {
    const c = this.isContiguous() ? this : vw.contiguous(this.detach());
    return c.offset === 0 && c.data.length === c.numel ? c.data : c.data.subarray(c.offset, c.offset + c.numel);
  }
  /** A flat, contiguous copy of the elements (row-major). */
  toArray(): TypedArray {
    const d = this.denseData();
    return d.buffer === this.data.buffer ? d.slice() : d;
  }
  tolist(): NestedArray {
    return toNested(this.toArray(), this.shape, this.dtype === "bool");
  }
  item(): number {
    if (this.numel !== 1) throw new RangeError(`item: tensor with ${this.numel} elements cannot be converted to a scalar`);
    return this.data[this.offset];
  }
  toString(): string {
    return `tensor(${JSON.stringify(this.tolist())}, shape=${formatShape(this.shape)}, dtype=${this.dtype})`;
  }

  // ---- dtype ----
  /** Converts to `dtype`; returns `this` when nothing changes unless `copy` is asked. */
  to(dtype: DType, opts: { copy?: boolean } = {}): Tensor {
    if (dtype === this.dtype && !opts.copy) return this;
    if (!isDType(dtype)) throw new TypeError(`to: unknown dtype "${String(dtype)}" (expected float32, float64, int32 or bool)`);
    const out = Tensor.empty(this.shape, dtype);
    getBackend().copy(this, out);
    if (!isFloating(dtype) || !this.requires || !isGradEnabled()) return out;
    out.setGradFn({ name: "to", inputs: [this], backward: (g) => [g.to(this.dtype)] });
    return out;
  }
  float(): Tensor { return this.to("float32"); }
  double(): Tensor { return this.to("float64"); }
  int(): Tensor { return this.to("int32"); }
  bool(): Tensor { return this.to("bool"); }
  clone(): Tensor { return this.to(this.dtype, { copy: true }); }

  // ---- in-place (no autograd; for optimizers, initialisers and buffers) ----
  private checkInPlace(op: string): void {
    if (isGradEnabled() && this.requires && this.fn === null) {
      throw new Error(`${op}: a leaf tensor that requires grad cannot be modified in place outside lt.noGrad`);
    }
  }
  fill_(value: number): this {
    this.checkInPlace("fill_");
    if (this.isContiguous() && this.offset === 0 && this.data.length === this.numel) getBackend().fill(this.data, value);
    else getBackend().copy(Tensor.scalar(value, this.dtype).expand(this.shape), this);
    bumpStorageVersion(this.data);
    return this;
  }
  zero_(): this {
    return this.fill_(0);
  }
  /** Copies `src` (broadcast to this shape, converted to this dtype) into this tensor's storage. */
  copy_(src: Tensor): this {
    return this.assign("copy_", src);
  }
  add_(other: Operand, alpha = 1): this {
    return this.assign("add_", () => this.add(typeof other === "number" ? other * alpha : alpha === 1 ? other : (other as Tensor).mul(alpha)));
  }
  sub_(other: Operand): this {
    return this.assign("sub_", () => this.sub(other));
  }
  mul_(other: Operand): this {
    return this.assign("mul_", () => this.mul(other));
  }
  clamp_(min: number, max: number): this {
    return this.assign("clamp_", () => this.clamp(min, max));
  }
  /** Writes `value` (computed only once `op` is known to be allowed, and never recorded) into this storage. */
  private assign(op: string, value: Tensor | (() => Tensor)): this {
    this.checkInPlace(op);
    const src = value instanceof Tensor ? value : noGrad(value);
    getBackend().copy(src.detach().expand(this.shape), this);
    bumpStorageVersion(this.data);
    return this;
  }

  // ---- element-wise ----
  add(other: Operand, alpha = 1): Tensor {
    return ew.binary("add", this, alpha === 1 || typeof other !== "object" ? (typeof other === "number" ? other * alpha : other) : other.mul(alpha));
  }
  sub(other: Operand): Tensor { return ew.binary("sub", this, other); }
  rsub(other: Operand): Tensor { return ew.binary("sub", other, this); }
  mul(other: Operand): Tensor { return ew.binary("mul", this, other); }
  div(other: Operand): Tensor { return ew.binary("div", this, other); }
  pow(exponent: Operand): Tensor {
    return typeof exponent === "number" ? ew.scalarOp("powScalar", this, exponent) : ew.binary("pow", this, exponent);
  }
  maximum(other: Operand): Tensor { return ew.binary("maximum", this, other); }
  minimum(other: Operand): Tensor { return ew.binary("minimum", this, other); }
  atan2(other: Operand): Tensor { return ew.binary("atan2", this, other); }
  remainder(other: Operand): Tensor { return ew.binary("remainder", this, other); }
  eq(other: Operand): Tensor { return ew.binary("eq", this, other); }
  ne(other: Operand): Tensor { return ew.binary("ne", this, other); }
  lt(other: Operand): Tensor { return ew.binary("lt", this, other); }
  le(other: Operand): Tensor { return ew.binary("le", this, other); }
  gt(other: Operand): Tensor { return ew.binary("gt", this, other); }
  ge(other: Operand): Tensor { return ew.binary("ge", this, other); }
  logicalAnd(other: Operand): Tensor { return ew.binary("logicalAnd", this, other); }
  logicalOr(other: Operand): Tensor { return ew.binary("logicalOr", this, other); }
  logicalXor(other: Operand): Tensor { return ew.binary("logicalXor", this, other); }
  logicalNot(): Tensor { return ew.unary("logicalNot", this); }
  /** torch.Tensor.where: this where `condition`, else `other`. */
  where(condition: Tensor, other: Operand): Tensor { return ew.where(condition, this, other); }
  maskedFill(mask: Tensor, value: number): Tensor { return ew.where(mask, value, this); }
  clamp(min = -Infinity, max = Infinity): Tensor { return ew.scalarOp("clamp", this, min, max); }

  neg(): Tensor { return ew.unary("neg", this); }
  abs(): Tensor { return ew.unary("abs", this); }
  sign(): Tensor { return ew.unary("sign", this); }
  exp(): Tensor { return ew.unary("exp", this); }
  expm1(): Tensor { return ew.unary("expm1", this); }
  log(): Tensor { return ew.unary("log", this); }
  log1p(): Tensor { return ew.unary("log1p", this); }
  sqrt(): Tensor { return ew.unary("sqrt", this); }
  rsqrt(): Tensor { return ew.unary("rsqrt", this); }
  square(): Tensor { return ew.unary("square", this); }
  reciprocal(): Tensor { return ew.unary("reciprocal", this); }
  sin(): Tensor { return ew.unary("sin", this); }
  cos(): Tensor { return ew.unary("cos", this); }
  tan(): Tensor { return ew.unary("tan", this); }
  asin(): Tensor { return ew.unary("asin", this); }
  acos(): Tensor { return ew.unary("acos", this); }
  atan(): Tensor { return ew.unary("atan", this); }
  sinh(): Tensor { return ew.unary("sinh", this); }
  cosh(): Tensor { return ew.unary("cosh", this); }
  tanh(): Tensor { return ew.unary("tanh", this); }
  sigmoid(): Tensor { return ew.unary("sigmoid", this); }
  relu(): Tensor { return ew.unary("relu", this); }
  erf(): Tensor { return ew.unary("erf", this); }
  floor(): Tensor { return ew.unary("floor", this); }
  ceil(): Tensor { return ew.unary("ceil", this); }
  round(): Tensor { return ew.unary("round", this); }
  trunc(): Tensor { return ew.unary("trunc", this); }
  isnan(): Tensor { return ew.unary("isnan", this); }
  isinf(): Tensor { return ew.unary("isinf", this); }

  // ---- reductions ----
  sum(dim?: Dims, keepdim = false): Tensor { return rd.sum(this, dim, keepdim); }
  mean(dim?: Dims, keepdim = false): Tensor { return rd.mean(this, dim, keepdim); }
  prod(dim?: Dims, keepdim = false): Tensor { return rd.prod(this, dim, keepdim); }
  amax(dim?: Dims, keepdim = false): Tensor { return rd.amax(this, dim, keepdim, "max"); }
  amin(dim?: Dims, keepdim = false): Tensor { return rd.amax(this, dim, keepdim, "min"); }
  /** max() over everything, or {values, indices} along `dim` (torch.max semantics). */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): rd.ValuesIndices;
  max(dim?: number, keepdim = false): Tensor | rd.ValuesIndices {
    return dim === undefined ? rd.amax(this, undefined, false, "max") : rd.argReduceDim("max", this, dim, keepdim);
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): rd.ValuesIndices;
  min(dim?: number, keepdim = false): Tensor | rd.ValuesIndices {
    return dim === undefined ? rd.amax(this, undefined, false, "min") : rd.argReduceDim("min", this, dim, keepdim);
  }
  argmax(dim?: number, keepdim = false): Tensor { return rd.argmax(this, dim, keepdim, "max"); }
  argmin(dim?: number, keepdim = false): Tensor { return rd.argmax(this, dim, keepdim, "min"); }
  var(dim?: Dims, opts: { correction?: number; keepdim?: boolean } = {}): Tensor { return rd.variance(this, dim, opts); }
  std(dim?: Dims, opts: { correction?: number; keepdim?: boolean } = {}): Tensor { return rd.variance(this, dim, opts).sqrt(); }
  logsumexp(dim: Dims, keepdim = false): Tensor { return rd.logsumexp(this, dim, keepdim); }
  any(dim?: Dims, keepdim = false): Tensor { return rd.anyAll("any", this, dim, keepdim); }
  all(dim?: Dims, keepdim = false): Tensor { return rd.anyAll("all", this, dim, keepdim); }
  softmax(dim: number): Tensor { return rd.softmaxOp(this, dim, false); }
  logSoftmax(dim: number): Tensor { return rd.softmaxOp(this, dim, true); }

  // ---- linear algebra ----
  matmul(other: Tensor): Tensor { return mm.matmul(this, other); }
  mm(other: Tensor): Tensor { return mm.mm(this, other); }
  bmm(other: Tensor): Tensor { return mm.bmm(this, other); }

  // ---- views and shape ----
  reshape(shape: readonly number[]): Tensor { return vw.reshape(this, shape); }
  view(shape: readonly number[]): Tensor { return vw.view(this, shape); }
  transpose(dim0: number, dim1: number): Tensor { return vw.transpose(this, dim0, dim1); }
  permute(dims: readonly number[]): Tensor { return vw.permute(this, dims); }
  squeeze(dim?: Dims): Tensor { return vw.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return vw.unsqueeze(this, dim); }
  expand(shape: readonly number[]): Tensor { return vw.expand(this, shape); }
  expandAs(other: Tensor): Tensor { return vw.expand(this, other.shape); }
  slice(dim: number, start?: number, end?: number, step?: number): Tensor { return vw.slice(this, dim, start, end, step); }
  narrow(dim: number, start: number, length: number): Tensor { return vw.slice(this, dim, start, start + length); }
  select(dim: number, index: number): Tensor { return vw.select(this, dim, index); }
  flatten(startDim = 0, endDim = -1): Tensor { return vw.flatten(this, startDim, endDim); }
  contiguous(): Tensor { return vw.contiguous(this); }
  /** The transpose of a 2-D tensor (reverses dims in general, as torch's .T). */
  get T(): Tensor { return vw.permute(this, this.shape.map((_, i) => this.ndim - 1 - i)); }
  /** Transpose of the last two dims (torch's .mT). */
  get mT(): Tensor { return vw.transpose(this, -2, -1); }

  // ---- indexing ----
  gather(dim: number, index: Tensor): Tensor { return ix.gather(this, dim, index); }
  indexSelect(dim: number, index: Tensor): Tensor { return ix.indexSelect(this, dim, index); }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return ix.scatterAdd(this, dim, index, src); }
  indexAdd(dim: number, index: Tensor, src: Tensor): Tensor { return ix.indexAdd(this, dim, index, src); }
  sort(dim = -1, descending = false): rd.ValuesIndices { return ix.sort(this, dim, descending); }
  argsort(dim = -1, descending = false): Tensor { return ix.sort(this.detach(), dim, descending).indices; }
  topk(k: number, dim = -1, largest = true): rd.ValuesIndices { return ix.topk(this, k, dim, largest); }
  split(sizeOrSections: number | readonly number[], dim = 0): Tensor[] { return jn.split(this, sizeOrSections, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return jn.chunk(this, chunks, dim); }
}
