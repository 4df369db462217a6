export { tidy, keep, dispose } from "./scope.js";
export { memory, setMemoryPoolLimit, emptyMemoryPool } from "./pool.js";
export type { MemoryInfo } from "./pool.js";
