import { BreakwaterError } from './BreakwaterError.ts';

/**
 * Thrown when a call exceeds its deadline (the timeout policy, an HTTP adapter's `timeoutMs`).
 * Test for any client's timeout, this one included, with `isTimeoutError()`.
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
