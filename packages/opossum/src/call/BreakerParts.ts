import type { EventEmitter } from 'node:events';
import type { Clock, CircuitBreaker as CoreBreaker } from '@breakwater/core';
import type { MemoryCache } from '../MemoryCache.ts';
import type { ResolvedOptions } from '../resolveOptions.ts';
import type { RollingWindow } from '../status/RollingWindow.ts';
import type { CacheTransport } from '../types.ts';
import type { DeadlineQueue } from './DeadlineQueue.ts';

/** A fallback as the breaker calls it: `(...args, error)`, with itself as `this`. */
export type FallbackFunction = (...args: unknown[]) => unknown;

/**
 * Everything one breaker's calls need, in one object the call modules share: the public class
 * keeps it in a private field, so none of it is reachable from outside.
 */
export interface BreakerParts<TI extends unknown[], TR> {
  /** The public breaker: events are emitted on it, `cacheGetKey` and health checks run on it. */
  readonly emitter: EventEmitter;
  readonly options: ResolvedOptions<TI>;
  /** Set once, right after the parts are made (the core's constructor reads them). */
  core: CoreBreaker;
  readonly window: RollingWindow;
  readonly clock: Clock;
  /**
   * Measure each call's latency (two clock reads): on once someone can see latencies (a
   * listener of an event that carries one, a read of the stats), never without percentiles.
   */
  latency: boolean;
  /** Classify errors with the core's rules (`breakwater.classify` was given). */
  readonly classify: boolean;
  /** Monotonic ms until which failures cannot open the breaker (`allowWarmUp`); 0 for none. */
  readonly warmUpUntil: number;
  readonly action: (...args: TI) => TR | PromiseLike<TR>;
  readonly cache: CacheTransport | undefined;
  readonly coalesceCache: MemoryCache | undefined;
  /** Where errors thrown by listeners and filters go (`breakwater.onListenerError`). */
  readonly report: (error: unknown, event: string) => void;
  fallback: FallbackFunction | undefined;
  enabled: boolean;
  shutdown: boolean;
  /** Calls running now, for `capacity` (opossum's semaphore). */
  inFlight: number;
  /** The deadlines of calls with a timeout; created on the first one. */
  deadlines: DeadlineQueue | undefined;
  abortController: AbortController | undefined;
}

/**
 * Emits a breaker event. A listener that throws never changes the call's outcome or the
 * breaker's state (in opossum it turns a success into a failure, or throws out of `fire()`): its
 * error goes to `report`, and the listeners after it for this event do not run, as with any
 * EventEmitter.
 */
export function emit<TI extends unknown[], TR>(
  parts: BreakerParts<TI, TR>,
  event: string,
  ...args: unknown[]
): void {
  try {
    parts.emitter.emit(event, ...args);
  } catch (error) {
    parts.report(error, event);
  }
}

/** True when someone listens to `event`: event arguments are built only then. */
export function listened<TI extends unknown[], TR>(
  parts: BreakerParts<TI, TR>,
  event: string,
): boolean {
  return parts.emitter.listenerCount(event) !== 0;
}

/** True during the warm-up (`allowWarmUp`): no failure opens the breaker then. */
export function warmingUp<TI extends unknown[], TR>(parts: BreakerParts<TI, TR>): boolean {
  return parts.warmUpUntil > 0 && parts.clock.monotonic() < parts.warmUpUntil;
}

/** Replaces an aborted `abortController` (`autoRenewAbortController`): half-open and close. */
export function renewAbortController<TI extends unknown[], TR>(parts: BreakerParts<TI, TR>): void {
  if (parts.options.autoRenewAbortController && parts.abortController?.signal.aborted) {
    parts.abortController = new AbortController();
  }
}

/** The latency of a call that started at `start` (`-1`: not measured, then `-1`). */
export function elapsed<TI extends unknown[], TR>(
  parts: BreakerParts<TI, TR>,
  start: number,
): number {
  return start < 0 ? -1 : parts.clock.monotonic() - start;
}
