import type {
  Backoff,
  BreakerOptions,
  Category,
  CircuitBreaker,
  Clock,
  ListenerErrorHandler,
  RateBudget,
} from '@breakwater/core';
import type { ConnectReason } from '../GuardEvents.ts';
import type { MessageData, OutgoingData, WebSocketLike } from '../SocketAdapter.ts';

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
  /** The new raw socket. */
  readonly socket: S;
  /**
   * Resolves with the first frame received on this connection from now on that `match` accepts:
   * a subscription's or a login's confirmation. Rejects when the connection ends first. The frame
   * is still delivered as a message. Await it in the hook, so that a missing confirmation leaves
   * the attempt unfinished and `connectTimeoutMs` fails it; an error frame in its place is for
   * `classifyMessage`. A `match` that throws ends the connection (`phase: 'resubscribe'`).
   */
  waitFor(match: (data: MessageData) => boolean): Promise<MessageData>;
}

/**
 * When a frame arrived: `resubscribe` while the resubscribe hook runs (the frame answers the
 * guard's own subscription or login), `open` once the connection delivers.
 */
export type MessagePhase = 'resubscribe' | 'open';

/**
 * What a frame means for the connection it came on, from `classifyMessage`:
 * - `reconnect`: the server reports a failure (a rate limit, maintenance, an internal error):
 *   the connection ends, a failure of `category` (default `'server'`) for the breaker if its
 *   attempt is not yet settled, and the guard connects again after backoff, and not before
 *   `retryAfterMs`;
 * - `halt`: the request is wrong (a bad subscription, a failed login): asking again would get
 *   the same answer, so the connection ends and the guard halts until `reconnect()` (a `close`
 *   event of kind `auth` for `category: 'auth'`, else `refused`); the breaker does not count it;
 * - `rotate`: the server will close this connection soon (a restart announced): the guard
 *   replaces it now, make before break, as a rotation does.
 */
export interface MessageVerdict {
  readonly action: 'reconnect' | 'halt' | 'rotate';
  /** @defaultValue `'server'` for `reconnect`, `'client'` for `halt` */
  readonly category?: Category;
  /** For `reconnect`: the least time to wait before the next attempt (a ban, a lockout). */
  readonly retryAfterMs?: number;
  /**
   * Short text for the `close` event's `reason` and error (the exchange's error code and
   * message). Never the frame itself: error frames may echo the request, credentials included.
   */
  readonly reason?: string;
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
   * (flapping); one that lives this long, resubscribed, settles its attempt as a success.
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
   * `RateLimiter` (one weight per attempt; share one between the sockets of one IP, or a
   * `RedisRateLimiter` between the processes of one IP), or `false`.
   * @defaultValue `{ limit: 30, windowMs: 300_000 }`
   */
  maxConnectsPerWindow?: ConnectRateOptions | RateBudget | false;
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
  /**
   * Classifies each received frame (after `heartbeat.isPong`): `undefined` for an ordinary
   * message, or a {@link MessageVerdict} for an error frame or a notice that decides the
   * connection's fate. A frame with a `reconnect` or `halt` verdict is not delivered; one with
   * `rotate` is. Runs on every frame: look at a prefix before parsing. If it throws, the
   * connection is ended (an `error` event with `phase: 'message'`).
   */
  classifyMessage?: (data: MessageData, phase: MessagePhase) => MessageVerdict | undefined;
  /** Make-before-break rotation of ageing connections; none by default. */
  rotation?: RotationOptions;
  /**
   * Source of time, timers and randomness, for the guard and a breaker it creates.
   * @defaultValue the given breaker's clock, else `systemClock`
   */
  clock?: Clock;
  /**
   * Receives errors thrown by event listeners, and by a custom `reconnect.backoff` (whose delay
   * is then replaced by the default backoff's). Errors thrown by the factory, `resubscribe`,
   * `heartbeat.message`, `heartbeat.isPong` and `rotation.messageId` are `error` events instead.
   * @defaultValue rethrow in a microtask
   */
  onListenerError?: ListenerErrorHandler;
}

/**
 * {@link GuardOptions} when `guardWebSocket()` is given a URL. `heartbeat` defaults to none there
 * and needs a `message` (the standard WebSocket has no protocol ping).
 */
export interface UrlGuardOptions extends GuardOptions<WebSocket> {
  /** Subprotocols for the standard WebSocket constructor: distinct HTTP tokens. */
  protocols?: string | readonly string[];
}

/** Reconnection after a lost connection. */
export interface ReconnectOptions {
  /**
   * Delay before each attempt, indexed by consecutive failed attempts (reset once a connection
   * has lived `minUptimeMs`, and when `reconnect()` resumes a halted guard).
   * @defaultValue `exponentialBackoff({ initialMs: 500, factor: 2, maxMs: 30_000, jitter: 'equal' })`
   */
  backoff?: Backoff;
  /**
   * Reconnect after a `normal` close (1000) from the server too, instead of halting.
   * @defaultValue `false`
   */
  onNormalClose?: boolean;
}

/** A bound on connection attempts: at most `limit` in any `windowMs`. */
export interface ConnectRateOptions {
  /** Attempts allowed per window; an integer >= 2. */
  limit: number;
  /** The window, in milliseconds. */
  windowMs: number;
}

/**
 * How the guard checks that a connection is alive. Every `intervalMs` it sends a ping and
 * expects a frame back within `timeoutMs`; any frame counts (a pong or a message), and a
 * missed deadline ends the connection (`terminate()` with `ws`), which is then replaced.
 *
 * - With `ws` and no `message`: a protocol ping (`socket.ping()`), answered by a pong frame.
 * - With `message`: an application ping, for servers that want one (OKX's text `'ping'`,
 *   `{"method":"ping"}` on Kraken v2, `{"op":"ping"}` on Bybit). `isPong` recognises the
 *   answer so it is not delivered as a message. This works with the standard WebSocket too.
 * - With the standard WebSocket and no `message`: no heartbeat (it cannot send protocol pings;
 *   it still answers the server's), unless `ping: 'none'`, which sends nothing.
 *
 * With `ws`, a protocol ping from the server counts as a frame too (Binance pings every 20 s).
 */
export interface HeartbeatOptions {
  /**
   * Time between pings, in milliseconds.
   * @defaultValue `15000`
   */
  intervalMs?: number;
  /**
   * How long to wait for a frame after a ping before the connection counts as dead.
   * @defaultValue `10000`
   */
  timeoutMs?: number;
  /** An application-level ping to send instead of a protocol ping, or a function making one. */
  message?: OutgoingData | (() => OutgoingData);
  /**
   * When to ping: `'interval'` every `intervalMs`; `'idle'` only when no frame arrived in the
   * last `intervalMs` (OKX's rule; a busy stream needs no pings); `'none'` never: the server's
   * own frames (a heartbeat channel, its protocol pings seen by `ws`) prove the connection
   * alive, and one silent for `intervalMs` then `timeoutMs` more is dead. `'none'` needs no
   * `message` and works with the standard WebSocket.
   * @defaultValue `'interval'`
   */
  ping?: HeartbeatPing;
  /** Recognises the server's answer to `message`; matching messages are not delivered. */
  isPong?: (data: MessageData) => boolean;
}

/** When the heartbeat pings; see {@link HeartbeatOptions.ping}. */
export type HeartbeatPing = 'interval' | 'idle' | 'none';

/** One close code, or an inclusive range `[from, to]`. */
export type CloseCodeMatch = number | readonly [from: number, to: number];

/**
 * Overrides of the close-code table. A code listed here wins over the defaults; when listed in
 * several, `auth` wins over `refused`, which wins over `normal`, which wins over `transient`.
 */
export interface CloseCodeOptions {
  /**
   * Codes after which the guard halts instead of reconnecting.
   * @defaultValue `[1008]`
   */
  auth?: readonly CloseCodeMatch[];
  /**
   * Codes that say the request is wrong (OKX's 4002 invalid request, 4008 too many channels):
   * asking again would get the same answer, so the guard halts, as after `auth`, with
   * `kind: 'refused'`; not counted by the breaker.
   * @defaultValue `[]`
   */
  refused?: readonly CloseCodeMatch[];
  /**
   * Codes that end the connection on purpose; reconnected only with `reconnect.onNormalClose`.
   * @defaultValue `[1000]`
   */
  normal?: readonly CloseCodeMatch[];
  /**
   * Codes that are reconnected with backoff. Every code not listed elsewhere already is; list a
   * default `auth` or `normal` code here to retry it (e.g. `[1008]`).
   * @defaultValue every other code
   */
  transient?: readonly CloseCodeMatch[];
}

/**
 * What a full outgoing queue gives up: `'newest'` refuses the message being sent (`send()`
 * returns false), `'oldest'` drops the message that has waited longest to make room.
 */
export type DropPolicy = 'newest' | 'oldest';

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

/**
 * Rotates connections before the server ends them (Binance closes every connection after 24 h):
 * make before break. At `maxLifetimeMs` the guard opens a second socket through the breaker and
 * the connect rate limiter and runs the resubscribe hook on it, while the old socket keeps
 * delivering; then it switches, closes the old socket, and delivers from the new one only.
 */
export interface RotationOptions {
  /** Age at which a connection is replaced, in milliseconds; above `minUptimeMs`. */
  maxLifetimeMs: number;
  /**
   * With `messageId`: how long, after the new socket is resubscribed, to wait for both sockets
   * to deliver the same message before switching anyway.
   * @defaultValue `5000`
   */
  overlapMs?: number;
  /**
   * Identifies a message (a sequence number, a trade id), or returns `undefined` for messages
   * without one (acks, heartbeats). With it, the switch happens where the two streams overlap:
   * no message is lost and none is delivered twice. Without it, the switch happens as soon as
   * the new socket is resubscribed, and messages around the seam may repeat or be missed.
   *
   * Return `undefined` for frames it cannot parse rather than throwing: if it throws, the
   * connection that received the frame is ended (an `error` event with `phase: 'rotation'`)
   * and the guard connects again, as after any failed connection.
   */
  messageId?: (data: MessageData) => unknown;
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
  readonly limiter: RateBudget | undefined;
  readonly heartbeat: ResolvedHeartbeatOptions | undefined;
  readonly closeCodes: ResolvedCloseCodeOptions;
  readonly queue: ResolvedQueueOptions;
  readonly resubscribe: ((context: ResubscribeContext) => unknown) | undefined;
  readonly classifyMessage:
    | ((data: MessageData, phase: MessagePhase) => MessageVerdict | undefined)
    | undefined;
  readonly rotation: ResolvedRotationOptions | undefined;
  readonly clock: Clock;
  readonly onListenerError: ListenerErrorHandler | undefined;
}

/** The validated form of {@link HeartbeatOptions}: a fixed `message` becomes a function. */
export interface ResolvedHeartbeatOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly message: (() => OutgoingData) | undefined;
  readonly isPong: ((data: MessageData) => boolean) | undefined;
  readonly ping: HeartbeatPing;
}

/** The validated form of {@link CloseCodeOptions}: every list present, frozen. */
export interface ResolvedCloseCodeOptions {
  readonly auth: readonly CloseCodeMatch[];
  readonly refused: readonly CloseCodeMatch[];
  readonly normal: readonly CloseCodeMatch[];
  readonly transient: readonly CloseCodeMatch[];
}

/** The validated form of {@link QueueOptions}; `queue: false` is a `maxSize` of 0. */
export interface ResolvedQueueOptions {
  readonly maxSize: number;
  readonly dropPolicy: DropPolicy;
}

/** The validated form of {@link RotationOptions}. */
export interface ResolvedRotationOptions {
  readonly maxLifetimeMs: number;
  readonly overlapMs: number;
  readonly messageId: ((data: MessageData) => unknown) | undefined;
}
