/**
 * Everything this package takes from `@breakwater/core`, in one place: the store contract and
 * its data, and the helpers a store author reuses (option checks, the emitter, redaction). When
 * the core moves its store-author helpers to `@breakwater/core/adapter`, only this file changes.
 */
export {
  type BreakerState,
  type BreakerStore,
  BreakwaterConfigError,
  type Clock,
  type DurableState,
  Emitter,
  expectClock,
  expectFunction,
  expectInteger,
  expectObject,
  expectString,
  type KnownKeys,
  type ListenerErrorHandler,
  type RedactedError,
  redactError,
  rejectUnknownKeys,
  reportCallbackError,
  rethrowInMicrotask,
  systemClock,
} from '@breakwater/core';
