import { type BreakerOpenError, type Permit, success, type Verdict } from '@breakwater/core';
import { createError, messages } from '../errors.ts';
import { type Counter, counter } from '../status/counters.ts';
import type { CoalesceResetEvent } from '../types.ts';
import { type BreakerParts, emit, listened } from './BreakerParts.ts';

/**
 * How a call ended, in opossum's terms, and how the core records it. opossum knows two outcomes:
 * a success, and a failure (which a truthy `errorFilter` turns into a success). With
 * `breakwater.classify`, the core's verdict decides, and an outcome it ignores (a 4xx, a caller's
 * abort) is handled as a filtered error: it counts as a success and runs no fallback.
 */

/** Records a successful call. */
// hot path: once per successful call.
export function succeed<TI extends unknown[], TR>(
  parts: BreakerParts<TI, TR>,
  permit: Permit,
  value: unknown,
  latencyMs: number,
): void {
  count(parts, counter.successes, latencyMs);
  // Before the event, as in opossum, whose close() runs inside its 'success' emit: a probe's
  // success closes the breaker, so listeners see 'close' first.
  permit.settle(success());
  if (listened(parts, 'success')) emit(parts, 'success', value, Math.max(0, latencyMs));
}

/** Counts a success, failure or timeout, with its latency when it was measured. */
export function count<TI extends unknown[], TR>(
  parts: BreakerParts<TI, TR>,
  slot: Counter,
  latencyMs: number,
): void {
  parts.window.add(slot);
  if (latencyMs >= 0) parts.window.addLatency(latencyMs);
}

/**
 * Records a failed call (an error, a timeout, a full semaphore) and runs the fallback. Returns
 * the fallback's promise, or `undefined` when the caller gets the error.
 */
export function fail<TI extends unknown[], TR>(
  parts: BreakerParts<TI, TR>,
  permit: Permit,
  error: unknown,
  args: TI,
  latencyMs: number,
  category: 'timeout' | 'unknown',
): Promise<unknown> | undefined {
  const verdict = decide(parts, error, args, category);
  if (verdict === filtered) {
    succeed(parts, permit, error, latencyMs);
    return undefined;
  }
  if (verdict.verdict !== 'failure') {
    // The core's verdict (`success`, or `ignore` for a 4xx or an abort) is what it records; in
    // opossum's terms the call is a filtered error.
    count(parts, counter.successes, latencyMs);
    permit.settle(verdict);
    if (listened(parts, 'success')) emit(parts, 'success', error, Math.max(0, latencyMs));
    return undefined;
  }
  count(parts, counter.failures, latencyMs);
  if (listened(parts, 'failure')) {
    emit(parts, 'failure', error, Math.max(0, latencyMs), args);
  }
  // After the event: opossum opens the breaker after its 'failure' listeners ran.
  permit.settle(verdict);
  return fallback(parts, error, args);
}

/** Rejects a call the core refused (open, or half-open with its probes taken). */
export function reject<TI extends unknown[], TR>(
  parts: BreakerParts<TI, TR>,
  refusal: BreakerOpenError,
  args: TI,
): Promise<TR> {
  const error = createError(messages.open, 'EOPENBREAKER', refusal);
  parts.window.add(counter.rejects);
  if (listened(parts, 'reject')) emit(parts, 'reject', error);
  return (fallback(parts, error, args) ?? Promise.reject(error)) as Promise<TR>;
}

/** Rejects a call because `capacity` calls are running; opossum counts it as a failure too. */
export function semaphoreLocked<TI extends unknown[], TR>(
  parts: BreakerParts<TI, TR>,
  permit: Permit,
  args: TI,
): Promise<TR> {
  const error = createError(messages.semaphoreLocked, 'ESEMLOCKED');
  parts.window.add(counter.semaphoreRejections);
  if (listened(parts, 'semaphoreLocked')) emit(parts, 'semaphoreLocked', error, 0);
  const recovered = fail(parts, permit, error, args, parts.latency ? 0 : -1, 'unknown');
  return (recovered ?? Promise.reject(error)) as Promise<TR>;
}

/**
 * Calls the fallback with `(...args, error)`, as opossum does; `undefined` when there is none. A
 * fallback that throws rejects the call with what it threw.
 */
export function fallback<TI extends unknown[], TR>(
  parts: BreakerParts<TI, TR>,
  error: unknown,
  args: TI,
): Promise<unknown> | undefined {
  const fn = parts.fallback;
  if (fn === undefined) return undefined;
  let result: unknown;
  try {
    result = fn.apply(fn, [...args, error]);
  } catch (thrown) {
    return Promise.reject(thrown);
  }
  parts.window.add(counter.fallbacks);
  if (listened(parts, 'fallback')) emit(parts, 'fallback', result, error);
  return result instanceof Promise ? result : Promise.resolve(result);
}

/** Forgets a coalesced call when its outcome is one of `coalesceResetOn` (always without one). */
export function resetCoalesce<TI extends unknown[], TR>(
  parts: BreakerParts<TI, TR>,
  key: string,
  event: CoalesceResetEvent | undefined,
): void {
  if (parts.coalesceCache === undefined) return;
  if (event === undefined || parts.options.coalesceResetOn.includes(event)) {
    parts.coalesceCache.delete(key);
  }
}

/** What `decide` returns for an error `errorFilter` accepts. */
const filtered: unique symbol = Symbol('filtered');

/**
 * The core's verdict with `breakwater.classify`, otherwise a failure of `category`; `filtered`
 * for an error `errorFilter` accepts. A filter that throws counts as no opinion: the error is
 * reported and the call is judged without it.
 */
function decide<TI extends unknown[], TR>(
  parts: BreakerParts<TI, TR>,
  error: unknown,
  args: TI,
  category: 'timeout' | 'unknown',
): Verdict | typeof filtered {
  const filter = parts.options.errorFilter;
  if (filter !== undefined) {
    try {
      if (filter(error, ...args)) return filtered;
    } catch (thrown) {
      parts.report(thrown, 'errorFilter');
    }
  }
  if (parts.classify) return parts.core.classify({ kind: 'error', error });
  return category === 'timeout' ? timeoutFailure : unknownFailure;
}

const timeoutFailure: Verdict = Object.freeze({ verdict: 'failure', category: 'timeout' });
const unknownFailure: Verdict = Object.freeze({ verdict: 'failure', category: 'unknown' });
