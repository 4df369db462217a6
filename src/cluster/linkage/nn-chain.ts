import { getBackend } from "../../backend/index.js";
import type { LinkageMethod } from "./methods.js";
import { updateCode } from "./methods.js";
import type { DistanceLayout } from "./layout.js";
import { sortAndLabel } from "./label.js";

/**
 * The nearest-neighbour chain algorithm (Murtagh 1983; Müllner 2011, "NN-chain-linkage") for
 * criteria satisfying the reducibility property: complete, average, weighted and Ward, run by the
 * backend's `nnChainLinkage` kernel (the chain, the scans and the Lance-Williams updates are all of
 * the O(n^2) work). `D` is overwritten; the merges come out sorted and labelled as SciPy's `nn_chain`.
 */
export function nnChain(D: Float64Array, layout: DistanceLayout, method: LinkageMethod): Float64Array {
  const { n, rowPart, colPart } = layout;
  const merges = new Float64Array((n - 1) * 4);
  getBackend().nnChainLinkage(D, n, rowPart, colPart, updateCode(method), merges);
  return sortAndLabel(merges, n);
}
