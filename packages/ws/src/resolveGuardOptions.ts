import {
  type Backoff,
  type BreakerOptions,
  BreakwaterConfigError,
  type CircuitBreaker,
  type Clock,
  exponentialBackoff,
  type ListenerErrorHandler,
  type RateLimiter,
} from '@breakwater/core';
import {
  expectBoolean,
  expectClock,
  expectFunction,
  expectNumber,
  expectObject,
  expectString,
  type KnownKeys,
  maxTimerMs,
  rejectUnknownKeys,
  systemClock,
} from '@breakwater/core/adapter';
import type { CloseCodeOptions, CloseCodeTable } from './closeCodes.ts';
import type { ConnectReason } from './events.ts';
import type { HeartbeatOptions, ResolvedHeartbeatOptions } from './heartbeat.ts';
import type { DropPolicy } from './OutgoingQueue.ts';
import { isBreakerLike, isPlainObjectOrInstance } from './options/common.ts';
import { resolveBreaker } from './options/resolveBreaker.ts';
import { resolveCloseCodeOptions } from './options/resolveCloseCodeOptions.ts';
import { type ConnectRateOptions, resolveConnectRate } from './options/resolveConnectRate.ts';
import { resolveHeartbeatOptions } from './options/resolveHeartbeatOptions.ts';
import { type QueueOptions, resolveQueueOptions } from './options/resolveQueueOptions.ts';
import { resolveRotationOptions } from './options/resolveRotationOptions.ts';
import type { ResolvedRotationOptions, RotationOptions } from './rotation.ts';
import type { OutgoingData, WebSocketLike } from './socketAdapter.ts';

// Declared beside their resolvers; exported here with the rest of GuardOptions.
export type { ConnectRateOptions, QueueOptions };

/** What the factory is told about the connection it makes. */
export interface ConnectContext {
  readonly reason: ConnectReason;
  /** Consecutive failed attempts before this one. */
  readonly attempt: number;
  /**
   * Aborted when this connection ends, whatever ends it: `connectTimeoutMs` (with the
   * `TimeoutError` as its reason), `close()`, a halt, a failure or a loss. Pass it to whatever an
   * async factory waits for (`fetch(url, { signal })`), so that a hung request is cancelled.
   */
  readonly signal: AbortSignal;
}

/**
 * Makes one raw socket: `() => new WebSocket(url)` with `ws` or the standard WebSocket. It may
 * be async, e.g. to fetch a fresh Binance listen key or a Kraken token first: `close()` does not
 * wait for a factory that has not settled (its `signal` is aborted), and closes the socket it
 * yields later at once. A factory that throws, rejects or returns no WebSocket fails its attempt
 * (an `error` event with `phase: 'connect'`), and the guard tries again after backoff.
 *
 * @example
 * ```ts
 * // Your REST call for a listen key: it passes `signal` on to its fetch.
 * declare function fetchListenKey(init: { signal: AbortSignal }): Promise<string>;
 * const factory: WebSocketFactory = async ({ signal }) => {
 *   const listenKey = await fetchListenKey({ signal });
 *   return new WebSocket(`wss://stream.binance.com:9443/ws/${listenKey}`);
 * };
 * ```
 */
export type WebSocketFactory<S extends WebSocketLike = WebSocketLike> = (
  context: ConnectContext,
) => S | PromiseLike<S>;

/** What the resubscribe hook gets. */
export interface ResubscribeContext<S extends WebSocketLike = WebSocketLike> {
  readonly reason: ConnectReason;
  /** Sends on the new socket directly, ahead of the queue; false if it is not open. */
  send(data: OutgoingData): boolean;
  /** The new raw socket, e.g. to wait for a subscription ack. */
  readonly socket: S;
}

/** Reconnection after a lost connection. */
export interface ReconnectOptions {
  /**
   * Delay before each attempt, indexed by consecutive failed attempts (reset once a connection
   * has lived `minUptimeMs`).
   * @defaultValue `exponentialBackoff({ initialMs: 500, factor: 2, maxMs: 30_000, jitter: 'equal' })`
   */
  backoff?: Backoff;
  /**
   * Reconnect after a `normal` close (1000) from the server too, instead of halting.
   * @defaultValue `false`
   */
  onNormalClose?: boolean;
}

/**
 * Options of `guardWebSocket()`. Every option is optional. `S` is the socket the factory makes,
 * as `resubscribe` sees it.
 */
export interface GuardOptions<S extends WebSocketLike = WebSocketLike> {
  /**
   * The guard's name, and its breaker's: in events, errors and metrics. Never put a secret in it.
   * @defaultValue the URL without query or credentials (`redactUrl`), or `'websocket'` with a factory
   */
  name?: string;
  /**
   * The breaker every connection attempt goes through: options for a new one, or an existing
   * breaker (shared with the REST client of the same exchange, say). A new breaker takes the
   * guard's `name` and `clock`, and a `halfOpen.probeTimeoutMs` above
   * `connectTimeoutMs + minUptimeMs` so that a probe connection is settled before it expires.
   * @defaultValue `{}` (five failures in a row open it; see `@breakwater/core`)
   */
  breaker?: BreakerOptions | CircuitBreaker;
  /** How reconnection works. */
  reconnect?: ReconnectOptions;
  /**
   * A connection that closes before it has been open this long counts as a failed attempt
   * (flapping); one that lives this long settles its attempt as a success.
   * @defaultValue `5000`
   */
  minUptimeMs?: number;
  /**
   * Longest an attempt may take to open and run the resubscribe hook; a `timeout` failure after.
   * @defaultValue `10000`
   */
  connectTimeoutMs?: number;
  /**
   * A hard bound on connection attempts, against exchange bans: `{ limit, windowMs }` (never more
   * than `limit` in any window: bursts of up to half, then evenly spread), an existing
   * `RateLimiter` (one weight per attempt; share one between the sockets of one IP), or `false`.
   * @defaultValue `{ limit: 30, windowMs: 300_000 }`
   */
  maxConnectsPerWindow?: ConnectRateOptions | RateLimiter | false;
  /**
   * The heartbeat, or `false` for none. Without `message`, a protocol ping, which only `ws` can
   * send: `guardWebSocket(url)` (the standard WebSocket) refuses such a heartbeat, and a factory
   * returning a standard WebSocket runs none.
   * @defaultValue `{ intervalMs: 15_000, timeoutMs: 10_000 }` with a factory; none with a URL
   */
  heartbeat?: HeartbeatOptions | false;
  /** Overrides of the close-code classification. */
  closeCodes?: CloseCodeOptions;
  /**
   * The queue of messages sent while disconnected, or `false` for none.
   * @defaultValue `{ maxSize: 1000, dropPolicy: 'newest' }`
   */
  queue?: QueueOptions | false;
  /**
   * Runs on every new connection (the first too) once it is open, before the queue is flushed;
   * the connection counts as open when it returns, or when the promise (any thenable) it returns
   * resolves; any other value is ignored, so `({ send }) => send(subscription)` works. Send your
   * subscriptions here. If it throws or rejects, the connection is ended (an `error` event with
   * `phase: 'resubscribe'`) and the guard connects again after backoff.
   */
  resubscribe?: (context: ResubscribeContext<S>) => unknown;
  /** Make-before-break rotation of ageing connections; none by default. */
  rotation?: RotationOptions;
  /**
   * Source of time, timers and randomness, for the guard and a breaker it creates.
   * @defaultValue the given breaker's clock, else `systemClock`
   */
  clock?: Clock;
  /**
   * Receives errors thrown by event listeners. Errors thrown by the factory, `resubscribe`,
   * `heartbeat.message`, `heartbeat.isPong` and `rotation.messageId` are `error` events instead.
   * @defaultValue rethrow in a microtask
   */
  onListenerError?: ListenerErrorHandler;
}

/**
 * The validated, frozen form of {@link GuardOptions}. Not generic, so that a guard of any socket
 * type is a `ResilientWebSocket<WebSocketLike>` too: `resubscribe` is only ever called with the
 * socket its guard's factory made.
 */
export interface ResolvedGuardOptions {
  readonly name: string;
  readonly breaker: CircuitBreaker;
  /** True when the guard created the breaker and disposes of it on `close()`. */
  readonly ownsBreaker: boolean;
  readonly backoff: Backoff;
  readonly reconnectOnNormalClose: boolean;
  readonly minUptimeMs: number;
  readonly connectTimeoutMs: number;
  readonly limiter: RateLimiter | undefined;
  readonly heartbeat: ResolvedHeartbeatOptions | undefined;
  readonly closeCodes: CloseCodeTable;
  readonly queueMaxSize: number;
  readonly dropPolicy: DropPolicy;
  readonly resubscribe: ((context: ResubscribeContext) => unknown) | undefined;
  readonly rotation: ResolvedRotationOptions | undefined;
  readonly clock: Clock;
  readonly onListenerError: ListenerErrorHandler | undefined;
}
const known: KnownKeys<GuardOptions> = {
  name: true,
  breaker: true,
  reconnect: true,
  minUptimeMs: true,
  connectTimeoutMs: true,
  maxConnectsPerWindow: true,
  heartbeat: true,
  closeCodes: true,
  queue: true,
  resubscribe: true,
  rotation: true,
  clock: true,
  onListenerError: true,
};
const knownReconnect: KnownKeys<ReconnectOptions> = { backoff: true, onNormalClose: true };

/** The default reconnect delays: 250–500 ms, then doubling up to 15–30 s. */
export const defaultBackoff = exponentialBackoff({
  initialMs: 500,
  factor: 2,
  maxMs: 30_000,
  jitter: 'equal',
});

/**
 * Validates the guard's options once, at construction, and creates the breaker and the connect
 * rate limiter it will use.
 * @throws BreakwaterConfigError naming the first invalid or unknown option
 */
export function resolveGuardOptions<S extends WebSocketLike = WebSocketLike>(
  options: GuardOptions<S> = {},
): ResolvedGuardOptions {
  expectObject('options', options as unknown);
  rejectUnknownKeys('', options, known);
  const name = expectString('name', options.name ?? 'websocket');
  const minUptimeMs = expectNumber('minUptimeMs', options.minUptimeMs ?? 5_000, 0, maxTimerMs);
  const connectTimeoutMs = expectNumber(
    'connectTimeoutMs',
    options.connectTimeoutMs ?? 10_000,
    1,
    maxTimerMs,
  );
  const given = options.breaker;
  const clock = expectClock(
    'clock',
    options.clock ?? (isBreakerLike(given) ? given.options.clock : systemClock),
  );
  const reconnect = options.reconnect ?? {};
  expectObject('reconnect', reconnect as unknown);
  rejectUnknownKeys('reconnect', reconnect, knownReconnect);
  const queue = resolveQueueOptions(options.queue);
  const onListenerError = options.onListenerError;
  if (onListenerError !== undefined) expectFunction('onListenerError', onListenerError);
  if (options.resubscribe !== undefined) expectFunction('resubscribe', options.resubscribe);
  const settleBound = connectTimeoutMs + minUptimeMs;
  const rotation = resolveRotationOptions(options.rotation, minUptimeMs);
  const limiter = resolveConnectRate(options.maxConnectsPerWindow, name, clock);
  const heartbeat = resolveHeartbeatOptions(options.heartbeat);
  const closeCodes = resolveCloseCodeOptions(options.closeCodes);
  const backoff = resolveBackoff(reconnect.backoff);
  const reconnectOnNormalClose =
    reconnect.onNormalClose === undefined
      ? false
      : expectBoolean('reconnect.onNormalClose', reconnect.onNormalClose);
  // Last: nothing above may throw once the breaker exists.
  const breaker = resolveBreaker(given, name, clock, settleBound);
  return Object.freeze({
    name,
    breaker,
    ownsBreaker: !isBreakerLike(given),
    backoff,
    reconnectOnNormalClose,
    minUptimeMs,
    connectTimeoutMs,
    limiter,
    heartbeat,
    closeCodes,
    queueMaxSize: queue.maxSize,
    dropPolicy: queue.dropPolicy,
    resubscribe: options.resubscribe as ResolvedGuardOptions['resubscribe'],
    rotation,
    clock,
    onListenerError,
  });
}

function resolveBackoff(value: unknown): Backoff {
  if (value === undefined) return defaultBackoff;
  if (isPlainObjectOrInstance(value) && typeof (value as Backoff).delayMs === 'function') {
    return value as Backoff;
  }
  throw new BreakwaterConfigError(
    'reconnect.backoff',
    'a Backoff such as exponentialBackoff() from @breakwater/core',
    value,
  );
}
