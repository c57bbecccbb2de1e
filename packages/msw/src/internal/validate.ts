import { BreakwaterConfigError } from '@breakwater/core';

/**
 * Option checks shared by the builders, reporting like the core's: which option, what is
 * allowed, what was received. Not part of the public API.
 */

/** Every key of `T`, required: a compile error reminds us to list a new option. */
export type KnownKeys<T> = { readonly [K in keyof T]-?: true };

/** Returns `value` as an options object (`{}` when undefined), rejecting unknown keys. */
export function readOptions<T extends object>(
  path: string,
  value: T | undefined,
  known: KnownKeys<T>,
): Partial<Record<keyof T, unknown>> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BreakwaterConfigError(path, 'an object', value);
  }
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(known, key)) {
      throw new BreakwaterConfigError(
        path ? `${path}.${key}` : key,
        `one of ${Object.keys(known).join(', ')}`,
        'an unknown option',
      );
    }
  }
  return value as Partial<Record<keyof T, unknown>>;
}

/** An integer within [min, max]; `Infinity` only when `allowInfinity`. */
export function expectInteger(
  path: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  allowInfinity = false,
): number {
  const ok =
    typeof value === 'number' &&
    value >= min &&
    (Number.isInteger(value) ? value <= max : value === Infinity && allowInfinity);
  if (!ok) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    const infinity = allowInfinity ? ' or Infinity' : '';
    throw new BreakwaterConfigError(path, `an integer ${range}${infinity}`, value);
  }
  return value;
}

/** A finite number >= min (or `Infinity` when `allowInfinity`). */
export function expectNumber(
  path: string,
  value: unknown,
  min: number,
  allowInfinity = false,
): number {
  const ok =
    typeof value === 'number' &&
    value >= min &&
    (Number.isFinite(value) || (value === Infinity && allowInfinity));
  if (!ok) {
    const what = allowInfinity ? `a number >= ${min} or Infinity` : `a finite number >= ${min}`;
    throw new BreakwaterConfigError(path, what, value);
  }
  return value;
}

/** A probability in [0, 1]. */
export function expectProbability(path: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new BreakwaterConfigError(path, 'a number from 0 to 1', value);
  }
  return value;
}

export function expectFunction<F>(path: string, value: unknown): F {
  if (typeof value !== 'function') throw new BreakwaterConfigError(path, 'a function', value);
  return value as F;
}

export function expectString(path: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new BreakwaterConfigError(path, 'a non-empty string', value);
  }
  return value;
}

/** An HTTP status a `Response` can carry for an error: 400–599. */
export function expectErrorStatus(path: string, value: unknown): number {
  return expectInteger(path, value, 400, 599);
}

/** A `Clock`-shaped object: `now`, `monotonic`, `setTimeout`, `clearTimeout`, `random`. */
export function expectClock<C>(path: string, value: unknown): C {
  const clock = value as Record<string, unknown> | null;
  const ok =
    typeof clock === 'object' &&
    clock !== null &&
    ['now', 'monotonic', 'setTimeout', 'clearTimeout', 'random'].every(
      (method) => typeof clock[method] === 'function',
    );
  if (!ok) {
    throw new BreakwaterConfigError(path, 'a Clock (now, monotonic, setTimeout, …)', value);
  }
  return value as C;
}

/** Epoch milliseconds from a number or a `Date`. */
export function expectInstant(path: string, value: unknown): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new BreakwaterConfigError(path, 'a Date or epoch milliseconds', value);
  }
  return ms;
}

/** A plain object of header names to string values. */
export function expectHeaders(path: string, value: unknown): Record<string, string> {
  const ok =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((header) => typeof header === 'string');
  if (!ok) throw new BreakwaterConfigError(path, 'an object of string header values', value);
  return { ...(value as Record<string, string>) };
}

export function expectBoolean(path: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new BreakwaterConfigError(path, 'true or false', value);
  return value;
}
