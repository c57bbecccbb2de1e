/** Stable codes of every error Breakwater throws; `error.code` is one of these. */
export type BreakwaterErrorCode =
  | 'BREAKWATER_CONFIG'
  | 'BREAKWATER_OPEN'
  | 'BREAKWATER_TIMEOUT'
  | 'BREAKWATER_BULKHEAD_REJECTED'
  | 'BREAKWATER_RATE_LIMITED'
  | 'BREAKWATER_RETRY_BUDGET_EXHAUSTED'
  | 'BREAKWATER_STORE_LOCKED';

/**
 * A brand shared by every copy of `@breakwater/core` loaded in a process, so the `is…Error()`
 * guards recognise errors thrown by another copy (two versions in node_modules, or another realm).
 */
export const errorBrand: unique symbol = Symbol.for('breakwater.error') as never;

/** Base class of every error Breakwater throws. */
export abstract class BreakwaterError extends Error {
  /** A stable machine-readable code: branch on this, not on the message. */
  abstract readonly code: BreakwaterErrorCode;
  declare readonly [errorBrand]: true;
}
// On the prototype, not per instance: fast-fail errors are created in a hot loop.
Object.defineProperty(BreakwaterError.prototype, errorBrand, { value: true });

/** True when `value` is an error thrown by any copy of Breakwater with the given code. */
export function hasBreakwaterCode(value: unknown, code: BreakwaterErrorCode): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[errorBrand] === true &&
    (value as { code?: unknown }).code === code
  );
}

/** True when `value` is an error thrown by any copy of Breakwater. */
export function isBreakwaterError(value: unknown): value is BreakwaterError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[errorBrand] === true
  );
}

/**
 * Finds an error with the given code in `value` or its `cause` chain: clients wrap errors thrown
 * from their hooks (got's `RequestError`, undici's `TypeError('fetch failed')`).
 */
export function findBreakwaterError(value: unknown, code: BreakwaterErrorCode): unknown {
  let current = value;
  for (let depth = 0; depth < 8 && current != null; depth++) {
    if (hasBreakwaterCode(current, code)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Creates an error without capturing a stack trace. Fast-fail errors are thrown in a hot loop
 * while a dependency is down, and a V8 stack capture costs microseconds; the stack would only
 * point into Breakwater anyway.
 */
export function withoutStack<T>(create: () => T): T {
  const limit = V8Error.stackTraceLimit;
  V8Error.stackTraceLimit = 0;
  try {
    return create();
  } finally {
    V8Error.stackTraceLimit = limit;
  }
}

/** `stackTraceLimit` is V8's; elsewhere setting it is harmless and stacks are captured. */
export const V8Error = Error as ErrorConstructor & { stackTraceLimit?: number };
