import type { Module, LoadStateDictOptions, LoadStateDictResult } from "../nn/modules/module.js";
import { loadSafetensors, saveSafetensors } from "./safetensors.js";

/**
 * Saves `module.stateDict()` as safetensors, with `format: "pt"` in the metadata as Hugging Face's
 * save_model writes (transformers checks it when loading).
 */
export function saveModel(path: string, module: Module, metadata: Readonly<Record<string, string>> = {}): void {
  saveSafetensors(path, module.stateDict(), { format: "pt", ...metadata });
}

/** Loads a safetensors checkpoint into `module` with loadStateDict (strict unless told otherwise). */
export function loadModel(path: string, module: Module, opts: LoadStateDictOptions = {}): LoadStateDictResult {
  return module.loadStateDict(loadSafetensors(path), opts);
}
