import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { Generator } from "../random/generator.js";
import { datasetFromSpec } from "./dataset.js";
import type { DatasetSpec } from "./dataset.js";
import { defaultCollate, encodeBatch } from "./collate.js";
// Imported for their registrations of dataset kinds.
import "./tensor-dataset.js";
import "./image-folder.js";

/**
 * A DataLoader worker: rebuilds the dataset from its spec, then answers each {id, indices, seed}
 * with the batch the main thread would have made from the same seed (collated here unless the
 * loader has its own collate function, which cannot cross threads).
 */
if (!isMainThread && parentPort) {
  const port = parentPort;
  const { spec, collate } = workerData as { spec: DatasetSpec; collate: boolean };
  const dataset = datasetFromSpec(spec);
  port.on("message", ({ id, indices, seed }: { id: number; indices: Int32Array; seed: number }) => {
    try {
      const generator = new Generator(seed);
      const samples = Array.from(indices, (i) => dataset.get(i, generator));
      const { value, transfer } = encodeBatch(collate ? defaultCollate(samples) : samples);
      port.postMessage({ id, batch: value }, transfer);
    } catch (error) {
      const e = error as Error;
      port.postMessage({ id, error: { name: e.name, message: e.message } });
    }
  });
}
