/**
 * Everything this package takes from `@breakwater/core`, in one place: the store contract and
 * its data from the main entry, and from `@breakwater/core/adapter` the helpers a store author
 * reuses (option checks, the emitter, the clock, redaction).
 */
export {
  type BreakerState,
  type BreakerStore,
  BreakwaterConfigError,
  type CallContext,
  type Clock,
  type DurableState,
  type ListenerErrorHandler,
  type RateBudget,
  RateLimitedError,
  type RateLimiter,
  type RateLimiterOptions,
  rateLimiter,
  redactError,
} from '@breakwater/core';
export {
  Emitter,
  expectClock,
  expectFunction,
  expectInteger,
  expectNumber,
  expectObject,
  expectOneOf,
  expectString,
  type KnownKeys,
  PolicyBase,
  type RateLimitDelayedEvent,
  type RateLimitedEvent,
  type RateLimitedReason,
  type RateLimiterEvents,
  type RateLimiterExecuteOptions,
  type RateLimitReport,
  type RedactedError,
  type ResolvedRateLimiterOptions,
  rejectUnknownKeys,
  reportCallbackError,
  resolveRateLimiterOptions,
  rethrowInMicrotask,
  systemClock,
} from '@breakwater/core/adapter';
