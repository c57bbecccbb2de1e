/**
 * @breakwater/core: the circuit-breaker engine, policies and shared glue of Breakwater.
 * This entry is isomorphic: it imports no `node:` module and never reads `process`.
 *
 * Exports are sorted by module path (the formatter keeps them so): the engine
 * (`CircuitBreaker`, `Permit`, strategies, backoff, events, snapshot), classification
 * (`classify/`), the HTTP glue every HTTP adapter shares (`http/`), the policies (`…Policy`,
 * `RateLimiter`, `pipeline`), operations (`registry/`, `store/`, `redact/`) and the option
 * checks packages built on the core reuse (`validate`).
 */

export { type ConstantBackoffOptions, constantBackoff } from './backoff/constantBackoff.ts';
export {
  type DecorrelatedJitterBackoffOptions,
  decorrelatedJitterBackoff,
} from './backoff/decorrelatedJitterBackoff.ts';
export {
  type ExponentialBackoffOptions,
  exponentialBackoff,
} from './backoff/exponentialBackoff.ts';
export { type FibonacciBackoffOptions, fibonacciBackoff } from './backoff/fibonacciBackoff.ts';
export { type LinearBackoffOptions, linearBackoff } from './backoff/linearBackoff.ts';
export { nextDelayMs } from './backoff/nextDelayMs.ts';
export { applyJitter, type Backoff, type Jitter } from './backoff/types.ts';
export { CircuitBreaker } from './CircuitBreaker.ts';
export { type Clock, maxTimerMs, systemClock } from './Clock.ts';
export {
  type Classifier,
  type ClassifierOptions,
  createClassifier,
  createRuleClassifier,
  type RuleClassifier,
} from './classify/createClassifier.ts';
export { defaultClassifier, responseFromError } from './classify/defaultClassifier.ts';
export {
  type AbortState,
  abortMeaning,
  isAbortError,
  isInvalidRequestError,
  isTimeoutError,
  networkErrorCode,
  outcomeOfError,
} from './classify/errorTraits.ts';
export { parseRetryAfter } from './classify/parseRetryAfter.ts';
export {
  type ClassifierRule,
  failure,
  type HeaderMatch,
  ignore,
  onBody,
  onErrorCode,
  onErrorName,
  onHeader,
  onStatus,
  type RuleVerdict,
  type StatusMatch,
  success,
  when,
} from './classify/rules.ts';
export {
  type FailureExtra,
  failureVerdict,
  ignoreVerdict,
  successVerdict,
  withUncertainEffect,
} from './classify/verdicts.ts';
export { type DeadlineMode, runWithDeadline } from './deadline.ts';
export {
  BreakerOpenError,
  getBreakerOpenError,
  isBreakerOpenError,
  type RejectingState,
} from './errors/BreakerOpenError.ts';
export { BreakwaterConfigError, isBreakwaterConfigError } from './errors/BreakwaterConfigError.ts';
export {
  BreakwaterError,
  type BreakwaterErrorCode,
  isBreakwaterError,
} from './errors/BreakwaterError.ts';
export {
  BulkheadRejectedError,
  type BulkheadRejectionReason,
  getBulkheadRejectedError,
  isBulkheadRejectedError,
} from './errors/BulkheadRejectedError.ts';
export {
  getRateLimitedError,
  isRateLimitedError,
  RateLimitedError,
  type RateLimitedReason,
} from './errors/RateLimitedError.ts';
export { isBreakwaterTimeoutError, TimeoutError } from './errors/TimeoutError.ts';
export type {
  BreakerEvents,
  CallEvent,
  FailureEvent,
  IgnoredEvent,
  RejectedEvent,
  StateChangeEvent,
  StoreErrorEvent,
  SuccessEvent,
  TimeoutEvent,
  TransitionReason,
} from './events/BreakerEvents.ts';
export {
  Emitter,
  type ListenerErrorHandler,
  reportCallbackError,
  rethrowInMicrotask,
} from './events/Emitter.ts';
export { createCallContext } from './http/createCallContext.ts';
export { deriveKey } from './http/deriveKey.ts';
export {
  type FetchInitLike,
  type FetchInput,
  type FetchRequestLike,
  fetchRequestInfo,
  fetchSignal,
} from './http/fetchRequestInfo.ts';
export { fetchResponseAdapter } from './http/fetchResponseAdapter.ts';
export type { HttpCall } from './http/HttpCall.ts';
export { HttpGuard } from './http/HttpGuard.ts';
export { isIdempotent } from './http/isIdempotent.ts';
export {
  type ByteStreamLike,
  bufferedBody,
  type FetchBodyResponseLike,
  parseBodyText,
  readBodyForRules,
  readResponseBody,
  selectBodyRule,
} from './http/readBodyForRules.ts';
export { readHeader } from './http/readHeader.ts';
export { resolveBreakerRequestOptions } from './http/resolveBreakerRequestOptions.ts';
export {
  defaultBodyMaxBytes,
  type HttpBreakerOptions,
  type ResolvedHttpBreakerOptions,
  resolveHttpBreakerOptions,
} from './http/resolveHttpBreakerOptions.ts';
export {
  type FetchResponseLike,
  outcomeFromResponse,
  responseOutcome,
} from './http/responseOutcome.ts';
export type {
  BodyRule,
  BreakerRequestOptions,
  HttpHeaders,
  HttpRequestInfo,
  HttpResponseAdapter,
  ResolvedBodyRule,
} from './http/types.ts';
export { ManualClock, type ManualClockOptions } from './ManualClock.ts';
export {
  LatencyHistogram,
  type LatencySummary,
  latencyBucketsMs,
} from './metrics/LatencyHistogram.ts';
export {
  type CallContext,
  type Category,
  type ErrorOutcome,
  failureCategories,
  type Outcome,
  type ResponseOutcome,
  type Verdict,
  verdictCategories,
} from './Outcome.ts';
export { Permit } from './Permit.ts';
export {
  type BulkheadExecuteOptions,
  BulkheadPolicy,
  type BulkheadPolicyEvents,
  type BulkheadPolicyOptions,
  type BulkheadRejectedEvent,
  bulkhead,
  type ResolvedBulkheadPolicyOptions,
  resolveBulkheadPolicyOptions,
} from './policies/BulkheadPolicy.ts';
export {
  type FallbackEvent,
  FallbackPolicy,
  type FallbackPolicyEvents,
  type FallbackPolicyOptions,
  fallback,
  type StaleIfErrorOptions,
} from './policies/FallbackPolicy.ts';
export type { Action, ExecuteOptions, Policy } from './policies/Policy.ts';
export {
  type ExecuteOptionsOf,
  type Pipeline,
  type PipelineExecuteOptions,
  type PipelineOn,
  type PolicyWithEvents,
  pipeline,
  wrapWith,
} from './policies/pipeline.ts';
export {
  type RateLimitDelayedEvent,
  type RateLimitedEvent,
  RateLimiter,
  type RateLimiterEvents,
  type RateLimiterExecuteOptions,
  type RateLimiterOptions,
  type RateLimitReport,
  type ResolvedRateLimiterOptions,
  rateLimiter,
  resolveRateLimiterOptions,
} from './policies/RateLimiter.ts';
export { RetryBudget, type RetryBudgetOptions } from './policies/RetryBudget.ts';
export {
  type GiveUpEvent,
  type GiveUpReason,
  type RetryBudgetExhaustedEvent,
  type RetryEvent,
  RetryPolicy,
  type RetryPolicyEvents,
  type RetryPolicyOptions,
  retry,
} from './policies/RetryPolicy.ts';
export {
  type DeadlineEvent,
  type ResolvedTimeoutPolicyOptions,
  resolveTimeoutPolicyOptions,
  type TimeoutExecuteOptions,
  TimeoutPolicy,
  type TimeoutPolicyEvents,
  type TimeoutPolicyOptions,
  timeout,
} from './policies/TimeoutPolicy.ts';
export { type RedactedError, redactError } from './redact/redactError.ts';
export {
  type HeadersInput,
  type HeaderValue,
  isSensitiveHeader,
  type RedactHeadersOptions,
  redactHeaders,
} from './redact/redactHeaders.ts';
export { redactUrl } from './redact/redactUrl.ts';
export { BreakerRegistry } from './registry/BreakerRegistry.ts';
export { defaultRegistry, setDefaultRegistry } from './registry/defaultRegistry.ts';
export {
  type BreakerEnvConfig,
  breakerOptionsFromEnv,
  type Env,
  type RegistryFromEnvOptions,
  registryFromEnv,
} from './registry/fromEnv.ts';
export {
  type BreakerOverrides,
  type BreakerRegistryOptions,
  type RegistryBreakerOptions,
  type ResolvedBreakerRegistryOptions,
  resolveBreakerRegistryOptions,
} from './registry/resolveBreakerRegistryOptions.ts';
export type {
  BreakerAddedEvent,
  BreakerConflictEvent,
  BreakerOverflowEvent,
  BreakerRegistryEvents,
  BreakerRemovalReason,
  BreakerRemovedEvent,
  RegistryHealth,
  RegistryHealthStatus,
} from './registry/types.ts';
export {
  type BreakerOptions,
  type HalfOpenOptions,
  type ResolvedBreakerOptions,
  resolveBreakerOptions,
} from './resolveBreakerOptions.ts';
export { seededRandom } from './seededRandom.ts';
export type { BreakerCounters, BreakerSnapshot } from './snapshot.ts';
export { MemoryStore, type MemoryStoreOptions } from './store/MemoryStore.ts';
export {
  durableStateFormat,
  parseDurableState,
  type SerializedDurableState,
  serializeDurableState,
} from './store/parseDurableState.ts';
export type { BreakerState, BreakerStore, DurableState } from './store/types.ts';
export {
  ConsecutiveStrategy,
  type ConsecutiveStrategyOptions,
} from './strategies/ConsecutiveStrategy.ts';
export { CountStrategy, type CountStrategyOptions } from './strategies/CountStrategy.ts';
export type { StrategyOptions } from './strategies/resolveStrategy.ts';
export { TimeStrategy, type TimeStrategyOptions } from './strategies/TimeStrategy.ts';
export type { BreakerStrategy, WindowStats } from './strategies/types.ts';
export {
  expectBoolean,
  expectClock,
  expectFunction,
  expectInteger,
  expectNumber,
  expectObject,
  expectOneOf,
  expectRate,
  expectString,
  type KnownKeys,
  rejectUnknownKeys,
} from './validate.ts';
