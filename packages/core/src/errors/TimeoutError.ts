import { BreakwaterError, findBreakwaterError } from './BreakwaterError.ts';

/**
 * Thrown when a call exceeds its deadline (the breaker's `timeoutMs` or the timeout policy).
 * The `name` is `TimeoutError`, like the DOM's, so every client's timeout rule recognises it,
 * and it is the `reason` of the signal the call received.
 */
export class TimeoutError extends BreakwaterError {
  readonly code = 'BREAKWATER_TIMEOUT' as const;
  override readonly name = 'TimeoutError';
  /** The deadline that passed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, what = 'Call') {
    super(`${what} timed out after ${timeoutMs} ms.`);
    this.timeoutMs = timeoutMs;
  }
}

/** True when `value`, or an error in its `cause` chain, is a Breakwater {@link TimeoutError}. */
export function isBreakwaterTimeoutError(value: unknown): value is TimeoutError {
  return findBreakwaterError(value, 'BREAKWATER_TIMEOUT') !== undefined;
}
