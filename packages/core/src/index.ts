/**
 * @breakwater/core: the circuit-breaker engine, policies and shared glue of Breakwater.
 * This entry is isomorphic: it imports no `node:` module and never reads `process`.
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
// --- engine ---
export { applyJitter, type Backoff, type Jitter } from './backoff/types.ts';
export { type Clock, systemClock } from './Clock.ts';
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
export { isBreakwaterTimeoutError, TimeoutError } from './errors/TimeoutError.ts';
export { Emitter, type ListenerErrorHandler } from './events/Emitter.ts';
export { ManualClock, type ManualClockOptions } from './ManualClock.ts';
export {
  type CallContext,
  type Category,
  type ErrorOutcome,
  failureCategories,
  type Outcome,
  type ResponseOutcome,
  type Verdict,
} from './Outcome.ts';
export type { Action, ExecuteOptions, Policy } from './Policy.ts';
export type { BreakerState, BreakerStore, DurableState } from './store/types.ts';

// --- classification ---

// --- policies: retry, fallback ---

// --- policies: timeout, bulkhead, rate limiter, pipeline ---

// --- operations: redaction, stores ---
