import type { Module } from "../nn/modules/module.js";
import type { Parameter } from "../nn/modules/parameter.js";

/**
 * Transfer learning in three calls: load pretrained weights, freeze what should stay, swap the
 * head for one with the new number of classes, and give the optimizer the trainable parameters:
 *
 *     const model = lt.vision.models.lenet5();
 *     lt.io.loadModel("mnist-lenet5.safetensors", model);
 *     freeze(model, ["features"]);                                      // conv layers keep their weights
 *     replaceModule(model, "classifier.5", new lt.nn.Linear(84, 3));   // a new head, trainable
 *     const optimizer = new lt.optim.Adam(trainableParameters(model), { lr: 1e-3 });
 *
 * Frozen parameters get no gradient (requiresGrad = false), so backward() stops early and the
 * optimizer never sees them. BatchNorm layers inside frozen parts still update their running
 * statistics in training mode, as in PyTorch; call `.eval()` on those submodules to keep them fixed.
 */
export function freeze(model: Module, paths: readonly string[] = [""]): void {
  for (const path of paths) model.getSubmodule(path).requiresGrad_(false);
}

export function unfreeze(model: Module, paths: readonly string[] = [""]): void {
  for (const path of paths) model.getSubmodule(path).requiresGrad_(true);
}

/** Puts `replacement` at the dotted `path` (e.g. "classifier.5" or "fc") and returns the module it replaced. */
export function replaceModule(model: Module, path: string, replacement: Module): Module {
  const cut = path.lastIndexOf(".");
  const parent = model.getSubmodule(cut < 0 ? "" : path.slice(0, cut));
  const name = path.slice(cut + 1);
  const previous = model.getSubmodule(path);
  parent.registerModule(name, replacement);
  return previous;
}

/** The parameters that require grad, for the optimizer of a partly frozen model. */
export function trainableParameters(model: Module): Parameter[] {
  return model.parameters().filter((p) => p.requiresGrad);
}
