import type { Backend } from "./backend.js";
import { jsBackend } from "./js/index.js";
import { nativeBackend } from "./native/index.js";

export type { Backend, StridedView, Conv2dGeometry, ConvActivation, Pool2dGeometry, GemmParams, DgemmParams, UnaryOp, BinaryOp, ScalarOp, ReduceOp } from "./backend.js";
export { jsBackend } from "./js/index.js";
export { nativeBackend } from "./native/index.js";

/** The compiled core when it is built, unless LANTERN_BACKEND=js asks for the reference backend. */
let active: Backend = process.env.LANTERN_BACKEND === "js" ? jsBackend : nativeBackend ?? jsBackend;

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
