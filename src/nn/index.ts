/** lt.nn: modules and layers; `functional` (also lt.F) holds the stateless ops they call. */
export * from "./modules/index.js";
export * as functional from "./functional/index.js";
export * as utils from "./utils/index.js";
