import { BreakwaterConfigError, type Clock } from '@breakwater/core';
import {
  expectBoolean,
  expectClock,
  expectFunction,
  expectInteger,
  expectNumber,
  expectObject,
  expectOneOf,
  expectString,
  type KnownKeys,
  maxTimerMs,
  rejectUnknownKeys,
  systemClock,
} from '@breakwater/core/adapter';
import { type BreakwaterOptions, checkBreakwaterOptions } from './toCoreOptions.ts';
import type {
  CacheTransport,
  CoalesceResetEvent,
  Options,
  RotateBucketController,
  StateInput,
  StatusInput,
  StatusOptions,
} from './types.ts';

/** The window part of the options, shared by breakers and `CircuitBreaker.newStatus()`. */
export interface ResolvedWindowOptions {
  readonly rollingCountTimeout: number;
  readonly rollingCountBuckets: number;
  /** opossum's bucket interval: `floor(rollingCountTimeout / rollingCountBuckets)`. */
  readonly bucketMs: number;
  readonly rollingPercentilesEnabled: boolean;
  readonly enableSnapshots: boolean;
  readonly rotateBucketController: RotateBucketController | undefined;
  readonly clock: Clock;
}

/** The validated, frozen form of {@link Options}, with opossum's defaults applied. */
export interface ResolvedOptions<TI extends unknown[] = unknown[]> extends ResolvedWindowOptions {
  /** `false` when calls have no deadline (`timeout: false` or `0`). */
  readonly timeout: number | false;
  readonly resetTimeout: number;
  readonly errorThresholdPercentage: number;
  readonly name: string | undefined;
  readonly group: string | undefined;
  readonly capacity: number;
  readonly enabled: boolean;
  readonly allowWarmUp: boolean;
  readonly volumeThreshold: number;
  // Method syntax, so a breaker of one action type is assignable to `CircuitBreaker` (any action).
  /** opossum's `errorFilter`: a truthy result means the error does not count as a failure. */
  errorFilter?(err: unknown, ...args: TI): unknown;
  readonly cache: boolean;
  readonly cacheTTL: number;
  readonly cacheSize: number;
  /** opossum's `cacheGetKey`: the cache key of a call's arguments. */
  cacheGetKey(...args: TI): string;
  readonly cacheTransport: CacheTransport | undefined;
  readonly coalesce: boolean;
  /** `0` when coalesced promises never expire. */
  readonly coalesceTTL: number;
  readonly coalesceSize: number;
  readonly coalesceResetOn: readonly CoalesceResetEvent[];
  readonly abortController: AbortController | undefined;
  readonly autoRenewAbortController: boolean;
  readonly status: StatusInput | undefined;
  readonly state: StateInput | undefined;
  readonly breakwater: BreakwaterOptions;
}

const knownKeys: KnownKeys<Options> = {
  timeout: true,
  resetTimeout: true,
  errorThresholdPercentage: true,
  rollingCountTimeout: true,
  rollingCountBuckets: true,
  name: true,
  group: true,
  rollingPercentilesEnabled: true,
  capacity: true,
  enabled: true,
  allowWarmUp: true,
  volumeThreshold: true,
  errorFilter: true,
  cache: true,
  cacheTTL: true,
  cacheSize: true,
  cacheGetKey: true,
  cacheTransport: true,
  coalesce: true,
  coalesceTTL: true,
  coalesceSize: true,
  coalesceResetOn: true,
  abortController: true,
  autoRenewAbortController: true,
  enableSnapshots: true,
  rotateBucketController: true,
  status: true,
  state: true,
  maxFailures: true,
  breakwater: true,
};

const statusKeys: KnownKeys<StatusOptions> = {
  rollingCountTimeout: true,
  rollingCountBuckets: true,
  rollingPercentilesEnabled: true,
  enableSnapshots: true,
  rotateBucketController: true,
  stats: true,
  clock: true,
};

/** The largest Map opossum's cache allows. */
const maxCacheEntries = 2 ** 24 - 1;
const coalesceResetEvents: readonly CoalesceResetEvent[] = ['error', 'success', 'timeout'];

/**
 * Validates a breaker's options once, at construction, and applies opossum's defaults. Where
 * opossum throws a `TypeError` (a cache transport or abort controller without its methods) the
 * same `TypeError` is thrown; values opossum would silently misuse (a negative timeout, a
 * threshold of 150 %) throw a `BreakwaterConfigError` naming the option.
 */
export function resolveOptions<TI extends unknown[]>(
  options: Options<TI> | undefined,
): ResolvedOptions<TI> {
  const o: Options<TI> = options ?? {};
  expectObject('options', o as unknown);
  rejectUnknownKeys('', o, knownKeys);
  const breakwater = checkBreakwaterOptions(o.breakwater);
  const window = resolveWindow(
    o,
    breakwater.clock === undefined
      ? systemClock
      : expectClock('breakwater.clock', breakwater.clock),
  );
  const timeout = resolveTimeout(o.timeout);
  if (o.maxFailures !== undefined) expectNumber('maxFailures', o.maxFailures, 0);
  return Object.freeze({
    ...window,
    timeout,
    resetTimeout: expectNumber('resetTimeout', o.resetTimeout ?? 30_000, 0, maxTimerMs),
    errorThresholdPercentage: expectNumber(
      'errorThresholdPercentage',
      o.errorThresholdPercentage ?? 50,
      0,
      100,
    ),
    name: o.name === undefined ? undefined : expectString('name', o.name),
    group: o.group === undefined ? undefined : expectString('group', o.group),
    capacity: expectInteger('capacity', o.capacity ?? Number.MAX_SAFE_INTEGER, 0),
    enabled: expectBoolean('enabled', o.enabled ?? true),
    allowWarmUp: expectBoolean('allowWarmUp', o.allowWarmUp ?? false),
    volumeThreshold: expectInteger('volumeThreshold', o.volumeThreshold ?? 0, 0),
    errorFilter: optionalFunction<(err: unknown, ...args: TI) => unknown>(
      'errorFilter',
      o.errorFilter,
    ),
    cache: expectBoolean('cache', o.cache ?? false),
    cacheTTL: expectNumber('cacheTTL', o.cacheTTL ?? 0, 0),
    cacheSize: expectInteger('cacheSize', o.cacheSize ?? maxCacheEntries, 1, maxCacheEntries),
    cacheGetKey:
      optionalFunction<(...args: TI) => string>('cacheGetKey', o.cacheGetKey) ?? defaultCacheKey,
    cacheTransport: o.cache === true ? resolveCacheTransport(o.cacheTransport) : undefined,
    coalesce: expectBoolean('coalesce', o.coalesce ?? false),
    coalesceTTL: resolveCoalesceTTL(o.coalesceTTL, timeout),
    coalesceSize: expectInteger(
      'coalesceSize',
      o.coalesceSize ?? maxCacheEntries,
      1,
      maxCacheEntries,
    ),
    coalesceResetOn: resolveCoalesceResetOn(o.coalesceResetOn),
    abortController: resolveAbortController(o.abortController),
    autoRenewAbortController: expectBoolean(
      'autoRenewAbortController',
      o.autoRenewAbortController ?? false,
    ),
    status: o.status === undefined ? undefined : resolveStatus(o.status),
    state: o.state === undefined ? undefined : resolveState(o.state),
    breakwater,
  });
}

/** Validates `CircuitBreaker.newStatus()`'s options. */
export function resolveStatusOptions(options: StatusOptions | undefined): ResolvedWindowOptions {
  const o = options ?? {};
  expectObject('options', o as unknown);
  rejectUnknownKeys('', o, statusKeys);
  if (o.stats !== undefined) expectObject('stats', o.stats as unknown);
  return resolveWindow(o, o.clock === undefined ? systemClock : expectClock('clock', o.clock));
}

function resolveWindow(o: StatusOptions, clock: Clock): ResolvedWindowOptions {
  const rollingCountTimeout = expectNumber(
    'rollingCountTimeout',
    o.rollingCountTimeout ?? 10_000,
    1,
    maxTimerMs,
  );
  // A bucket shorter than 1 ms would make opossum's interval fire every millisecond.
  const rollingCountBuckets = expectInteger(
    'rollingCountBuckets',
    o.rollingCountBuckets ?? 10,
    1,
    Math.floor(rollingCountTimeout),
  );
  return {
    rollingCountTimeout,
    rollingCountBuckets,
    bucketMs: Math.floor(rollingCountTimeout / rollingCountBuckets),
    rollingPercentilesEnabled: expectBoolean(
      'rollingPercentilesEnabled',
      o.rollingPercentilesEnabled ?? true,
    ),
    enableSnapshots: expectBoolean('enableSnapshots', o.enableSnapshots ?? true),
    rotateBucketController: resolveController(o.rotateBucketController),
    clock,
  };
}

function resolveTimeout(timeout: unknown): number | false {
  if (timeout === undefined) return 10_000;
  // opossum tests `if (options.timeout)`: 0 means no timeout, as false does.
  if (timeout === false || timeout === 0) return false;
  if (typeof timeout === 'number' && timeout > 0 && timeout <= maxTimerMs) return timeout;
  throw new BreakwaterConfigError(
    'timeout',
    `milliseconds from 1 to ${maxTimerMs}, or false for none`,
    timeout,
  );
}

function resolveCoalesceTTL(ttl: unknown, timeout: number | false): number {
  // opossum's default is the timeout; with no timeout, coalesced promises never expire.
  if (ttl === undefined) return timeout === false ? 0 : timeout;
  if (ttl === false) return 0;
  return expectNumber('coalesceTTL', ttl, 0);
}

function resolveCoalesceResetOn(value: unknown): readonly CoalesceResetEvent[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new BreakwaterConfigError(
      'coalesceResetOn',
      "an array of 'error', 'success', 'timeout'",
      value,
    );
  }
  return Object.freeze(
    value.map((event, i) => expectOneOf(`coalesceResetOn[${i}]`, event, coalesceResetEvents)),
  );
}

function resolveCacheTransport(transport: unknown): CacheTransport | undefined {
  if (transport === undefined) return undefined;
  const t = transport as Partial<CacheTransport> | null;
  if (
    typeof t !== 'object' ||
    t === null ||
    typeof t.get !== 'function' ||
    typeof t.set !== 'function' ||
    typeof t.flush !== 'function'
  ) {
    // opossum's own error, word for word.
    throw new TypeError(
      'options.cacheTransport should be an object with `get`, `set` and `flush` methods',
    );
  }
  return transport as CacheTransport;
}

function resolveAbortController(controller: unknown): AbortController | undefined {
  if (controller === undefined) return undefined;
  if (typeof (controller as Partial<AbortController> | null)?.abort !== 'function') {
    throw new TypeError('AbortController does not contain `abort()` method');
  }
  return controller as AbortController;
}

function resolveController(controller: unknown): RotateBucketController | undefined {
  if (controller === undefined) return undefined;
  const c = controller as Partial<RotateBucketController> | null;
  if (
    typeof c !== 'object' ||
    c === null ||
    typeof c.on !== 'function' ||
    typeof c.removeListener !== 'function'
  ) {
    throw new BreakwaterConfigError(
      'rotateBucketController',
      "an EventEmitter that emits 'rotate'",
      controller,
    );
  }
  return controller as RotateBucketController;
}

function resolveStatus(status: unknown): StatusInput {
  expectObject('status', status);
  return status as StatusInput;
}

function resolveState(state: unknown): StateInput {
  expectObject('state', state);
  return state as StateInput;
}

function optionalFunction<F>(path: string, value: unknown): F | undefined {
  return value === undefined ? undefined : (expectFunction(path, value) as F);
}

/** opossum's default cache key. */
function defaultCacheKey(...args: unknown[]): string {
  return JSON.stringify(args);
}
