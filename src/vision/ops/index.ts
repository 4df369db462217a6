/** lt.vision.ops: the building blocks torchvision.ops shares between its models. */
export { Conv2dNormActivation, SqueezeExcitation, makeDivisible, pythonRound, batchNorm2d } from "./misc.js";
export type { Conv2dNormActivationOptions, NormLayer, ActivationLayer } from "./misc.js";
export { StochasticDepth, stochasticDepth } from "./stochastic-depth.js";
export type { StochasticDepthMode } from "./stochastic-depth.js";
