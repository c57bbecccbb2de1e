/**
 * @breakwater/ky: circuit breakers for ky.
 *
 * Extension point: ky's `init` hook, which runs once per request and sets the request's `fetch`
 * option, which ky calls once per attempt (the first and each retry). So each attempt is one
 * breaker call through `HttpGuard` from `@breakwater/core` (`acquire()` before the attempt,
 * `settleResponse()` or `settle()` with its response or error), which holds every decision (keys, classification,
 * body rules). When the request sets no ky `timeout`, an attempt whose call has a `timeoutMs`
 * runs under the core's deadline (`HttpGuard.sendAttempt()`).
 */

export type { HookBreakerOptions, HookRequestOptions } from '@breakwater/core/adapter';
export {
  type BreakerHooks,
  type BreakerKyOptions,
  type BreakwaterContext,
  breakerHooks,
} from './breakerHooks.ts';
