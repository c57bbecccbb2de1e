/**
 * @breakwater/core/adapter: what adapter, store and strategy authors need beyond the main entry.
 * Breakwater's own packages (the HTTP adapters, the WebSocket guard, the MSW toolkit, the
 * exchange presets, Redis, metrics) import only from here and from `@breakwater/core`.
 *
 * - the HTTP glue every HTTP adapter shares (`HttpGuard` and the request and response readers);
 * - classification internals (the default classifier, the one abort rule, Retry-After parsing);
 * - the option checks every `resolve…Options()` uses, so all packages report bad options alike;
 * - time, events and errors from user code (`systemClock`, `Emitter`, `reportCallbackError`);
 * - the durable-state format and the strategy contract, for stores and custom strategies;
 * - the full option, event and resolved types of the core's policies.
 *
 * This entry is isomorphic too. `api/adapter.api.md` lists every export.
 */

export type { ConstantBackoffOptions } from './backoff/constantBackoff.ts';
export type { DecorrelatedJitterBackoffOptions } from './backoff/decorrelatedJitterBackoff.ts';
export type { ExponentialBackoffOptions } from './backoff/exponentialBackoff.ts';
export type { FibonacciBackoffOptions } from './backoff/fibonacciBackoff.ts';
export type { LinearBackoffOptions } from './backoff/linearBackoff.ts';
export { nextDelayMs } from './backoff/nextDelayMs.ts';
export type { Jitter } from './backoff/types.ts';
export { maxTimerMs, systemClock } from './Clock.ts';
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
  networkErrorCode,
  outcomeOfError,
} from './classify/errorTraits.ts';
export { parseRetryAfter } from './classify/parseRetryAfter.ts';
export type { HeaderMatch, RuleVerdict, StatusMatch } from './classify/rules.ts';
export { type FailureExtra, withUncertainEffect } from './classify/verdicts.ts';
export { type DeadlineMode, runWithDeadline } from './deadline.ts';
export type { RejectingState } from './errors/BreakerOpenError.ts';
export type { BreakwaterErrorCode } from './errors/BreakwaterError.ts';
export type { BulkheadRejectionReason } from './errors/BulkheadRejectedError.ts';
export type { RateLimitedReason } from './errors/RateLimitedError.ts';
export type {
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
export { Emitter, reportCallbackError, rethrowInMicrotask } from './events/Emitter.ts';
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
export type { HttpRetryOptions } from './http/HttpRetry.ts';
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
export {
  type AdapterBreakerOptions,
  resolveAdapterBreakerOptions,
} from './http/resolveAdapterBreakerOptions.ts';
export {
  defaultBodyMaxBytes,
  type HookBreakerOptions,
  type HttpGuardOptions,
  type ResolvedHttpBreakerOptions,
  resolveHttpBreakerOptions,
} from './http/resolveHttpBreakerOptions.ts';
export type {
  BodyRule,
  HookRequestOptions,
  HttpHeaders,
  HttpRequestInfo,
  HttpResponseAdapter,
  ResolvedBodyRule,
} from './http/types.ts';
export type { ManualClockOptions } from './ManualClock.ts';
export { type LatencySummary, latencyBucketsMs } from './metrics/LatencyHistogram.ts';
export { stateMetricValues } from './metrics/stateMetricValues.ts';
export {
  type ErrorOutcome,
  failureCategories,
  type ResponseOutcome,
  verdictCategories,
} from './Outcome.ts';
export type {
  AdaptiveConcurrencyEvents,
  AdaptiveConcurrencySnapshot,
  LimitChangedEvent,
  ResolvedAdaptiveConcurrencyOptions,
} from './policies/AdaptiveConcurrencyPolicy.ts';
export type {
  BulkheadExecuteOptions,
  BulkheadPolicyEvents,
  BulkheadRejectedEvent,
  ResolvedBulkheadPolicyOptions,
} from './policies/BulkheadPolicy.ts';
export type {
  FallbackEvent,
  FallbackPolicyEvents,
  StaleIfErrorOptions,
} from './policies/FallbackPolicy.ts';
export { PolicyBase } from './policies/PolicyBase.ts';
export type {
  ExecuteOptionsOf,
  PipelineExecuteOptions,
  PipelineOn,
  PolicyWithEvents,
} from './policies/pipeline.ts';
export type { RetryBudgetOptions } from './policies/RetryBudget.ts';
export type {
  RateLimitDelayedEvent,
  RateLimitedEvent,
  RateLimiterEvents,
  RateLimiterExecuteOptions,
  RateLimitReport,
  ResolvedRateLimiterOptions,
} from './policies/resolveRateLimiterOptions.ts';
export { resolveRateLimiterOptions } from './policies/resolveRateLimiterOptions.ts';
export type {
  GiveUpEvent,
  GiveUpReason,
  RetryBudgetExhaustedEvent,
  RetryEvent,
  RetryPolicyEvents,
} from './policies/resolveRetryPolicyOptions.ts';
export type {
  DeadlineEvent,
  ResolvedTimeoutPolicyOptions,
  TimeoutExecuteOptions,
  TimeoutPolicyEvents,
} from './policies/TimeoutPolicy.ts';
export type { RedactedError } from './redact/redactError.ts';
export { type HeadersInput, type HeaderValue, isSensitiveHeader } from './redact/redactHeaders.ts';
export type { BreakerEnvConfig, Env, RegistryFromEnvOptions } from './registry/fromEnv.ts';
export type {
  BreakerOverrides,
  ResolvedBreakerRegistryOptions,
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
export type {
  HalfOpenOptions,
  ReconfigurableBreakerOptions,
  ResolvedBreakerOptions,
} from './resolveBreakerOptions.ts';
export { seededRandom } from './seededRandom.ts';
export type { BreakerCounters } from './snapshot.ts';
export type { MemoryStoreOptions } from './store/MemoryStore.ts';
export {
  durableStateFormat,
  parseDurableState,
  type SerializedDurableState,
  serializeDurableState,
} from './store/parseDurableState.ts';
export {
  AdaptiveStrategy,
  type AdaptiveStrategyOptions,
  type AdaptiveTrip,
  type AdaptiveWindowStats,
  type ResolvedAdaptiveOptions,
} from './strategies/AdaptiveStrategy.ts';
export {
  ConsecutiveStrategy,
  type ConsecutiveStrategyOptions,
} from './strategies/ConsecutiveStrategy.ts';
export { CountStrategy, type CountStrategyOptions } from './strategies/CountStrategy.ts';
export type { StrategyOptions } from './strategies/resolveStrategy.ts';
export {
  type ResolvedThrottleOptions,
  ThrottleStrategy,
  type ThrottleStrategyOptions,
} from './strategies/ThrottleStrategy.ts';
export { TimeStrategy, type TimeStrategyOptions } from './strategies/TimeStrategy.ts';
export type { AdmissionRefusal, BreakerStrategy, WindowStats } from './strategies/types.ts';
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
  expectTimeoutMs,
  type KnownKeys,
  rejectUnknownKeys,
} from './validate.ts';
