import { BreakwaterConfigError, type RateBudget } from '@breakwater/core';

/**
 * A `RateBudget` (the core `RateLimiter`, a `RedisRateLimiter`: anything with `update()`,
 * which the rate-limit feedback calls), or
 * `undefined`. Not part of the public API.
 */
export function expectLimiter(path: string, value: unknown): RateBudget | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as RateBudget).update !== 'function'
  ) {
    throw new BreakwaterConfigError(path, 'a RateLimiter or RedisRateLimiter', value);
  }
  return value as RateBudget;
}
