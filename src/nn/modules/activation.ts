import type { Tensor } from "../../tensor/tensor.js";
import type { GeluApproximate } from "../functional/index.js";
import * as F from "../functional/index.js";
import { Module } from "./module.js";
import { appliedActivation } from "../functional/activated.js";
import { needsGrad } from "../../autograd/node.js";

/** Element-wise activations as modules (torch.nn.ReLU …), wrapping lt.F. */

export class ReLU extends Module {
  forward(input: Tensor): Tensor {
    // A fused convolution's output is already activated (see functional/activated.ts).
    if (appliedActivation(input) !== undefined && !needsGrad(input)) return input;
    return F.relu(input);
  }
}

export class ReLU6 extends Module {
  forward(input: Tensor): Tensor {
    if (appliedActivation(input) === "relu6" && !needsGrad(input)) return input;
    return F.relu6(input);
  }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }

  forward(input: Tensor): Tensor {
    return F.leakyRelu(input, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negative_slope=${this.negativeSlope}`;
  }
}

export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }

  forward(input: Tensor): Tensor {
    return F.elu(input, this.alpha);
  }

  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

export class GELU extends Module {
  readonly approximate: GeluApproximate;

  constructor(opts: { approximate?: GeluApproximate } = {}) {
    super();
    this.approximate = opts.approximate ?? "none";
  }

  forward(input: Tensor): Tensor {
    return F.gelu(input, this.approximate);
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

export class SiLU extends Module {
  forward(input: Tensor): Tensor {
    return F.silu(input);
  }
}

export class Mish extends Module {
  forward(input: Tensor): Tensor {
    return F.mish(input);
  }
}

export class Sigmoid extends Module {
  forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
}

export class Tanh extends Module {
  forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
}

export class Hardswish extends Module {
  forward(input: Tensor): Tensor {
    return F.hardswish(input);
  }
}

export class Hardsigmoid extends Module {
  forward(input: Tensor): Tensor {
    return F.hardsigmoid(input);
  }
}

export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) {
    super();
  }

  forward(input: Tensor): Tensor {
    return F.softplus(input, this.beta, this.threshold);
  }

  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/** Softmax along `dim` (required: torch's implicit-dim default is deprecated). */
export class Softmax extends Module {
  constructor(readonly dim: number) {
    super();
  }

  forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

export class LogSoftmax extends Module {
  constructor(readonly dim: number) {
    super();
  }

  forward(input: Tensor): Tensor {
    return F.logSoftmax(input, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
