import type { EventEmitter } from 'node:events';
import type { BreakwaterOptions } from './toCoreOptions.ts';

/**
 * The counters of one bucket of the rolling window, and of the whole window in
 * {@link Stats}. Names and meanings are opossum's.
 */
export interface Bucket {
  /** Calls that failed (rejected, timed out or hit a full semaphore) and were not filtered. */
  failures: number;
  /** Fallback functions called. */
  fallbacks: number;
  /** Calls that succeeded, or failed with an error `errorFilter` accepted. */
  successes: number;
  /** Calls rejected because the breaker was open. */
  rejects: number;
  /** Calls to `fire()` / `call()`, whatever became of them. */
  fires: number;
  /** Calls that took longer than `timeout`. */
  timeouts: number;
  cacheHits: number;
  cacheMisses: number;
  coalesceCacheHits: number;
  coalesceCacheMisses: number;
  /** Calls rejected because `capacity` calls were already running. */
  semaphoreRejections: number;
  /** In {@link Stats}: latency percentiles keyed 0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 1. */
  percentiles: { [percentile: number]: number };
  /** Durations in milliseconds of the calls counted as successes, failures and timeouts. */
  latencyTimes: number[];
  /** In a window bucket: set when the breaker opened (`true`) or closed (`false`) during it. */
  isCircuitBreakerOpen?: boolean;
}

/** The rolling window, newest bucket first. */
export type Window = Bucket[];

/** The counters summed over the rolling window, with latency figures. */
export interface Stats extends Bucket {
  /** Mean latency in milliseconds; `0` with no sample, `-1` when percentiles are disabled. */
  latencyMean: number;
}

/**
 * A breaker's state as `toJSON()` reports it, and as the `state` option restores it.
 */
export interface State {
  name: string;
  enabled: boolean;
  closed: boolean;
  open: boolean;
  halfOpen: boolean;
  warmUp: boolean;
  shutdown: boolean;
  /**
   * Epoch milliseconds (a `number`) of the last time the breaker opened, `undefined` if it never
   * did. opossum reports its construction time here.
   *
   * Typed `any` because `@types/opossum` types it as a `symbol`: any other type would make our
   * breakers unassignable to code typed for opossum (metrics exporters taking `CircuitBreaker[]`).
   */
  // biome-ignore lint/suspicious/noExplicitAny: see above; the value is `number | undefined`.
  lastTimerAt: any;
}

/** What the `state` option accepts: a {@link State} from `toJSON()`, or any part of it. */
export interface StateInput {
  name?: string | undefined;
  enabled?: boolean | undefined;
  closed?: boolean | undefined;
  open?: boolean | undefined;
  halfOpen?: boolean | undefined;
  warmUp?: boolean | undefined;
  shutdown?: boolean | undefined;
  lastTimerAt?: number | symbol | undefined;
}

/**
 * A cache for `cache: true`: the breaker stores each successful call's promise under its key.
 * `set`'s third argument is the epoch millisecond the entry expires at, or `0` for never.
 */
export interface CacheTransport {
  /** The cached value under `key`, or `undefined`. */
  get(key: string): unknown;
  /** Caches `value` under `key` until `ttl` (epoch ms; `0` for never). */
  set(key: string, value: unknown, ttl: number): void;
  /** Empties the cache. */
  flush(): void;
}

/** The built-in in-memory {@link CacheTransport}. */
export type MemoryCache = CacheTransport;

/** When a coalesced call's promise is forgotten before its `coalesceTTL`. */
export type CoalesceResetEvent = 'error' | 'success' | 'timeout';

/** An emitter whose `'rotate'` events rotate the window's buckets (opossum's shared timer). */
export type RotateBucketController = Pick<EventEmitter, 'on' | 'removeListener' | 'listenerCount'>;

/**
 * Options of `new CircuitBreaker(action, options)`: opossum's, with opossum's defaults, and
 * `breakwater` for what Breakwater adds.
 */
export interface Options<TI extends unknown[] = unknown[]> {
  /**
   * Milliseconds a call may take before it fails with `ETIMEDOUT`; `false` (or `0`) for none.
   * @defaultValue `10000`
   */
  timeout?: number | false | undefined;
  /**
   * Milliseconds the breaker stays open before it lets a trial call through (half-open).
   * @defaultValue `30000`
   */
  resetTimeout?: number | undefined;
  /**
   * The failure percentage (failures / fires × 100) above which the breaker opens.
   * @defaultValue `50`
   */
  errorThresholdPercentage?: number | undefined;
  /**
   * Length of the rolling statistics window, in milliseconds; also the warm-up period.
   * @defaultValue `10000`
   */
  rollingCountTimeout?: number | undefined;
  /**
   * Buckets the rolling window is divided into.
   * @defaultValue `10`
   */
  rollingCountBuckets?: number | undefined;
  /**
   * The breaker's name, in stats, `toJSON()` and Breakwater's events.
   * @defaultValue the action's function name, else a random UUID
   */
  name?: string | undefined;
  /**
   * A grouping key for reporting.
   * @defaultValue the name
   */
  group?: string | undefined;
  /**
   * Record every call's latency and report percentiles; when `false`, latency figures are `-1`.
   * @defaultValue `true`
   */
  rollingPercentilesEnabled?: boolean | undefined;
  /**
   * Calls allowed to run at once; more are rejected with `ESEMLOCKED`.
   * @defaultValue `Number.MAX_SAFE_INTEGER`
   */
  capacity?: number | undefined;
  /**
   * Whether the breaker protects calls when created; see `disable()`.
   * @defaultValue `true`
   */
  enabled?: boolean | undefined;
  /**
   * Ignore failures for the first `rollingCountTimeout` milliseconds: never open then.
   * @defaultValue `false`
   */
  allowWarmUp?: boolean | undefined;
  /**
   * Fires the window must hold before failures can open the breaker.
   * @defaultValue `0`
   */
  volumeThreshold?: number | undefined;
  /**
   * Called with a call's error and arguments; a truthy result counts the call as a success (the
   * caller still gets the error, and no fallback runs). Use it for errors that say nothing about
   * the dependency's health, such as a 404.
   * @defaultValue every error counts as a failure
   */
  // biome-ignore lint/suspicious/noExplicitAny: `@types/opossum` gives the filter `err: any`; code written against it reads properties of `err` unchecked.
  errorFilter?: ((err: any, ...args: TI) => boolean) | undefined;
  /**
   * Cache each successful result under `cacheGetKey(...args)` and return it to later calls.
   * @defaultValue `false`
   */
  cache?: boolean | undefined;
  /**
   * Milliseconds a cached result lives; `0` for ever.
   * @defaultValue `0`
   */
  cacheTTL?: number | undefined;
  /**
   * Entries the built-in cache holds; the oldest goes first.
   * @defaultValue `2 ** 24 - 1`
   */
  cacheSize?: number | undefined;
  /**
   * The cache (and coalescing) key of a call.
   * @defaultValue `(...args) => JSON.stringify(args)`
   */
  cacheGetKey?: ((...args: TI) => string) | undefined;
  /**
   * Where cached results live.
   * @defaultValue an in-memory cache of `cacheSize` entries
   */
  cacheTransport?: CacheTransport | undefined;
  /**
   * Share one in-flight call among callers with the same key.
   * @defaultValue `false`
   */
  coalesce?: boolean | undefined;
  /**
   * Milliseconds a coalesced promise is shared; `0` (or `false`) for ever.
   * @defaultValue `timeout`
   */
  coalesceTTL?: number | false | undefined;
  /**
   * Entries the coalescing cache holds.
   * @defaultValue `2 ** 24 - 1`
   */
  coalesceSize?: number | undefined;
  /**
   * Outcomes after which a coalesced promise is forgotten at once.
   * @defaultValue `[]`: only `coalesceTTL` ends sharing
   */
  coalesceResetOn?: readonly CoalesceResetEvent[] | undefined;
  /**
   * Aborted when a call times out; read its signal with `getSignal()` and pass it to the action.
   * @defaultValue none
   */
  abortController?: AbortController | undefined;
  /**
   * Replace an aborted `abortController` when the breaker half-opens or closes.
   * @defaultValue `false`
   */
  autoRenewAbortController?: boolean | undefined;
  /**
   * Let `status` emit `'snapshot'` every bucket interval (only while someone listens).
   * @defaultValue `true`
   */
  enableSnapshots?: boolean | undefined;
  /**
   * Rotate the window's buckets on this emitter's `'rotate'` events instead of by time.
   * @defaultValue none: buckets rotate every `rollingCountTimeout / rollingCountBuckets` ms
   */
  rotateBucketController?: RotateBucketController | undefined;
  /**
   * Stats to start from: a `Status` from `CircuitBreaker.newStatus()` (shared: the breaker counts
   * into it), or a `Stats` object or another implementation's status (copied into the newest
   * bucket).
   * @defaultValue empty stats
   */
  status?: StatusInput | undefined;
  /**
   * State to start from, e.g. `toJSON().state` saved by a previous process. An open state whose
   * `resetTimeout` has passed since `lastTimerAt` starts half-open.
   * @defaultValue closed
   */
  state?: StateInput | undefined;
  /**
   * Deprecated in opossum and ignored there too; use `errorThresholdPercentage`.
   * @deprecated
   */
  maxFailures?: number | undefined;
  /**
   * Breakwater features beyond opossum: classification with Retry-After, half-open probes,
   * recovery backoff, a shared store, a clock for tests. See the README.
   * @defaultValue opossum's behaviour
   */
  breakwater?: BreakwaterOptions | undefined;
}

/** What `CircuitBreaker.newStatus()` and the `status` option take. */
export interface StatusOptions
  extends Pick<
    Options,
    | 'rollingCountBuckets'
    | 'rollingCountTimeout'
    | 'rollingPercentilesEnabled'
    | 'enableSnapshots'
    | 'rotateBucketController'
  > {
  /** Counters (and `latencyTimes`) to start the newest bucket with. */
  stats?: Partial<Stats> | undefined;
  /**
   * Source of time and timers.
   * @defaultValue the system clock
   */
  clock?: BreakwaterOptions['clock'];
}

/** What the `status` option takes: a status (anything with `stats`) or the stats themselves. */
export type StatusInput = { readonly stats: Partial<Stats> } | Partial<Stats>;

/** The public face of a `Status`, as `@types/opossum` declares it. */
export interface StatusLike extends EventEmitter {
  readonly stats: Stats;
  readonly window: Window;
}
