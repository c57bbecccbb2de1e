import {
  type Backoff,
  type BreakerOptions,
  BreakwaterConfigError,
  CircuitBreaker,
  type Clock,
  expectBoolean,
  expectClock,
  expectFunction,
  expectInteger,
  expectNumber,
  expectObject,
  expectString,
  exponentialBackoff,
  type KnownKeys,
  type ListenerErrorHandler,
  RateLimiter,
  rejectUnknownKeys,
  systemClock,
} from '@breakwater/core';
import type { CloseCodeMatch, CloseCodeOptions, CloseCodeTable } from './closeCodes.ts';
import type { ConnectReason } from './events.ts';
import type { HeartbeatOptions, ResolvedHeartbeatOptions } from './heartbeat.ts';
import type { DropPolicy } from './OutgoingQueue.ts';
import type { ResolvedRotationOptions, RotationOptions } from './rotation.ts';
import type { MessageData, OutgoingData, WebSocketLike } from './socketAdapter.ts';

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

/** The outgoing queue used while disconnected. */
export interface QueueOptions {
  /**
   * Messages kept while disconnected; `0` drops every message sent while disconnected.
   * @defaultValue `1000`
   */
  maxSize?: number;
  /**
   * What a full queue gives up.
   * @defaultValue `'newest'` (the message being sent; `send()` returns false)
   */
  dropPolicy?: DropPolicy;
}

/** A bound on connection attempts: at most `limit` in any `windowMs`. */
export interface ConnectRateOptions {
  /** Attempts allowed per window; an integer >= 2. */
  limit: number;
  /** The window, in milliseconds. */
  windowMs: number;
}

/** Options of `guardWebSocket()`. Every option is optional. */
export interface GuardOptions {
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
   * The heartbeat, or `false` for none.
   * @defaultValue `{ intervalMs: 15_000, timeoutMs: 10_000 }` (protocol pings with `ws`)
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
   * the connection counts as open when it returns (or its promise resolves). Send your
   * subscriptions here. If it throws or rejects, the connection is ended (an `error` event with
   * `phase: 'resubscribe'`) and the guard connects again after backoff.
   */
  resubscribe?: (context: ResubscribeContext) => void | PromiseLike<void>;
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

/** The validated, frozen form of {@link GuardOptions}. */
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
  readonly resubscribe: ((context: ResubscribeContext) => void | PromiseLike<void>) | undefined;
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
const knownQueue: KnownKeys<QueueOptions> = { maxSize: true, dropPolicy: true };
const knownRate: KnownKeys<ConnectRateOptions> = { limit: true, windowMs: true };
const knownHeartbeat: KnownKeys<HeartbeatOptions> = {
  intervalMs: true,
  timeoutMs: true,
  message: true,
  isPong: true,
};
const knownCloseCodes: KnownKeys<CloseCodeOptions> = { auth: true, normal: true, transient: true };
const knownRotation: KnownKeys<RotationOptions> = {
  maxLifetimeMs: true,
  overlapMs: true,
  messageId: true,
};

/** The default reconnect delays: 250–500 ms, then doubling up to 15–30 s. */
const defaultBackoff = exponentialBackoff({
  initialMs: 500,
  factor: 2,
  maxMs: 30_000,
  jitter: 'equal',
});

/** Longest a timer can wait (setTimeout's 32-bit bound). */
const maxDelayMs = 2_147_483_647;

/** The largest count option (connects per window, queue size) the guard accepts. */
const maxCount = 1_000_000_000;

/**
 * Validates the guard's options once, at construction, and creates the breaker and the connect
 * rate limiter it will use.
 * @throws BreakwaterConfigError naming the first invalid or unknown option
 */
export function resolveGuardOptions(options: GuardOptions = {}): ResolvedGuardOptions {
  expectObject('options', options as unknown);
  rejectUnknownKeys('', options, known);
  const name = expectString('name', options.name ?? 'websocket');
  const minUptimeMs = expectNumber('minUptimeMs', options.minUptimeMs ?? 5_000, 0, maxDelayMs);
  const connectTimeoutMs = expectNumber(
    'connectTimeoutMs',
    options.connectTimeoutMs ?? 10_000,
    1,
    maxDelayMs,
  );
  const given = options.breaker;
  const clock = expectClock(
    'clock',
    options.clock ?? (isBreakerLike(given) ? given.options.clock : systemClock),
  );
  const reconnect = options.reconnect ?? {};
  expectObject('reconnect', reconnect as unknown);
  rejectUnknownKeys('reconnect', reconnect, knownReconnect);
  const queue = resolveQueue(options.queue);
  const onListenerError = options.onListenerError;
  if (onListenerError !== undefined) expectFunction('onListenerError', onListenerError);
  if (options.resubscribe !== undefined) expectFunction('resubscribe', options.resubscribe);
  const settleBound = connectTimeoutMs + minUptimeMs;
  const rotation = resolveRotation(options.rotation, minUptimeMs);
  const limiter = resolveLimiter(options.maxConnectsPerWindow, name, clock);
  const heartbeat = resolveHeartbeat(options.heartbeat);
  const closeCodes = resolveCloseCodes(options.closeCodes);
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
    resubscribe: options.resubscribe,
    rotation,
    clock,
    onListenerError,
  });
}

function resolveBreaker(
  given: BreakerOptions | CircuitBreaker | undefined,
  name: string,
  clock: Clock,
  settleBound: number,
): CircuitBreaker {
  const probeRule = `a number > connectTimeoutMs + minUptimeMs (${settleBound}), so that a probe connection is settled before it expires`;
  if (isBreakerLike(given)) {
    const probeTimeoutMs = given.options.probeTimeoutMs;
    if (!(probeTimeoutMs > settleBound)) {
      throw new BreakwaterConfigError('breaker.halfOpen.probeTimeoutMs', probeRule, probeTimeoutMs);
    }
    return given;
  }
  const user = given ?? {};
  expectObject('breaker', user as unknown);
  const halfOpen = user.halfOpen;
  const probeTimeoutMs = isPlainObject(halfOpen) ? halfOpen.probeTimeoutMs : undefined;
  if (probeTimeoutMs !== undefined && !(probeTimeoutMs > settleBound)) {
    throw new BreakwaterConfigError('breaker.halfOpen.probeTimeoutMs', probeRule, probeTimeoutMs);
  }
  return new CircuitBreaker({
    ...user,
    name: user.name ?? name,
    clock: user.clock ?? clock,
    halfOpen:
      halfOpen === undefined || isPlainObject(halfOpen)
        ? {
            ...halfOpen,
            probeTimeoutMs: probeTimeoutMs ?? Math.max(60_000, settleBound + 1_000),
          }
        : halfOpen,
  });
}

function resolveLimiter(
  value: GuardOptions['maxConnectsPerWindow'],
  name: string,
  clock: Clock,
): RateLimiter | undefined {
  if (value === false) return undefined;
  if (isLimiterLike(value)) return value;
  const rate = value ?? { limit: 30, windowMs: 300_000 };
  expectObject('maxConnectsPerWindow', rate as unknown);
  rejectUnknownKeys('maxConnectsPerWindow', rate, knownRate);
  const limit = expectInteger('maxConnectsPerWindow.limit', rate.limit, 2, maxCount);
  const windowMs = expectNumber('maxConnectsPerWindow.windowMs', rate.windowMs, 1, maxDelayMs);
  // A token bucket lets a full bucket plus a window's refill through in one window: half the
  // limit as the burst and half as the refill keep every window at or below `limit`.
  return new RateLimiter({
    name: `${name} connects`,
    capacity: Math.ceil(limit / 2),
    refill: { amount: Math.floor(limit / 2), intervalMs: windowMs },
    clock,
  });
}

function resolveHeartbeat(value: GuardOptions['heartbeat']): ResolvedHeartbeatOptions | undefined {
  if (value === false) return undefined;
  const heartbeat = value ?? {};
  expectObject('heartbeat', heartbeat as unknown);
  rejectUnknownKeys('heartbeat', heartbeat, knownHeartbeat);
  const message = heartbeat.message;
  let makeMessage: (() => OutgoingData) | undefined;
  if (typeof message === 'function') makeMessage = message as () => OutgoingData;
  else if (message !== undefined) {
    if (
      typeof message !== 'string' &&
      !ArrayBuffer.isView(message) &&
      typeof message !== 'object'
    ) {
      throw new BreakwaterConfigError(
        'heartbeat.message',
        'a string, binary data or a function returning one',
        message,
      );
    }
    const fixed = message as OutgoingData;
    makeMessage = () => fixed;
  }
  const isPong = heartbeat.isPong;
  if (isPong !== undefined) expectFunction('heartbeat.isPong', isPong);
  return Object.freeze({
    intervalMs: expectNumber('heartbeat.intervalMs', heartbeat.intervalMs ?? 15_000, 1, maxDelayMs),
    timeoutMs: expectNumber('heartbeat.timeoutMs', heartbeat.timeoutMs ?? 10_000, 1, maxDelayMs),
    message: makeMessage,
    isPong: isPong as ((data: MessageData) => boolean) | undefined,
  });
}

function resolveQueue(value: GuardOptions['queue']): { maxSize: number; dropPolicy: DropPolicy } {
  if (value === false) return { maxSize: 0, dropPolicy: 'newest' };
  const queue = value ?? {};
  expectObject('queue', queue as unknown);
  rejectUnknownKeys('queue', queue, knownQueue);
  const dropPolicy = queue.dropPolicy ?? 'newest';
  if (dropPolicy !== 'newest' && dropPolicy !== 'oldest') {
    throw new BreakwaterConfigError('queue.dropPolicy', "'newest' or 'oldest'", dropPolicy);
  }
  return {
    maxSize: expectInteger('queue.maxSize', queue.maxSize ?? 1000, 0, maxCount),
    dropPolicy,
  };
}

function resolveRotation(
  value: RotationOptions | undefined,
  minUptimeMs: number,
): ResolvedRotationOptions | undefined {
  if (value === undefined) return undefined;
  expectObject('rotation', value as unknown);
  rejectUnknownKeys('rotation', value, knownRotation);
  const maxLifetimeMs = expectNumber('rotation.maxLifetimeMs', value.maxLifetimeMs, 1, maxDelayMs);
  if (!(maxLifetimeMs > minUptimeMs)) {
    throw new BreakwaterConfigError(
      'rotation.maxLifetimeMs',
      `a number > minUptimeMs (${minUptimeMs})`,
      maxLifetimeMs,
    );
  }
  const messageId = value.messageId;
  if (messageId !== undefined) expectFunction('rotation.messageId', messageId);
  return Object.freeze({
    maxLifetimeMs,
    overlapMs: expectNumber('rotation.overlapMs', value.overlapMs ?? 5_000, 0, maxDelayMs),
    messageId,
  });
}

function resolveCloseCodes(value: CloseCodeOptions | undefined): CloseCodeTable {
  const codes = value ?? {};
  expectObject('closeCodes', codes as unknown);
  rejectUnknownKeys('closeCodes', codes, knownCloseCodes);
  return Object.freeze({
    auth: resolveCodeList('closeCodes.auth', codes.auth),
    normal: resolveCodeList('closeCodes.normal', codes.normal),
    transient: resolveCodeList('closeCodes.transient', codes.transient),
  });
}

function resolveCodeList(path: string, value: unknown): readonly CloseCodeMatch[] {
  if (value === undefined) return Object.freeze([]);
  if (!Array.isArray(value)) {
    throw new BreakwaterConfigError(path, 'an array of close codes or [from, to] ranges', value);
  }
  const list = value.map((entry: unknown, index): CloseCodeMatch => {
    if (typeof entry === 'number') return expectInteger(`${path}[${index}]`, entry, 1000, 4999);
    if (Array.isArray(entry) && entry.length === 2) {
      const from = expectInteger(`${path}[${index}][0]`, entry[0], 1000, 4999);
      const to = expectInteger(`${path}[${index}][1]`, entry[1], from, 4999);
      return Object.freeze([from, to] as const);
    }
    throw new BreakwaterConfigError(
      `${path}[${index}]`,
      'a close code or a [from, to] range',
      entry,
    );
  });
  return Object.freeze(list);
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

// Predicates, not core's expectObject: their callers throw their own message, or none.

// Duck typing, not `instanceof`: an app that installs @breakwater/ws next to its own
// @breakwater/core can load two copies of core, and a breaker or limiter made by the other copy
// must still be used as it is, not silently replaced by a new breaker or rejected. Each check
// asks for the members the guard uses, and enough to tell the two apart from options objects
// (which have no methods) and from each other (a breaker has no `update`).

/** A `CircuitBreaker` of any copy of core: the guard calls `tryAcquire`, `on` and reads `options`. */
function isBreakerLike(value: unknown): value is CircuitBreaker {
  if (!isPlainObjectOrInstance(value)) return false;
  const breaker = value as Partial<Record<'tryAcquire' | 'on' | 'options', unknown>>;
  return (
    typeof breaker.tryAcquire === 'function' &&
    typeof breaker.on === 'function' &&
    typeof breaker.options === 'object' &&
    breaker.options !== null &&
    'state' in value
  );
}

/** A `RateLimiter` of any copy of core: the guard calls `tryAcquire(1)`. */
function isLimiterLike(value: unknown): value is RateLimiter {
  if (!isPlainObjectOrInstance(value)) return false;
  const limiter = value as Partial<Record<'tryAcquire' | 'update', unknown>>;
  return typeof limiter.tryAcquire === 'function' && typeof limiter.update === 'function';
}

function isPlainObjectOrInstance(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> & {
  probeTimeoutMs?: number;
} {
  return isPlainObjectOrInstance(value);
}
