import type { Transform } from "./transform.js";
import { Compose } from "./transform.js";
import { RandomCrop, CenterCrop, RandomHorizontalFlip, Resize, RandomResizedCrop } from "./geometry.js";
import { Normalize, Grayscale, RandomGrayscale, ColorJitter } from "./color.js";
import { GaussianBlur, RandomErasing } from "./filter.js";

/** A transform as data: its class name and constructor arguments (see Transform.spec). */
export interface TransformSpec {
  kind: string;
  args: unknown[];
}

type Constructor = new (...args: any[]) => Transform;

const BUILT_IN: Record<string, Constructor> = {
  RandomCrop, CenterCrop, RandomHorizontalFlip, Resize, RandomResizedCrop, Normalize, Grayscale, RandomGrayscale, ColorJitter,
  GaussianBlur, RandomErasing,
};

/** Rebuilds a built-in transform (or a Compose of them) from its spec. */
export function transformFromSpec(spec: TransformSpec): Transform {
  if (spec.kind === "Compose") return new Compose((spec.args[0] as TransformSpec[]).map(transformFromSpec));
  const make = BUILT_IN[spec.kind];
  if (!make) throw new TypeError(`transformFromSpec: unknown transform "${spec.kind}"`);
  return new make(...spec.args);
}
