import type { Tensor } from "../tensor/tensor.js";
import type { TypedArray } from "../tensor/dtype.js";
import { getBackend } from "../backend/index.js";
import { Optimizer } from "./optimizer.js";
import type { ParamGroup, Params } from "./optimizer.js";
import type { ParamState } from "./state-dict.js";
import { checkBoolean, checkInRange, checkNonNegative, checkOptionNames, describe } from "./validate.js";

export interface AdamOptions {
  lr?: number;
  /** Decay rates of the first and second moment estimates, each in [0, 1). */
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
  /** Keep the running maximum of the second moment (Reddi et al., 2018). */
  amsgrad?: boolean;
  maximize?: boolean;
  /** Decay the weights directly instead of adding an L2 term to the gradient (AdamW). */
  decoupledWeightDecay?: boolean;
}

export type AdamWOptions = Omit<AdamOptions, "decoupledWeightDecay">;

export interface AdamHyperParameters {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  decoupledWeightDecay: boolean;
}

const OPTIONS = ["lr", "betas", "eps", "weightDecay", "amsgrad", "maximize", "decoupledWeightDecay"] as const;

/**
 * Adam (Kingma & Ba, 2015) as torch.optim.Adam: with t the parameter's step count,
 *   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;
 *   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps).
 * `weightDecay` adds weightDecay * p to g, unless `decoupledWeightDecay`, where p *= 1 - lr * weightDecay.
 */
export class Adam extends Optimizer<AdamHyperParameters> {
  constructor(params: Params<AdamHyperParameters>, options: AdamOptions = {}) {
    checkOptionNames(new.target.name, options, OPTIONS);
    super(params, {
      lr: options.lr ?? 1e-3,
      betas: options.betas ?? [0.9, 0.999],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      amsgrad: options.amsgrad ?? false,
      maximize: options.maximize ?? false,
      decoupledWeightDecay: options.decoupledWeightDecay ?? false,
    });
  }

  protected validate(group: AdamHyperParameters): void {
    checkNonNegative(this.label, "lr", group.lr);
    checkNonNegative(this.label, "eps", group.eps);
    if (!Array.isArray(group.betas) || group.betas.length !== 2) {
      throw new TypeError(`${this.label}: betas must be a pair [beta1, beta2], got ${describe(group.betas)}`);
    }
    checkInRange(this.label, "betas[0]", group.betas[0], 0, 1);
    checkInRange(this.label, "betas[1]", group.betas[1], 0, 1);
    checkNonNegative(this.label, "weightDecay", group.weightDecay);
    checkBoolean(this.label, "amsgrad", group.amsgrad);
    checkBoolean(this.label, "maximize", group.maximize);
    checkBoolean(this.label, "decoupledWeightDecay", group.decoupledWeightDecay);
  }

  protected update(param: TypedArray, grad: TypedArray, group: ParamGroup<AdamHyperParameters>, state: ParamState, tensor: Tensor): void {
    // torch increments the step before using it, so the first update has t = 1.
    const step = (typeof state.step === "number" ? state.step : 0) + 1;
    state.step = step;
    const expAvg = this.buffer(state, "exp_avg", tensor);
    const expAvgSq = this.buffer(state, "exp_avg_sq", tensor);
    const maxExpAvgSq = group.amsgrad ? this.buffer(state, "max_exp_avg_sq", tensor) : null;
    const decoupled = group.decoupledWeightDecay;
    getBackend().adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq, {
      lr: group.lr,
      beta1: group.betas[0],
      beta2: group.betas[1],
      eps: group.eps,
      weightDecay: decoupled ? 0 : group.weightDecay,
      decoupledWeightDecay: decoupled ? group.weightDecay : 0,
      step,
      amsgrad: group.amsgrad,
      maximize: group.maximize,
    });
  }
}

/**
 * AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay, default 1e-2, as
 * torch.optim.AdamW.
 */
export class AdamW extends Adam {
  constructor(params: Params<AdamHyperParameters>, options: AdamWOptions = {}) {
    super(params, { ...options, weightDecay: options.weightDecay ?? 1e-2, decoupledWeightDecay: true });
  }
}
