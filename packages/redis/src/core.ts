/**
 * Everything this package takes from `@breakwater/core`, in one place: the store contract and
 * its data from the main entry, and from `@breakwater/core/adapter` the helpers a store author
 * reuses (option checks, the emitter, the clock, redaction).
 */
export {
  type BreakerState,
  type BreakerStore,
  BreakwaterConfigError,
  type Clock,
  type DurableState,
  type ListenerErrorHandler,
  redactError,
} from '@breakwater/core';
export {
  Emitter,
  expectClock,
  expectFunction,
  expectInteger,
  expectObject,
  expectString,
  type KnownKeys,
  type RedactedError,
  rejectUnknownKeys,
  reportCallbackError,
  rethrowInMicrotask,
  systemClock,
} from '@breakwater/core/adapter';
