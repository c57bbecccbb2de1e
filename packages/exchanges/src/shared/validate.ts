import { BreakwaterConfigError, type RateLimiter } from '@breakwater/core';

/**
 * Option checks for this package's own options, reporting errors the way the core does (option
 * path, what is allowed, what was received). Not part of the public API; the core keeps its
 * equivalents private.
 */

/** Every key of `T`, required: a compile error reminds us to list a new option. */
export type KnownKeys<T> = { readonly [K in keyof T]-?: true };

/** Throws unless `value` is a plain object; returns `{}` for `undefined` when `optional`. */
export function expectOptions(path: string, value: unknown, known: Readonly<Record<string, true>>) {
  if (value === undefined) return {} as Record<string, unknown>;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BreakwaterConfigError(path, 'an object', value);
  }
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(known, key)) {
      throw new BreakwaterConfigError(
        key,
        `one of ${Object.keys(known).join(', ')}`,
        'an unknown option',
      );
    }
  }
  return value as Record<string, unknown>;
}

/** A finite number within [min, max]; `fallback` when `undefined`. */
export function expectNumber(
  path: string,
  value: unknown,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new BreakwaterConfigError(path, `a finite number ${range}`, value);
  }
  return value;
}

/** An integer >= `min`; `fallback` when `undefined`. */
export function expectInteger(path: string, value: unknown, fallback: number, min: number): number {
  const n = expectNumber(path, value, fallback, min);
  if (!Number.isInteger(n)) throw new BreakwaterConfigError(path, `an integer >= ${min}`, value);
  return n;
}

/** A function, or `undefined`. */
export function expectOptionalFunction<F>(path: string, value: unknown): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new BreakwaterConfigError(path, 'a function', value);
  return value as F;
}

/** A core `RateLimiter` (anything with `update()`), or `undefined`. */
export function expectLimiter(path: string, value: unknown): RateLimiter | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as RateLimiter).update !== 'function'
  ) {
    throw new BreakwaterConfigError(path, 'a RateLimiter', value);
  }
  return value as RateLimiter;
}
