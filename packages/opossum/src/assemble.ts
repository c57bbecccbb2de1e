import type { EventEmitter } from 'node:events';
import { CircuitBreaker as CoreBreaker } from '@breakwater/core';
import type { BreakerParts } from './call/BreakerParts.ts';
import { MemoryCache } from './MemoryCache.ts';
import { OpossumTripRule } from './OpossumTripRule.ts';
import type { ResolvedOptions } from './resolveOptions.ts';
import { StateView } from './StateView.ts';
import { RollingWindow } from './status/RollingWindow.ts';
import { Status, windowOf } from './status/Status.ts';
import { rethrowInMicrotask } from './timers.ts';
import { toCoreOptions, underBreakwater } from './toCoreOptions.ts';
import type { StateInput, Stats } from './types.ts';

/** What a new breaker is made of. */
export interface Assembled<TI extends unknown[], TR> {
  readonly parts: BreakerParts<TI, TR>;
  readonly view: StateView;
  /** The `options.status` shared with other breakers, if one was given. */
  readonly sharedStatus: Status | undefined;
  /** Follow the core's transitions at once: a restored open state, or a store. */
  readonly followNow: boolean;
}

/**
 * Builds a breaker's parts from its validated options: the rolling window (its own, or a shared
 * `Status`'s), the core breaker with opossum's trip rule, the caches, and the state view (with a
 * restored `state` applied).
 * @throws BreakwaterConfigError when the core refuses a `breakwater` option (named as such)
 */
export function assemble<TI extends unknown[], TR>(
  emitter: EventEmitter,
  action: ((...args: TI) => TR | PromiseLike<TR>) | TR,
  o: ResolvedOptions<TI>,
): Assembled<TI, TR> {
  const fn =
    typeof action === 'function'
      ? (action as (...args: TI) => TR | PromiseLike<TR>)
      : () => Promise.resolve(action as TR);
  const name = o.name ?? (fn.name || globalThis.crypto.randomUUID());
  const clock = o.clock;
  const state = o.state;
  const shared = o.status instanceof Status ? o.status : undefined;
  const window = shared === undefined ? ownWindow(o) : windowOf(shared);
  const parts: BreakerParts<TI, TR> = {
    emitter,
    options: o,
    // Set below: the core builds the trip rule, which reads these parts, in its constructor.
    core: undefined as unknown as CoreBreaker,
    window,
    clock,
    // Whoever holds a shared Status may read latencies at any time: measure from the start.
    latency: window.percentiles && shared !== undefined,
    classify: o.breakwater.classify !== undefined,
    warmUpUntil:
      o.allowWarmUp || state?.warmUp === true ? clock.monotonic() + o.rollingCountTimeout : 0,
    action: fn,
    cache: o.cache ? (o.cacheTransport ?? new MemoryCache(o.cacheSize, clock)) : undefined,
    coalesceCache: o.coalesce ? new MemoryCache(o.coalesceSize, clock) : undefined,
    report: o.breakwater.onListenerError ?? rethrowInMicrotask,
    fallback: undefined,
    // opossum: a restored state decides, whatever `enabled` says.
    enabled: state === undefined ? o.enabled : state.enabled !== false,
    shutdown: false,
    inFlight: 0,
    deadlines: undefined,
    abortController:
      o.abortController ?? (o.autoRenewAbortController ? new AbortController() : undefined),
  };
  const restore = restoredOpenUntil(state, o.resetTimeout, clock.now());
  try {
    parts.core = new CoreBreaker(
      toCoreOptions({
        name,
        resetTimeout: o.resetTimeout,
        breakwater: o.breakwater,
        restoredOpenUntil: restore,
        now: clock.now(),
        createTripRule: () => new OpossumTripRule(parts),
      }),
    );
  } catch (error) {
    throw underBreakwater(error);
  }
  const view = new StateView(parts);
  if (restore !== undefined) {
    const at = state?.lastTimerAt;
    view.restore(restore, typeof at === 'number' ? at : undefined);
  }
  return {
    parts,
    view,
    sharedStatus: shared,
    followNow: restore !== undefined || o.breakwater.store !== undefined,
  };
}

/** A breaker's own window, primed with `options.status` when that is a stats object. */
function ownWindow<TI extends unknown[]>(o: ResolvedOptions<TI>): RollingWindow {
  const given = o.status;
  // opossum primes its window from a stats object; another implementation's status (real
  // opossum's) gives its current stats.
  const primed = given !== undefined && 'stats' in given ? given.stats : given;
  return new RollingWindow({
    bucketCount: o.rollingCountBuckets,
    bucketMs: o.bucketMs,
    percentiles: o.rollingPercentilesEnabled,
    controller: o.rotateBucketController,
    clock: o.clock,
    primed: primed as Partial<Stats> | undefined,
  });
}

/**
 * When a restored state is open, the epoch ms its open period ends (opossum's `lastTimerAt` +
 * `resetTimeout`: only what is left of it, where opossum starts a full one), or `'halfOpen'`
 * when it is over or the state was half-open.
 */
function restoredOpenUntil(
  state: StateInput | undefined,
  resetTimeout: number,
  now: number,
): number | 'halfOpen' | undefined {
  if (state === undefined || state.shutdown === true) return undefined;
  if (state.halfOpen === true) return 'halfOpen';
  if (state.closed !== false) return undefined;
  const openedAt = typeof state.lastTimerAt === 'number' ? state.lastTimerAt : now;
  const until = openedAt + resetTimeout;
  return until <= now ? 'halfOpen' : until;
}
