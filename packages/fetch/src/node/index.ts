/**
 * @breakwater/fetch/node: circuit breakers for every request an undici dispatcher sends, the
 * global `fetch` included.
 *
 * Extension point: undici's dispatcher interceptors (`dispatcher.compose(interceptor)`), the
 * layer under Node's `fetch`. `circuitBreaker(options)` maps the dispatch handler's callbacks
 * (`onResponseStart`, `onResponseData`, `onResponseEnd`, `onResponseError`) onto `HttpGuard`
 * from `@breakwater/core`, which holds every decision (keys, classification, body rules).
 * Installed with `setGlobalDispatcher()`, it guards SDKs that call `fetch` themselves.
 */

export type { HookBreakerOptions, HookRequestOptions } from '@breakwater/core/adapter';
export {
  type BreakwaterDispatchOptions,
  circuitBreaker,
} from './circuitBreaker.ts';
