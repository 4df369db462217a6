/**
 * lt.tidy scopes: tensors made inside one (while gradients are off) are disposed when it ends,
 * except what it returns and what lt.keep marked, so their storage is recycled for the next call.
 * Tensors made while the autograd graph is being recorded are never collected here: a backward
 * closure may hold any of them, and only the garbage collector knows when it lets go.
 */

/** What a scope needs of a tensor (the Tensor class implements it; typed here to avoid a cycle). */
export interface ScopedTensor {
  dispose(): void;
}

const scopes: Set<ScopedTensor>[] = [];
const kept = new WeakSet<ScopedTensor>();

/** Called by the Tensor constructor. */
export function trackTensor(t: ScopedTensor): void {
  scopes[scopes.length - 1]?.add(t);
}

export function scopeActive(): boolean {
  return scopes.length > 0;
}

/**
 * Disposes `t` now if the innermost tidy made it (and nothing kept it): for containers, whose
 * intermediate outputs are dead once the next layer has run. Outside tidy it does nothing.
 */
export function releaseIntermediate(t: ScopedTensor): void {
  const scope = scopes[scopes.length - 1];
  if (scope === undefined || !scope.delete(t) || kept.has(t)) return;
  t.dispose();
}

/** Exempts `t` from every enclosing and future tidy (tf.keep): it lives until the garbage collector takes it. */
export function keep<T extends ScopedTensor>(t: T): T {
  if (t === null || typeof t !== "object" || typeof t.dispose !== "function") {
    throw new TypeError(`keep: expected a tensor, got ${t === null ? "null" : typeof t}`);
  }
  kept.add(t);
  for (const scope of scopes) scope.delete(t);
  return t;
}

/** The tracked tensors reachable from a scope's result: itself, or inside arrays, Maps and plain objects. */
function collectResult(value: unknown, scope: Set<ScopedTensor>, found: Set<ScopedTensor>, seen: Set<object>): void {
  if (value === null || typeof value !== "object" || seen.has(value)) return;
  seen.add(value);
  if (scope.has(value as ScopedTensor)) {
    found.add(value as ScopedTensor);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collectResult(v, scope, found, seen);
  else if (value instanceof Map) for (const v of value.values()) collectResult(v, scope, found, seen);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collectResult(v, scope, found, seen);
}

/**
 * Runs `fn` and then disposes every tensor it made with gradients off, except those in its result
 * (a tensor, or arrays / plain objects / Maps holding tensors), which move to the enclosing scope.
 * On a throw, everything it made is disposed. `fn` must be synchronous.
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== "function") throw new TypeError(`tidy: expected a function, got ${typeof fn}`);
  const scope = new Set<ScopedTensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    scopes.pop();
    for (const t of scope) t.dispose();
    throw error;
  }
  scopes.pop();
  if (result instanceof Promise) {
    for (const t of scope) t.dispose();
    throw new TypeError("tidy: fn returned a Promise; tidy only tracks synchronous work (await outside it)");
  }
  const survivors = new Set<ScopedTensor>();
  collectResult(result, scope, survivors, new Set());
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (survivors.has(t)) parent?.add(t);
    else if (!kept.has(t)) t.dispose();
  }
  return result;
}

/** Disposes every tensor in `value` (a tensor, or arrays / plain objects / Maps of them). */
export function dispose(value: unknown): void {
  const seen = new Set<object>();
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== "object" || seen.has(v)) return;
    seen.add(v);
    const candidate = v as Partial<ScopedTensor> & { shape?: unknown; dtype?: unknown };
    if (typeof candidate.dispose === "function" && candidate.shape !== undefined && candidate.dtype !== undefined) candidate.dispose();
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v instanceof Map) for (const x of v.values()) visit(x);
    else if (Object.getPrototypeOf(v) === Object.prototype) Object.values(v).forEach(visit);
  };
  visit(value);
}
