import type { CircuitBreaker, RateBudget } from '@breakwater/core';

// The guard's checks beside core's `expect*`: predicates, whose callers throw their own message
// or none.

/** The largest count option (connects per window, queue size) the guard accepts. */
export const maxCount = 1_000_000_000;

/** An object that is not an array: options, or an instance such as a breaker or a backoff. */
export function isObjectLike(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Duck typing, not `instanceof`: an app that installs @breakwater/ws next to its own
// @breakwater/core can load two copies of core, and a breaker or limiter made by the other copy
// must still be used as it is, not silently replaced by a new breaker or rejected. Each check
// asks for the members the guard uses, and enough to tell the two apart from options objects
// (which have no methods) and from each other (a breaker has no `update`).

/** A `CircuitBreaker` of any copy of core: the guard calls `tryAcquire`, `on` and reads `options`. */
export function isBreakerLike(value: unknown): value is CircuitBreaker {
  if (!isObjectLike(value)) return false;
  const breaker = value as Partial<Record<'tryAcquire' | 'on' | 'options', unknown>>;
  return (
    typeof breaker.tryAcquire === 'function' &&
    typeof breaker.on === 'function' &&
    typeof breaker.options === 'object' &&
    breaker.options !== null &&
    'state' in value
  );
}

/** A `RateBudget` (a core `RateLimiter`, a `RedisRateLimiter`) of any copy of core: the guard
 * calls `tryAcquire(1)`. */
export function isLimiterLike(value: unknown): value is RateBudget {
  if (!isObjectLike(value)) return false;
  const limiter = value as Partial<Record<'tryAcquire' | 'update', unknown>>;
  return typeof limiter.tryAcquire === 'function' && typeof limiter.update === 'function';
}
