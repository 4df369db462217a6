/** lt.vision: image models. */
export * as models from "./models/index.js";
