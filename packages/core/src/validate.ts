import { type Clock, maxTimerMs } from './Clock.ts';
import { BreakwaterConfigError } from './errors/BreakwaterConfigError.ts';

/**
 * The option checks every `resolve…Options()` uses, so all of Breakwater reports bad options the
 * same way: which option, what is allowed, what was received. Exported for Breakwater's own
 * packages (adapters, the WebSocket guard, presets) and for anyone writing one: each throws a
 * {@link BreakwaterConfigError} naming `path`.
 */

/** Every key of `T`, required: a compile error reminds us to list a new option. */
export type KnownKeys<T> = { readonly [K in keyof T]-?: true };

/** Throws unless `value` is a plain object (or undefined when `optional`). */
export function expectObject(
  path: string,
  value: unknown,
): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BreakwaterConfigError(path, 'an object', value);
  }
}

/** Throws on keys that are not options, catching typos such as `failureTreshold`. */
export function rejectUnknownKeys(
  path: string,
  value: object,
  known: Readonly<Record<string, true>>,
): void {
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(known, key)) {
      throw BreakwaterConfigError.unknownOption(path ? `${path}.${key}` : key, Object.keys(known));
    }
  }
}

/**
 * A deadline in milliseconds: from 1 to 2^31 - 1 (the longest a platform timer holds; a longer
 * one would fire at once, or never), or `Infinity` for none. The one rule for every `timeoutMs`:
 * the breaker's, a call's, the timeout policy's and the HTTP adapters'.
 */
export function expectTimeoutMs(path: string, value: unknown): number {
  if (value === Infinity) return value;
  return expectNumber(path, value, 1, maxTimerMs);
}

/** An integer within [min, max]. `Infinity` is accepted only when `max` is `Infinity`. */
export function expectInteger(
  path: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const ok =
    typeof value === 'number' &&
    value >= min &&
    value <= max &&
    (Number.isInteger(value) || (value === Infinity && max === Infinity));
  if (!ok) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new BreakwaterConfigError(path, `an integer ${range}`, value);
  }
  return value;
}

/** A finite number (or `Infinity` when `allowInfinity`) within [min, max]. */
export function expectNumber(
  path: string,
  value: unknown,
  min: number,
  max = Infinity,
  allowInfinity = false,
): number {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    value >= min &&
    value <= max &&
    (Number.isFinite(value) || allowInfinity);
  if (!ok) {
    const range = max === Infinity ? `>= ${min}` : `from ${min} to ${max}`;
    throw new BreakwaterConfigError(
      path,
      `a ${allowInfinity ? '' : 'finite '}number ${range}`,
      value,
    );
  }
  return value;
}

/** A ratio in (0, 1] by default, as for `failureRate`. */
export function expectRate(path: string, value: unknown, allowZero = false): number {
  const ok = typeof value === 'number' && value <= 1 && (allowZero ? value >= 0 : value > 0);
  if (!ok)
    throw new BreakwaterConfigError(
      path,
      `a ratio ${allowZero ? 'from 0' : 'above 0'} to 1`,
      value,
    );
  return value;
}

/** `value` if it is a boolean. @throws BreakwaterConfigError naming `path` otherwise */
export function expectBoolean(path: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new BreakwaterConfigError(path, 'true or false', value);
  return value;
}

/**
 * `value` if it is a function.
 * @typeParam F - the function type the caller expects
 * @throws BreakwaterConfigError naming `path` otherwise
 */
export function expectFunction<F extends (...args: never[]) => unknown>(
  path: string,
  value: unknown,
): F {
  if (typeof value !== 'function') throw new BreakwaterConfigError(path, 'a function', value);
  return value as F;
}

/** `value` if it is a string. @throws BreakwaterConfigError naming `path` otherwise */
export function expectString(path: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new BreakwaterConfigError(path, 'a non-empty string', value);
  }
  return value;
}

/** One of a fixed set of string values. */
export function expectOneOf<T extends string>(
  path: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (!allowed.includes(value as T)) {
    throw new BreakwaterConfigError(
      path,
      `one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
      value,
    );
  }
  return value as T;
}

const clockMethods = ['now', 'monotonic', 'setTimeout', 'clearTimeout', 'random'] as const;

/** A {@link Clock}: an object with every clock method. */
export function expectClock(path: string, value: unknown): Clock {
  if (
    typeof value !== 'object' ||
    value === null ||
    clockMethods.some((m) => typeof (value as Record<string, unknown>)[m] !== 'function')
  ) {
    throw new BreakwaterConfigError(path, `a Clock with ${clockMethods.join(', ')}`, value);
  }
  return value as Clock;
}
