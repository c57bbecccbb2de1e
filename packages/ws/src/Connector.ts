import {
  BreakwaterConfigError,
  type CallContext,
  type Clock,
  failure,
  isBreakerOpenError,
  success,
  TimeoutError,
} from '@breakwater/core';
import { Connection, type Waiter } from './Connection.ts';
import type { CloseCause, ConnectReason, GuardErrorEvent } from './GuardEvents.ts';
import type { MessageVerdict, ResolvedGuardOptions, WebSocketFactory } from './options/types.ts';
import type { ReconnectScheduler } from './ReconnectScheduler.ts';
import {
  closeQuietly,
  type MessageData,
  SocketAdapter,
  type SocketEnd,
  type WebSocketLike,
} from './SocketAdapter.ts';

/** Why no attempt was made: wait `waitMs` and try again, or (`never`) stop trying. */
export type Refusal =
  | { readonly cause: 'breakerOpen' | 'rateLimited'; readonly waitMs: number }
  | { readonly cause: 'never' };

/** The options a connection attempt uses. */
export type ConnectorOptions = Pick<
  ResolvedGuardOptions,
  | 'name'
  | 'breaker'
  | 'limiter'
  | 'connectTimeoutMs'
  | 'minUptimeMs'
  | 'resubscribe'
  | 'classifyMessage'
  | 'heartbeat'
  | 'clock'
>;

/** What the connector reports to the guard about the connections it makes. */
export interface ConnectorHooks<S extends WebSocketLike> {
  /** The socket opened; the resubscribe hook runs next. */
  opened(conn: Connection<S>): void;
  /** Open and resubscribed: the connection may take over. */
  ready(conn: Connection<S>): void;
  /** A received message, unless `heartbeat.isPong` matched it (hot path). */
  message(conn: Connection<S>, data: MessageData): void;
  /** `classifyMessage` gave a frame of `conn` this verdict (already checked). */
  classified(conn: Connection<S>, verdict: MessageVerdict): void;
  /** The socket closed by itself. */
  closed(conn: Connection<S>, end: SocketEnd): void;
  /** A function of the user's threw for `conn`: report it and end the connection. */
  failed(
    conn: Connection<S>,
    phase: GuardErrorEvent['phase'],
    cause: CloseCause,
    error: unknown,
  ): void;
  /** End the connection without an `error` event (it timed out). */
  kill(conn: Connection<S>, cause: CloseCause, error: unknown): void;
}

/**
 * Makes connections, from the breaker's permit to a socket that is open and resubscribed: the
 * permit and the rate limiter's token, the connect timeout, the factory, the uptime after which
 * the permit is a success, and the resubscribe hook. It also sees every frame first: any frame
 * answers a pending heartbeat ping, and `heartbeat.isPong`'s matches go no further. What the
 * connection does once ready, and how it ends, is the guard's.
 */
export class Connector<S extends WebSocketLike> {
  readonly #factory: WebSocketFactory<S>;
  readonly #options: ConnectorOptions;
  readonly #clock: Clock;
  readonly #context: CallContext;
  readonly #scheduler: ReconnectScheduler;
  readonly #hooks: ConnectorHooks<S>;
  readonly #isPong: ((data: MessageData) => boolean) | undefined;
  readonly #classify: ResolvedGuardOptions['classifyMessage'];

  constructor(
    factory: WebSocketFactory<S>,
    options: ConnectorOptions,
    scheduler: ReconnectScheduler,
    hooks: ConnectorHooks<S>,
  ) {
    this.#factory = factory;
    this.#options = options;
    this.#clock = options.clock;
    this.#context = Object.freeze({ key: options.name, idempotent: true });
    this.#scheduler = scheduler;
    this.#hooks = hooks;
    this.#isPong = options.heartbeat?.isPong;
    this.#classify = options.classifyMessage;
  }

  /** Takes a permit from the breaker and a token from the limiter, or says why not. */
  acquire(reason: ConnectReason): Connection<S> | Refusal {
    const { breaker, limiter } = this.#options;
    const permit = breaker.tryAcquire(this.#context);
    if (isBreakerOpenError(permit)) {
      const waitMs = permit.retryAfterMs;
      if (permit.state === 'forced_open' || waitMs === Infinity) return { cause: 'never' };
      return { cause: 'breakerOpen', waitMs: waitMs ?? this.#scheduler.delay(false) };
    }
    const limitWaitMs = limiter === undefined ? 0 : limiter.tryAcquire(1);
    if (limitWaitMs > 0) {
      permit.release();
      return { cause: 'rateLimited', waitMs: limitWaitMs };
    }
    return new Connection<S>(reason, permit);
  }

  /** Starts `conn`'s connect timeout and asks the factory for its socket. */
  start(conn: Connection<S>): void {
    const { connectTimeoutMs } = this.#options;
    conn.connectTimer = this.#clock.setTimeout(() => {
      conn.connectTimer = undefined;
      const error = new TimeoutError(connectTimeoutMs, 'WebSocket connect');
      this.#hooks.kill(conn, 'connectTimeout', error);
    }, connectTimeoutMs);
    const signal = conn.controller.signal;
    let made: S | PromiseLike<S>;
    let pending: boolean;
    try {
      made = this.#factory({ reason: conn.reason, attempt: this.#scheduler.attempt, signal });
      // Inside the try: reading `then` runs the user's code too (a getter, a proxy).
      pending = isPromiseLike(made);
    } catch (error) {
      this.#hooks.failed(conn, 'connect', 'factory', error);
      return;
    }
    if (!pending) {
      this.#attach(conn, made as S);
      return;
    }
    // Not tracked for close(): a factory may never settle (a hung listen-key fetch). The
    // connect timeout or close() ends the connection and aborts `signal` instead.
    Promise.resolve(made).then(
      (socket) => {
        if (conn.ended) discard(socket);
        else this.#attach(conn, socket);
      },
      (error: unknown) => this.#hooks.failed(conn, 'connect', 'factory', error),
    );
  }

  #attach(conn: Connection<S>, socket: S): void {
    const hooks = this.#hooks;
    try {
      conn.adapter = new SocketAdapter(socket, {
        open: () => this.#opened(conn),
        message: (data) => this.#received(conn, data),
        pong: () => {
          const heartbeat = conn.heartbeat;
          if (heartbeat === undefined) return;
          heartbeat.seen = true;
          if (heartbeat.awaiting) heartbeat.alive();
        },
        closed: (end) => hooks.closed(conn, end),
      });
    } catch (error) {
      // Not a WebSocket: `undefined`, say, from a factory that forgot to return its socket.
      hooks.failed(conn, 'connect', 'factory', error);
    }
  }

  // hot path: every received message.
  #received(conn: Connection<S>, data: MessageData): void {
    const heartbeat = conn.heartbeat;
    if (heartbeat !== undefined) {
      heartbeat.seen = true;
      if (heartbeat.awaiting) heartbeat.alive();
    }
    if (this.#isPong !== undefined && this.#isPongFrame(conn, data)) return;
    if (this.#classify !== undefined) {
      const verdict = this.#classifyFrame(conn, data);
      if (verdict !== undefined) {
        this.#hooks.classified(conn, verdict);
        if (verdict.action !== 'rotate') return;
      }
      if (conn.ended) return;
    }
    if (conn.waiters !== undefined) {
      this.#resolveWaiters(conn, conn.waiters, data);
      if (conn.ended) return;
    }
    this.#hooks.message(conn, data);
  }

  /** `classifyMessage` on one frame; when it throws or returns no verdict, the connection ends. */
  #classifyFrame(conn: Connection<S>, data: MessageData): MessageVerdict | undefined {
    try {
      const verdict = this.#classify!(data, conn.ready ? 'open' : 'resubscribe');
      return verdict === undefined ? undefined : checkMessageVerdict(verdict);
    } catch (error) {
      this.#hooks.failed(conn, 'message', 'callback', error);
      return undefined;
    }
  }

  /** Settles the `waitFor()` calls this frame matches. */
  #resolveWaiters(conn: Connection<S>, waiters: Waiter[], data: MessageData): void {
    let i = 0;
    while (i < waiters.length) {
      const waiter = waiters[i]!;
      let matched: boolean;
      try {
        matched = Boolean(waiter.match(data));
      } catch (error) {
        this.#hooks.failed(conn, 'resubscribe', 'resubscribe', error);
        return;
      }
      if (matched) {
        waiters.splice(i, 1);
        waiter.resolve(data);
      } else i++;
    }
    if (waiters.length === 0 && conn.waiters === waiters) conn.waiters = undefined;
  }

  /** `isPong` on one frame; when it throws, the connection ends and the frame is not delivered. */
  #isPongFrame(conn: Connection<S>, data: MessageData): boolean {
    try {
      return Boolean(this.#isPong!(data));
    } catch (error) {
      this.#hooks.failed(conn, 'heartbeat', 'callback', error);
      return true;
    }
  }

  #opened(conn: Connection<S>): void {
    const { resubscribe } = this.#options;
    conn.openedAt = this.#clock.monotonic();
    this.#hooks.opened(conn);
    if (resubscribe === undefined) {
      this.#ready(conn);
      return;
    }
    const adapter = conn.adapter!;
    let result: unknown;
    let pending: boolean;
    try {
      result = resubscribe({
        reason: conn.reason,
        socket: adapter.socket,
        send: (data) => adapter.send(data),
        waitFor: (match) => waitFor(conn, match),
      });
      pending = isPromiseLike(result);
    } catch (error) {
      this.#hooks.failed(conn, 'resubscribe', 'resubscribe', error);
      return;
    }
    if (!pending) {
      this.#ready(conn);
      return;
    }
    Promise.resolve(result).then(
      () => {
        if (!conn.ended) this.#ready(conn);
      },
      (error: unknown) => this.#hooks.failed(conn, 'resubscribe', 'resubscribe', error),
    );
  }

  #ready(conn: Connection<S>): void {
    conn.ready = true;
    if (conn.connectTimer !== undefined) this.#clock.clearTimeout(conn.connectTimer);
    conn.connectTimer = undefined;
    // The attempt succeeds once resubscribed and open `minUptimeMs`: a connection whose
    // subscription is never confirmed is a failed attempt, however long it stays open.
    const { minUptimeMs } = this.#options;
    const openMs = this.#clock.monotonic() - conn.openedAt;
    conn.uptimeTimer = this.#clock.setTimeout(
      () => {
        conn.uptimeTimer = undefined;
        conn.permit.settle(success());
        this.#scheduler.reset();
      },
      Math.max(0, minUptimeMs - openMs),
    );
    this.#hooks.ready(conn);
  }
}

/**
 * A `waitFor()` of the resubscribe hook on `conn`. Its rejection is marked handled: a hook that
 * does not await it must not cause an unhandled rejection when the connection ends.
 */
function waitFor<S extends WebSocketLike>(
  conn: Connection<S>,
  match: (data: MessageData) => boolean,
): Promise<MessageData> {
  let promise: Promise<MessageData>;
  if (typeof match !== 'function') {
    promise = Promise.reject(new BreakwaterConfigError('waitFor(match)', 'a function', match));
  } else if (conn.ended) {
    promise = Promise.reject(new Error('The WebSocket connection has ended.'));
  } else {
    if (conn.waiters === undefined) conn.waiters = [];
    const waiters = conn.waiters;
    promise = new Promise((resolve, reject) => {
      waiters.push({ match, resolve, reject });
    });
  }
  promise.then(undefined, noop);
  return promise;
}

const actions: ReadonlySet<unknown> = new Set(['reconnect', 'halt', 'rotate']);

/**
 * Checks a verdict `classifyMessage` returned, so that the guard never acts on garbage.
 * @throws TypeError naming what is wrong (reported as an `error` event)
 */
function checkMessageVerdict(value: MessageVerdict): MessageVerdict {
  if (typeof value !== 'object' || value === null || !actions.has(value.action)) {
    throw new TypeError(
      "classifyMessage must return undefined or { action: 'reconnect' | 'halt' | 'rotate', … }",
    );
  }
  const { category, retryAfterMs, reason } = value;
  // failure() throws on a category or a retryAfterMs the breaker would not take.
  if (category !== undefined || retryAfterMs !== undefined) {
    failure(category ?? 'server', retryAfterMs === undefined ? undefined : { retryAfterMs });
  }
  if (reason !== undefined && typeof reason !== 'string') {
    throw new TypeError('classifyMessage returned a verdict whose reason is not a string');
  }
  return value;
}

/** Closes a socket an async factory yielded after its connection ended; never throws. */
function discard(socket: WebSocketLike): void {
  try {
    closeQuietly(socket, true).then(undefined, noop);
  } catch {
    // Not a WebSocket: there is nothing to close.
  }
}

function noop(): void {}

function isPromiseLike(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
