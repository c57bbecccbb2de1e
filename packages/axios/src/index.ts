/**
 * @breakwater/axios: circuit breakers for axios.
 *
 * Extension point: an axios request interceptor (`instance.interceptors.request.use()`) that
 * swaps the request's adapter (`config.adapter`) for a wrapper. The wrapper runs after every
 * request interceptor and `transformRequest`: it asks `HttpGuard.acquire()` from
 * `@breakwater/core` for a permit (or throws its `BreakerOpenError`), calls the real adapter
 * (resolved with `axios.getAdapter()`), and hands its response to `HttpGuard.settleResponse()`
 * or its error to `HttpGuard.settle()`.
 * Every decision (keys, classification, body rules) is the core's.
 */

export type { HookBreakerOptions, HookRequestOptions } from '@breakwater/core/adapter';
export { type BreakerInterceptor, breakerInterceptor } from './breakerInterceptor.ts';
export { type InstalledBreaker, useBreaker } from './useBreaker.ts';
