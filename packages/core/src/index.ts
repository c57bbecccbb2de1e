/**
 * @breakwater/core: the circuit breaker, the resilience policies and what configures them. This
 * is the entry for users; what adapter, store and strategy authors need beyond it (the HTTP
 * glue, classification internals, option checks) is `@breakwater/core/adapter`. This entry is
 * isomorphic: it imports no `node:` module and never reads `process`.
 *
 * `api/core.api.md` lists every export; CI fails when the surface changes without it.
 */

export { constantBackoff } from './backoff/constantBackoff.ts';
export { decorrelatedJitterBackoff } from './backoff/decorrelatedJitterBackoff.ts';
export { exponentialBackoff } from './backoff/exponentialBackoff.ts';
export { fibonacciBackoff } from './backoff/fibonacciBackoff.ts';
export { linearBackoff } from './backoff/linearBackoff.ts';
export type { Backoff } from './backoff/types.ts';
export { CircuitBreaker } from './CircuitBreaker.ts';
export type { Clock } from './Clock.ts';
export { isTimeoutError } from './classify/errorTraits.ts';
export {
  type ClassifierRule,
  onBody,
  onErrorCode,
  onErrorName,
  onHeader,
  onStatus,
  when,
} from './classify/rules.ts';
export { failure, ignore, success } from './classify/verdicts.ts';
export {
  BreakerOpenError,
  getBreakerOpenError,
  isBreakerOpenError,
} from './errors/BreakerOpenError.ts';
export { BreakwaterConfigError, isBreakwaterConfigError } from './errors/BreakwaterConfigError.ts';
export { BreakwaterError, isBreakwaterError } from './errors/BreakwaterError.ts';
export {
  BulkheadRejectedError,
  isBulkheadRejectedError,
} from './errors/BulkheadRejectedError.ts';
export { isRateLimitedError, RateLimitedError } from './errors/RateLimitedError.ts';
export { TimeoutError } from './errors/TimeoutError.ts';
export type { BreakerEvents } from './events/BreakerEvents.ts';
export type { ListenerErrorHandler } from './events/Emitter.ts';
export type { HttpBreakerOptions } from './http/resolveHttpBreakerOptions.ts';
export { responseOutcome } from './http/responseOutcome.ts';
export type { BreakerRequestOptions } from './http/types.ts';
export { ManualClock } from './ManualClock.ts';
export type { CallContext, Category, Outcome, Verdict } from './Outcome.ts';
export type { Permit } from './Permit.ts';
export {
  type AdaptiveConcurrencyOptions,
  type AdaptiveConcurrencyPolicy,
  adaptiveConcurrency,
} from './policies/AdaptiveConcurrencyPolicy.ts';
export {
  type BulkheadPolicy,
  type BulkheadPolicyOptions,
  bulkhead,
} from './policies/BulkheadPolicy.ts';
export {
  type FallbackPolicy,
  type FallbackPolicyOptions,
  fallback,
} from './policies/FallbackPolicy.ts';
export type { Action, ExecuteOptions, Policy } from './policies/Policy.ts';
export { type Pipeline, pipeline } from './policies/pipeline.ts';
export type { RateBudget } from './policies/RateBudget.ts';
export { type RateLimiter, rateLimiter } from './policies/RateLimiter.ts';
export { RetryBudget } from './policies/RetryBudget.ts';
export { type RetryPolicy, retry } from './policies/RetryPolicy.ts';
export type { RateLimiterOptions } from './policies/resolveRateLimiterOptions.ts';
export type { RetryPolicyOptions } from './policies/resolveRetryPolicyOptions.ts';
export {
  type TimeoutPolicy,
  type TimeoutPolicyOptions,
  timeout,
} from './policies/TimeoutPolicy.ts';
export { redactError } from './redact/redactError.ts';
export { redactHeaders } from './redact/redactHeaders.ts';
export { redactUrl } from './redact/redactUrl.ts';
export { BreakerRegistry } from './registry/BreakerRegistry.ts';
export { defaultRegistry, setDefaultRegistry } from './registry/defaultRegistry.ts';
export { breakerOptionsFromEnv, registryFromEnv } from './registry/fromEnv.ts';
export type {
  BreakerRegistryOptions,
  RegistryBreakerOptions,
} from './registry/resolveBreakerRegistryOptions.ts';
export type { BreakerOptions } from './resolveBreakerOptions.ts';
export type { BreakerSnapshot } from './snapshot.ts';
export { MemoryStore } from './store/MemoryStore.ts';
export type { BreakerState, BreakerStore, DurableState } from './store/types.ts';
