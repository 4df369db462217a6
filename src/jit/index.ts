export { trace, TracedModule } from "./trace.js";
export type { Traceable } from "./trace.js";
