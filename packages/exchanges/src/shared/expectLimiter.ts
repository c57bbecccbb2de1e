import { BreakwaterConfigError, type RateLimiter } from '@breakwater/core';

/**
 * A core `RateLimiter` (anything with `update()`, which the rate-limit feedback calls), or
 * `undefined`. Not part of the public API.
 */
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
