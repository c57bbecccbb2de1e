/**
 * @breakwater/axios: circuit breakers for axios.
 *
 * Extension point: axios interceptors, `instance.interceptors.request.use()` and
 * `instance.interceptors.response.use()`. The request interceptor asks `HttpGuard.acquire()`
 * from `@breakwater/core` for a permit (or throws its `BreakerOpenError`), the response
 * interceptor hands the response or error to `HttpGuard.settle()`, correlated through the config
 * object axios passes from one to the other. Every decision (keys, classification, body rules)
 * is the core's.
 */

export type { BreakerRequestOptions, HttpBreakerOptions } from '@breakwater/core';
export { type BreakerInterceptor, breakerInterceptor } from './breakerInterceptor.ts';
export { type InstalledBreaker, useBreaker } from './useBreaker.ts';
