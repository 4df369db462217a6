import type { Tensor } from "../tensor/tensor.js";
import type { TypedArray } from "../tensor/dtype.js";
import { getBackend } from "../backend/index.js";
import { Optimizer } from "./optimizer.js";
import type { ParamGroup, Params } from "./optimizer.js";
import type { ParamState } from "./state-dict.js";
import { checkBoolean, checkNonNegative, checkOptionNames } from "./validate.js";

export interface RMSpropOptions {
  lr?: number;
  momentum?: number;
  /** Smoothing constant of the squared-gradient average. */
  alpha?: number;
  eps?: number;
  /** Divide by the estimated variance (E[g^2] - E[g]^2) instead of E[g^2]. */
  centered?: boolean;
  weightDecay?: number;
  maximize?: boolean;
}

export type RMSpropHyperParameters = Required<RMSpropOptions>;

const OPTIONS = ["lr", "momentum", "alpha", "eps", "centered", "weightDecay", "maximize"] as const;

/**
 * RMSprop (Hinton, lecture 6e) as torch.optim.RMSprop:
 *   v = alpha v + (1 - alpha) g^2;  d = sqrt(v [- gAvg^2 when centered]) + eps;
 *   b = momentum b + g / d, p -= lr b  (or p -= lr g / d without momentum).
 * Note eps is added outside the square root, unlike Adam's.
 */
export class RMSprop extends Optimizer<RMSpropHyperParameters> {
  constructor(params: Params<RMSpropHyperParameters>, options: RMSpropOptions = {}) {
    checkOptionNames("RMSprop", options, OPTIONS);
    super(params, {
      lr: options.lr ?? 1e-2,
      momentum: options.momentum ?? 0,
      alpha: options.alpha ?? 0.99,
      eps: options.eps ?? 1e-8,
      centered: options.centered ?? false,
      weightDecay: options.weightDecay ?? 0,
      maximize: options.maximize ?? false,
    });
  }

  protected validate(group: RMSpropHyperParameters): void {
    checkNonNegative(this.label, "lr", group.lr);
    checkNonNegative(this.label, "momentum", group.momentum);
    checkNonNegative(this.label, "alpha", group.alpha);
    checkNonNegative(this.label, "eps", group.eps);
    checkNonNegative(this.label, "weightDecay", group.weightDecay);
    checkBoolean(this.label, "centered", group.centered);
    checkBoolean(this.label, "maximize", group.maximize);
  }

  protected update(param: TypedArray, grad: TypedArray, group: ParamGroup<RMSpropHyperParameters>, state: ParamState, tensor: Tensor): void {
    state.step = (typeof state.step === "number" ? state.step : 0) + 1;
    const squareAvg = this.buffer(state, "square_avg", tensor);
    const momentumBuffer = group.momentum > 0 ? this.buffer(state, "momentum_buffer", tensor) : null;
    const gradAvg = group.centered ? this.buffer(state, "grad_avg", tensor) : null;
    getBackend().rmspropStep(param, grad, squareAvg, momentumBuffer, gradAvg, {
      lr: group.lr,
      alpha: group.alpha,
      eps: group.eps,
      momentum: group.momentum,
      centered: group.centered,
      weightDecay: group.weightDecay,
      maximize: group.maximize,
    });
  }
}
