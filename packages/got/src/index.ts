/**
 * @breakwater/got: circuit breakers for got.
 *
 * Extension point: got's hooks. `breakerHooks(options)` returns `{ hooks }` for `got.extend()`:
 * `beforeRequest` acquires a permit per attempt (each retry and redirect hop) from
 * `HttpGuard` in `@breakwater/core`, which holds every decision (keys, classification, body
 * rules); `beforeRedirect`, `afterResponse`, `beforeRetry` and `beforeError` settle it, and the
 * caller's `signal` releases it. `beforeError` hands the caller our `BreakerOpenError` instead of
 * got's wrapper. `got.stream()` is left unguarded.
 */

export type { HookBreakerOptions, HookRequestOptions } from '@breakwater/core/adapter';
export { type BreakerHooks, type BreakwaterContext, breakerHooks } from './breakerHooks.ts';
