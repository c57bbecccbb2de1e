import { type Backoff, BreakwaterConfigError, exponentialBackoff } from '@breakwater/core';
import { isObjectLike } from './validate.ts';

/** The default reconnect delays: 250–500 ms, then doubling up to 15–30 s. */
export const defaultBackoff = exponentialBackoff({
  initialMs: 500,
  factor: 2,
  maxMs: 30_000,
  jitter: 'equal',
});

/**
 * Validates `reconnect.backoff`: any object with a `delayMs` method, so that a backoff of another
 * copy of core, or one of your own, is used as it is.
 * @throws BreakwaterConfigError naming `reconnect.backoff`
 */
export function resolveBackoff(value: unknown): Backoff {
  if (value === undefined) return defaultBackoff;
  if (isObjectLike(value) && typeof (value as Backoff).delayMs === 'function') {
    return value as Backoff;
  }
  throw new BreakwaterConfigError(
    'reconnect.backoff',
    'a Backoff such as exponentialBackoff() from @breakwater/core',
    value,
  );
}
