/**
 * Hyper-parameter checks shared by optimizers and schedulers. Each error names the owner (`SGD`,
 * `OneCycleLR`…), the argument, what was expected and what was given, so a user can act on it.
 * `!(value >= bound)` is used instead of `value < bound` so that NaN is rejected too.
 */
export function checkNonNegative(owner: string, name: string, value: unknown): void {
  if (typeof value !== "number" || !(value >= 0)) {
    throw new RangeError(`${owner}: ${name} must be a non-negative number, got ${describe(value)}`);
  }
}

export function checkPositive(owner: string, name: string, value: unknown): void {
  if (typeof value !== "number" || !(value > 0)) {
    throw new RangeError(`${owner}: ${name} must be a positive number, got ${describe(value)}`);
  }
}

export function checkPositiveInteger(owner: string, name: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${owner}: ${name} must be a positive integer, got ${describe(value)}`);
  }
}

/** A number in [low, high) (or [low, high] when `closed`). */
export function checkInRange(owner: string, name: string, value: unknown, low: number, high: number, closed = false): void {
  const ok = typeof value === "number" && value >= low && (closed ? value <= high : value < high);
  if (!ok) {
    throw new RangeError(`${owner}: ${name} must be in [${low}, ${high}${closed ? "]" : ")"}, got ${describe(value)}`);
  }
}

export function checkBoolean(owner: string, name: string, value: unknown): void {
  if (typeof value !== "boolean") throw new TypeError(`${owner}: ${name} must be a boolean, got ${describe(value)}`);
}

export function describe(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(describe).join(", ")}]`;
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** Rejects option names the constructor does not know (e.g. torch's `weight_decay` spelling). */
export function checkOptionNames(owner: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`${owner}: unknown option "${key}"; expected one of ${known.join(", ")}`);
  }
}
