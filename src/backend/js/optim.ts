import type { AdamParams, Backend } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";

/** Fused optimizer updates with PyTorch's exact formulas (torch/optim/{sgd,adam,rmsprop}.py). */
export const sgdStep: Backend["sgdStep"] = (param, grad, buf, p) => {
  for (let i = 0; i < param.length; i++) {
    let d = p.maximize ? -grad[i] : grad[i];
    if (p.weightDecay !== 0) d += p.weightDecay * param[i];
    if (buf) {
      buf[i] = p.firstStep ? d : p.momentum * buf[i] + (1 - p.dampening) * d;
      d = p.nesterov ? d + p.momentum * buf[i] : buf[i];
    }
    param[i] -= p.lr * d;
  }
};

export function adamStep(
  param: TypedArray, grad: TypedArray, expAvg: TypedArray, expAvgSq: TypedArray, maxExpAvgSq: TypedArray | null, p: AdamParams,
): void {
  const bc1 = 1 - Math.pow(p.beta1, p.step);
  const bc2Sqrt = Math.sqrt(1 - Math.pow(p.beta2, p.step));
  const stepSize = p.lr / bc1;
  const decay = 1 - p.lr * p.decoupledWeightDecay;
  for (let i = 0; i < param.length; i++) {
    let g = p.maximize ? -grad[i] : grad[i];
    if (p.weightDecay !== 0) g += p.weightDecay * param[i];
    if (p.decoupledWeightDecay !== 0) param[i] *= decay;
    expAvg[i] += (g - expAvg[i]) * (1 - p.beta1);
    expAvgSq[i] = expAvgSq[i] * p.beta2 + (1 - p.beta2) * g * g;
    let second = expAvgSq[i];
    if (maxExpAvgSq) {
      maxExpAvgSq[i] = Math.max(maxExpAvgSq[i], second);
      second = maxExpAvgSq[i];
    }
    param[i] -= (stepSize * expAvg[i]) / (Math.sqrt(second) / bc2Sqrt + p.eps);
  }
}

export const rmspropStep: Backend["rmspropStep"] = (param, grad, squareAvg, buf, gradAvg, p) => {
  for (let i = 0; i < param.length; i++) {
    let g = p.maximize ? -grad[i] : grad[i];
    if (p.weightDecay !== 0) g += p.weightDecay * param[i];
    squareAvg[i] = p.alpha * squareAvg[i] + (1 - p.alpha) * g * g;
    let avg: number;
    if (p.centered && gradAvg) {
      gradAvg[i] += (g - gradAvg[i]) * (1 - p.alpha);
      avg = Math.sqrt(squareAvg[i] - gradAvg[i] * gradAvg[i]) + p.eps;
    } else {
      avg = Math.sqrt(squareAvg[i]) + p.eps;
    }
    if (buf && p.momentum > 0) {
      buf[i] = p.momentum * buf[i] + g / avg;
      param[i] -= p.lr * buf[i];
    } else {
      param[i] -= (p.lr * g) / avg;
    }
  }
};
