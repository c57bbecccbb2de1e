import type { Cluster, Redis } from 'ioredis';
import {
  BreakwaterConfigError,
  type Clock,
  expectClock,
  expectFunction,
  expectInteger,
  expectObject,
  expectString,
  type KnownKeys,
  type ListenerErrorHandler,
  rejectUnknownKeys,
  rethrowInMicrotask,
  systemClock,
} from './core.ts';

/** Quorum mode: the fleet opens only when several processes agree. */
export interface QuorumOptions {
  /**
   * How many processes must open their breaker within `windowMs` before it opens for the
   * fleet; until then each one is open only for itself. At least 2.
   */
  minProcesses: number;
  /**
   * How long a process's vote counts, in milliseconds of Redis time.
   * @defaultValue 60_000
   */
  windowMs?: number;
}

/** Options for {@link RedisStore}. */
export interface RedisStoreOptions {
  /**
   * The connection to copy: the store opens its own two connections with `client.duplicate()`
   * (one for commands, one subscriber), with a capped reconnect backoff and no offline queue.
   * A standalone `Redis` or a `Redis.Cluster`. The store never uses or closes `client` itself.
   */
  client: Redis | Cluster;
  /**
   * Prepended to every key and to the channel; stores with different prefixes share nothing.
   * @defaultValue `'breakwater:'`
   */
  prefix?: string;
  /**
   * The clock of the breakers that use the store: its wall clock converts shared open periods
   * to local times, and probe-lease waits run on its monotonic clock.
   * @defaultValue the core's `systemClock`
   */
  clock?: Clock;
  /**
   * How long a breaker's shared state outlives its last write (plus its open period), so that
   * abandoned breakers disappear from Redis.
   * @defaultValue 86_400_000 (one day)
   */
  stateTtlMs?: number;
  /**
   * The longest wait between reconnection attempts (the backoff doubles from 25 ms up to it),
   * so a restarted Redis is in use again within about this long.
   * @defaultValue 500
   */
  maxReconnectDelayMs?: number;
  /**
   * How long a Redis command may take before it counts as failed; `breaker.ready` also waits
   * at most this long for a connection.
   * @defaultValue 1_000
   */
  commandTimeoutMs?: number;
  /** Opens a breaker for the fleet only when several processes agree. Off when absent. */
  quorum?: QuorumOptions;
  /**
   * Receives an error thrown by a listener of the store's events.
   * @defaultValue rethrow in a microtask
   */
  onListenerError?: ListenerErrorHandler;
}

/** The validated, frozen form of {@link RedisStoreOptions}. */
export interface ResolvedRedisStoreOptions {
  readonly client: Redis | Cluster;
  readonly prefix: string;
  readonly clock: Clock;
  readonly stateTtlMs: number;
  readonly maxReconnectDelayMs: number;
  readonly commandTimeoutMs: number;
  /** 0 when quorum mode is off. */
  readonly quorumMinProcesses: number;
  readonly quorumWindowMs: number;
  readonly onListenerError: ListenerErrorHandler;
}

const knownOptions: KnownKeys<RedisStoreOptions> = {
  client: true,
  prefix: true,
  clock: true,
  stateTtlMs: true,
  maxReconnectDelayMs: true,
  commandTimeoutMs: true,
  quorum: true,
  onListenerError: true,
};
const knownQuorumOptions: KnownKeys<QuorumOptions> = { minProcesses: true, windowMs: true };

/** Redis keeps expiries in ms as a signed 64-bit value; a year is far beyond any real use. */
const maxDurationMs = 365 * 86_400_000;

/**
 * Validates {@link RedisStoreOptions} once, at construction.
 * @throws BreakwaterConfigError naming the option, what is allowed and what was received
 */
export function resolveRedisStoreOptions(options: RedisStoreOptions): ResolvedRedisStoreOptions {
  expectObject('options', options);
  rejectUnknownKeys('', options, knownOptions);
  const client = options.client;
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof (client as { duplicate?: unknown }).duplicate !== 'function'
  ) {
    throw new BreakwaterConfigError('client', 'an ioredis Redis or Cluster instance', client);
  }
  let quorumMinProcesses = 0;
  let quorumWindowMs = 60_000;
  if (options.quorum !== undefined) {
    expectObject('quorum', options.quorum);
    rejectUnknownKeys('quorum', options.quorum, knownQuorumOptions);
    quorumMinProcesses = expectInteger('quorum.minProcesses', options.quorum.minProcesses, 2);
    quorumWindowMs = expectInteger(
      'quorum.windowMs',
      options.quorum.windowMs ?? quorumWindowMs,
      1,
      maxDurationMs,
    );
  }
  return Object.freeze({
    client,
    prefix: options.prefix === undefined ? 'breakwater:' : expectString('prefix', options.prefix),
    clock: expectClock('clock', options.clock ?? systemClock),
    stateTtlMs: expectInteger('stateTtlMs', options.stateTtlMs ?? 86_400_000, 1, maxDurationMs),
    maxReconnectDelayMs: expectInteger(
      'maxReconnectDelayMs',
      options.maxReconnectDelayMs ?? 500,
      1,
      60_000,
    ),
    commandTimeoutMs: expectInteger(
      'commandTimeoutMs',
      options.commandTimeoutMs ?? 1_000,
      1,
      60_000,
    ),
    quorumMinProcesses,
    quorumWindowMs,
    onListenerError: expectFunction<ListenerErrorHandler>(
      'onListenerError',
      options.onListenerError ?? rethrowInMicrotask,
    ),
  });
}
