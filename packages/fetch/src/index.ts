/**
 * @breakwater/fetch: circuit breakers for any fetch function.
 *
 * Extension point: the fetch function itself. `withBreaker(fetchFn?, options)` returns a function
 * with fetch's signature; each call goes through `HttpGuard.execute()` from `@breakwater/core`,
 * which holds every decision (keys, classification, body rules, retry, deadline).
 */

export type { BreakerRequestOptions, HttpBreakerOptions } from '@breakwater/core';
export {
  type BreakerFetch,
  type BreakwaterInit,
  type FetchFunction,
  withBreaker,
} from './withBreaker.ts';
