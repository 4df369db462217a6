/** lt.io: reading and writing tensors and model checkpoints. */
export { loadSafetensors, loadSafetensorsWithMetadata, readSafetensorsHeader, saveSafetensors, serializeSafetensors, SafetensorsError } from "./safetensors.js";
export type { SafetensorsEntry, SafetensorsHeader } from "./safetensors.js";
export { saveModel, loadModel } from "./model.js";
export { readNumericTable, parseNumericTable, readRatingTriples, parseRatingTriples, TableError } from "./table.js";
