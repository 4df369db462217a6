/** lt.analysis: what a model costs (parameters, MACs, FLOPs, memory) before or without running it for real. */
export { summary, layerMacs } from "./summary.js";
export type { LayerSummary, ModelSummary, SummaryOptions } from "./summary.js";
export { convCalc, convCost, convOutputSize } from "./conv-calc.js";
export type { ConvSpec, ConvCost, ConvCalcResult, SeparableCost } from "./conv-calc.js";
export { shapeOnlyBackend } from "./shape-backend.js";
