import type { Tensor } from "../tensor/tensor.js";
import type { TypedArray } from "../tensor/dtype.js";
import { getBackend } from "../backend/index.js";
import { Optimizer } from "./optimizer.js";
import type { ParamGroup, Params } from "./optimizer.js";
import type { ParamState } from "./state-dict.js";
import { checkBoolean, checkNonNegative, checkOptionNames } from "./validate.js";

export interface SGDOptions {
  /** Default 1e-3, as torch.optim.SGD. */
  lr?: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

export type SGDHyperParameters = Required<SGDOptions>;

const OPTIONS = ["lr", "momentum", "dampening", "weightDecay", "nesterov", "maximize"] as const;

/**
 * Stochastic gradient descent with optional momentum, as torch.optim.SGD:
 *   g = grad + weightDecay * p;  b = g on the first step, else momentum * b + (1 - dampening) * g;
 *   p -= lr * (nesterov ? g + momentum * b : b).
 */
export class SGD extends Optimizer<SGDHyperParameters> {
  constructor(params: Params<SGDHyperParameters>, options: SGDOptions = {}) {
    checkOptionNames("SGD", options, OPTIONS);
    super(params, {
      lr: options.lr ?? 1e-3,
      momentum: options.momentum ?? 0,
      dampening: options.dampening ?? 0,
      weightDecay: options.weightDecay ?? 0,
      nesterov: options.nesterov ?? false,
      maximize: options.maximize ?? false,
    });
  }

  protected validate(group: SGDHyperParameters): void {
    checkNonNegative(this.label, "lr", group.lr);
    checkNonNegative(this.label, "momentum", group.momentum);
    checkNonNegative(this.label, "dampening", group.dampening);
    checkNonNegative(this.label, "weightDecay", group.weightDecay);
    checkBoolean(this.label, "nesterov", group.nesterov);
    checkBoolean(this.label, "maximize", group.maximize);
    if (group.nesterov && (group.momentum <= 0 || group.dampening !== 0)) {
      throw new RangeError(`${this.label}: nesterov momentum requires a momentum and zero dampening, got momentum ${group.momentum} and dampening ${group.dampening}`);
    }
  }

  protected update(param: TypedArray, grad: TypedArray, group: ParamGroup<SGDHyperParameters>, state: ParamState, tensor: Tensor): void {
    // torch keeps a momentum buffer only while momentum is non-zero and seeds it with the first
    // gradient (not zeros), hence `firstStep`.
    const firstStep = !("momentum_buffer" in state);
    const buffer = group.momentum !== 0 ? this.buffer(state, "momentum_buffer", tensor) : null;
    getBackend().sgdStep(param, grad, buffer, {
      lr: group.lr,
      momentum: group.momentum,
      dampening: group.dampening,
      nesterov: group.nesterov,
      weightDecay: group.weightDecay,
      maximize: group.maximize,
      firstStep,
    });
  }
}
