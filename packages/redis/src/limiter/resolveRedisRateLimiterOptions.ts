import type { Cluster, Redis } from 'ioredis';
import {
  BreakwaterConfigError,
  expectInteger,
  expectNumber,
  expectObject,
  expectString,
  type KnownKeys,
  type RateLimiterOptions,
  type ResolvedRateLimiterOptions,
  rejectUnknownKeys,
  resolveRateLimiterOptions,
} from '../core.ts';

/** Options for {@link RedisRateLimiter}: the core `RateLimiter`'s, plus where the budget lives. */
export interface RedisRateLimiterOptions extends RateLimiterOptions {
  /**
   * The connection to copy: the limiter opens one connection of its own with
   * `client.duplicate()` (no offline queue, a capped reconnect backoff) and never uses or
   * closes `client` itself.
   */
  client: Redis | Cluster;
  /**
   * The budget's name: every limiter with the same `prefix` and `name` shares one budget, and
   * their `capacity`, `refill` and `windowMs` must agree. Also names the limiter in errors and
   * events. Required: a fleet must not share a budget by accident.
   */
  name: string;
  /**
   * Prepended to the budget's keys; limiters with different prefixes share nothing.
   * @defaultValue `'breakwater:'`
   */
  prefix?: string;
  /**
   * The server counts in fixed windows of this length aligned to the epoch (Binance's request
   * weight: 60_000): besides the bucket, the fleet never spends more than
   * `capacity × (1 − safetyMarginRate)` in one such window (on Redis' clock), however the bucket
   * refilled. The margin absorbs calls granted just before a boundary that the server counts
   * after it. `0`: no windows.
   * @defaultValue `0`
   */
  windowMs?: number;
  /**
   * The most weight one limiter pre-claims beyond what its calls need, so that the next calls
   * take it without a round trip. The script grants less with many limiters active: all
   * pre-claimed weight together stays within `safetyMarginRate × capacity`, which is how far
   * the fleet can overshoot a server's count in the worst case. `0`: every acquisition is a round
   * trip.
   * @defaultValue 5% of `capacity`, rounded down
   */
  maxBatchWeight?: number;
  /**
   * Share of the budget that calls with `priority: 'low'` (market data) leave to the others
   * (orders), across the whole fleet.
   * @defaultValue `0.2`
   */
  lowPriorityReserveRate?: number;
  /**
   * A Redis command slower than this fails, and the call is served by the local fallback.
   * Calls made before the first connection wait for it up to 1 s (or this, if longer), unless
   * it is refused.
   * @defaultValue `250`
   */
  commandTimeoutMs?: number;
  /**
   * The fewest processes assumed to share the budget when Redis cannot be reached: the local
   * fallback spends `1 / max(fallbackProcesses, active limiters last seen)` of it. Set it to
   * the size of your fleet, so that a fleet that starts while Redis is down stays within the
   * budget.
   * @defaultValue `1`
   */
  fallbackProcesses?: number;
  /**
   * The longest wait between reconnection attempts (the backoff doubles from 25 ms up to it).
   * @defaultValue `500`
   */
  maxReconnectDelayMs?: number;
  /**
   * How long a limiter counts as active after its last acquisition, in Redis milliseconds: the
   * script shares the budget among active limiters, and the local fallback takes
   * `1 / active` of it.
   * @defaultValue `10_000`
   */
  activeTtlMs?: number;
}

/** The validated, frozen form of {@link RedisRateLimiterOptions}. */
export interface ResolvedRedisRateLimiterOptions extends ResolvedRateLimiterOptions {
  readonly client: Redis | Cluster;
  readonly prefix: string;
  readonly windowMs: number;
  readonly maxBatchWeight: number;
  readonly lowPriorityReserveRate: number;
  readonly commandTimeoutMs: number;
  readonly maxReconnectDelayMs: number;
  readonly activeTtlMs: number;
  readonly fallbackProcesses: number;
  /** The options of a local limiter, for the fallback. */
  readonly local: RateLimiterOptions;
}

const known: KnownKeys<RedisRateLimiterOptions> = {
  client: true,
  name: true,
  prefix: true,
  windowMs: true,
  maxBatchWeight: true,
  lowPriorityReserveRate: true,
  commandTimeoutMs: true,
  maxReconnectDelayMs: true,
  activeTtlMs: true,
  fallbackProcesses: true,
  capacity: true,
  refill: true,
  maxWaitMs: true,
  safetyMarginRate: true,
  maxResetWaitMs: true,
  clock: true,
  onListenerError: true,
};

/** Redis keeps expiries as signed 64-bit ms; a year is far beyond any real window. */
const maxDurationMs = 365 * 86_400_000;

/**
 * Validates {@link RedisRateLimiterOptions} once, at construction.
 * @throws BreakwaterConfigError naming the option, what is allowed and what was received
 */
export function resolveRedisRateLimiterOptions(
  options: RedisRateLimiterOptions,
): ResolvedRedisRateLimiterOptions {
  expectObject('options', options);
  rejectUnknownKeys('', options, known);
  const {
    client,
    prefix,
    windowMs,
    maxBatchWeight,
    lowPriorityReserveRate,
    commandTimeoutMs,
    maxReconnectDelayMs,
    activeTtlMs,
    fallbackProcesses,
    ...local
  } = options;
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof (client as { duplicate?: unknown }).duplicate !== 'function'
  ) {
    throw new BreakwaterConfigError('client', 'an ioredis Redis or Cluster instance', client);
  }
  if (options.name === undefined) {
    throw new BreakwaterConfigError('name', 'the name of the shared budget', undefined);
  }
  const core = resolveRateLimiterOptions(local);
  return Object.freeze({
    ...core,
    client,
    prefix: prefix === undefined ? 'breakwater:' : expectString('prefix', prefix),
    windowMs: expectInteger('windowMs', windowMs ?? 0, 0, maxDurationMs),
    maxBatchWeight: expectNumber(
      'maxBatchWeight',
      maxBatchWeight ?? Math.floor(core.capacity * 0.05),
      0,
      core.capacity,
    ),
    lowPriorityReserveRate: expectNumber(
      'lowPriorityReserveRate',
      lowPriorityReserveRate ?? 0.2,
      0,
      0.99,
    ),
    commandTimeoutMs: expectInteger('commandTimeoutMs', commandTimeoutMs ?? 250, 1, 60_000),
    maxReconnectDelayMs: expectInteger(
      'maxReconnectDelayMs',
      maxReconnectDelayMs ?? 500,
      1,
      60_000,
    ),
    activeTtlMs: expectInteger('activeTtlMs', activeTtlMs ?? 10_000, 1, maxDurationMs),
    fallbackProcesses: expectInteger('fallbackProcesses', fallbackProcesses ?? 1, 1, 1_000_000),
    local: Object.freeze(local),
  });
}
