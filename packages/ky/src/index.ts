/**
 * @breakwater/ky: circuit breakers for ky.
 *
 * Extension point: ky's `init` hook, which runs once per request and sets the request's `fetch`
 * option, which ky calls once per attempt (the first and each retry). So each attempt is one
 * breaker call through `HttpGuard` from `@breakwater/core` (`acquire()` before the attempt,
 * `settle()` with its response or error), which holds every decision (keys, classification,
 * body rules). The hook also maps `timeoutMs` to ky's `timeout` when the request sets none.
 */

export type { BreakerRequestOptions, HttpBreakerOptions } from '@breakwater/core';
export {
  type BreakerHooks,
  type BreakerKyOptions,
  type BreakwaterContext,
  breakerHooks,
} from './breakerHooks.ts';
