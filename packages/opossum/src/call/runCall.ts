import { BreakerOpenError, type Permit } from '@breakwater/core';
import { createError, messages } from '../errors.ts';
import { counter } from '../status/counters.ts';
import { type BreakerParts, elapsed, emit, listened } from './BreakerParts.ts';
import { fail, reject, resetCoalesce, semaphoreLocked, succeed } from './outcomes.ts';
import { cacheResult, TimedCall } from './TimedCall.ts';

/**
 * One `fire()` / `call()`, in opossum's order: shut down? → `fire` → disabled? → cache → coalesce
 * → open? → semaphore → the action, with its timeout. The core decides "open?" (and which call is
 * a half-open probe) and records the outcome; the rolling window and events are opossum's.
 */
// hot path: closed breaker, no timeout, cache or coalescing: no object per call beyond the
// argument array, the action's promise and its two handlers.
export function runCall<TI extends unknown[], TR>(
  parts: BreakerParts<TI, TR>,
  context: unknown,
  args: TI,
): Promise<TR> {
  if (parts.shutdown) return Promise.reject(createError(messages.shutdown, 'ESHUTDOWN'));
  const start = parts.latency ? parts.clock.monotonic() : -1;
  parts.window.add(counter.fires);
  if (listened(parts, 'fire')) emit(parts, 'fire', args);
  if (!parts.enabled) return runUnprotected(parts, context, args);
  const options = parts.options;
  let key = '';
  if (options.cache || options.coalesce) {
    try {
      key = options.cacheGetKey.apply(parts.emitter, args);
    } catch (error) {
      // opossum throws it out of fire(); a call always gives a promise here.
      return Promise.reject(error);
    }
    const hit = lookUp(parts, key);
    if (hit !== undefined) return hit;
  }
  const permit = parts.core.tryAcquire();
  if (permit instanceof BreakerOpenError) return reject(parts, permit, args);
  // Semaphore rejections are never coalesced: opossum forgets them at once.
  if (parts.inFlight >= options.capacity) return semaphoreLocked(parts, permit, args);
  parts.inFlight++;
  const timed =
    options.timeout === false ? undefined : new TimedCall(parts, permit, args, start, key);
  let promise: Promise<TR>;
  try {
    const result = parts.action.apply(context, args);
    const action = result instanceof Promise ? result : Promise.resolve(result);
    promise =
      timed === undefined ? settle(parts, permit, args, start, key, action) : timed.wait(action);
  } catch (error) {
    promise =
      timed === undefined ? failSync(parts, permit, error, args, start) : timed.failSync(error);
    if (options.coalesce) return coalesced(parts, key, promise, 'error');
    return promise;
  }
  if (options.coalesce) return coalesced(parts, key, promise, undefined);
  return promise;
}

/** Waits for the action's promise without a timeout. */
// hot path: the two handlers are the only closures a closed call creates.
function settle<TI extends unknown[], TR>(
  parts: BreakerParts<TI, TR>,
  permit: Permit,
  args: TI,
  start: number,
  key: string,
  action: Promise<TR>,
): Promise<TR> {
  return action.then(
    (value) => {
      parts.inFlight--;
      succeed(parts, permit, value, elapsed(parts, start));
      if (parts.coalesceCache !== undefined) resetCoalesce(parts, key, 'success');
      if (parts.cache !== undefined) cacheResult(parts, key, action);
      return value;
    },
    (error: unknown) => {
      parts.inFlight--;
      const recovered = fail(parts, permit, error, args, elapsed(parts, start), 'unknown');
      if (parts.coalesceCache !== undefined) resetCoalesce(parts, key, 'error');
      if (recovered === undefined) throw error;
      return recovered as Promise<TR>;
    },
  );
}

/** The action threw before returning a promise (opossum treats it as a failed call). */
function failSync<TI extends unknown[], TR>(
  parts: BreakerParts<TI, TR>,
  permit: Permit,
  error: unknown,
  args: TI,
  start: number,
): Promise<TR> {
  parts.inFlight--;
  const recovered = fail(parts, permit, error, args, elapsed(parts, start), 'unknown');
  return (recovered ?? Promise.reject(error)) as Promise<TR>;
}

/**
 * Shares `promise` with later callers of the same key for `coalesceTTL`. A call that already
 * failed synchronously is shared only if `coalesceResetOn` keeps failures (opossum stores it
 * after forgetting it, and so serves the failure for the whole TTL).
 */
function coalesced<TI extends unknown[], TR>(
  parts: BreakerParts<TI, TR>,
  key: string,
  promise: Promise<TR>,
  settledWith: 'error' | undefined,
): Promise<TR> {
  if (settledWith !== undefined && parts.options.coalesceResetOn.includes(settledWith)) {
    return promise;
  }
  const ttl = parts.options.coalesceTTL;
  parts.coalesceCache!.set(key, promise, ttl > 0 ? parts.clock.now() + ttl : 0);
  return promise;
}

/** Returns a cached result or a coalesced in-flight call, counting hits and misses. */
function lookUp<TI extends unknown[], TR>(
  parts: BreakerParts<TI, TR>,
  key: string,
): Promise<TR> | undefined {
  if (parts.cache !== undefined) {
    const cached = readCache(parts, key);
    if (cached) {
      parts.window.add(counter.cacheHits);
      if (listened(parts, 'cacheHit')) emit(parts, 'cacheHit');
      return Promise.resolve(cached) as Promise<TR>;
    }
    parts.window.add(counter.cacheMisses);
    if (listened(parts, 'cacheMiss')) emit(parts, 'cacheMiss');
  }
  if (parts.coalesceCache !== undefined) {
    const inFlight = parts.coalesceCache.get(key);
    if (inFlight) {
      parts.window.add(counter.coalesceCacheHits);
      if (listened(parts, 'coalesceCacheHit')) emit(parts, 'coalesceCacheHit');
      return inFlight as Promise<TR>;
    }
    parts.window.add(counter.coalesceCacheMisses);
    if (listened(parts, 'coalesceCacheMiss')) emit(parts, 'coalesceCacheMiss');
  }
  return undefined;
}

/** A cache that throws is a miss: the call goes to the action, the error to `report`. */
function readCache<TI extends unknown[], TR>(parts: BreakerParts<TI, TR>, key: string): unknown {
  try {
    return parts.cache!.get(key);
  } catch (error) {
    parts.report(error, 'cacheTransport');
    return undefined;
  }
}

/**
 * A disabled breaker calls the action directly: no cache, timeout, fallback or counting beyond
 * the fire. A synchronous throw or a plain value still gives a promise (opossum throws out of
 * `fire()`, and fails on `undefined` with a TypeError).
 */
function runUnprotected<TI extends unknown[], TR>(
  parts: BreakerParts<TI, TR>,
  context: unknown,
  args: TI,
): Promise<TR> {
  try {
    const result = parts.action.apply(context, args);
    return result instanceof Promise ? result : Promise.resolve(result);
  } catch (error) {
    return Promise.reject(error);
  }
}
