import type { Backend } from "./backend.js";
import { jsBackend } from "./js/index.js";

export type { Backend, StridedView, Conv2dGeometry, Pool2dGeometry, GemmParams, UnaryOp, BinaryOp, ScalarOp, ReduceOp } from "./backend.js";
export { jsBackend } from "./js/index.js";

let active: Backend = jsBackend;

/** The backend every op runs on. */
export function getBackend(): Backend {
  return active;
}

/** Name of the active backend ("js" or "native"). */
export function backend(): string {
  return active.name;
}

/** Replaces the active backend (e.g. to force the reference backend in a test). */
export function setBackend(next: Backend): void {
  active = next;
}
