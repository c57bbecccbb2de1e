import { BreakwaterConfigError, type CircuitBreaker, type Clock } from '@breakwater/core';
import {
  Emitter,
  reportCallbackError,
  rethrowInMicrotask,
  type StateChangeEvent,
} from '@breakwater/core/adapter';
import { Connection } from './Connection.ts';
import { Connector } from './Connector.ts';
import type {
  CloseCause,
  ConnectReason,
  EndKind,
  GuardErrorEvent,
  GuardEvents,
  GuardState,
  WaitCause,
} from './events.ts';
import { startHeartbeat } from './heartbeat.ts';
import { Outbox } from './Outbox.ts';
import { ReconnectScheduler } from './ReconnectScheduler.ts';
import { Rotator } from './Rotator.ts';
import {
  type GuardOptions,
  type ResolvedGuardOptions,
  resolveGuardOptions,
  type WebSocketFactory,
} from './resolveGuardOptions.ts';
import { abnormalEnd, cleanEnd, isDeliberate, reconnectsAfter, settleEnd } from './settleEnd.ts';
import type { MessageData, OutgoingData, SocketEnd, WebSocketLike } from './socketAdapter.ts';

/** What happens after a connection ends. */
type Next = 'none' | 'halt' | 'reconnect' | 'retryRotation' | 'takeover';

/**
 * A WebSocket that stays connected: it reconnects with backoff through a circuit breaker and a
 * connect rate limiter, detects dead connections with a heartbeat, queues messages sent while
 * disconnected, resubscribes after every reconnect, and rotates ageing connections without a
 * gap. Create it with `guardWebSocket()`.
 *
 * Every connection attempt takes a permit from `breaker`; the permit is settled once: a success
 * when the connection has been open `minUptimeMs`, a failure when it fails or closes earlier
 * (flapping), or released when it ends for a reason that says nothing about the server (an
 * `auth` close, `close()`). While the breaker is open no attempt is made.
 *
 * All timers run on the injected `Clock`; `close()` clears them and removes every listener the
 * guard put on its sockets, so the process can exit.
 *
 * A function of yours that throws (the factory, `resubscribe`, `heartbeat.message`,
 * `heartbeat.isPong`, `rotation.messageId`) never escapes: it is an `error` event, and the
 * connection it was called for ends (a `close` event with `cause` `factory`, `resubscribe` or
 * `callback`) and is replaced as after any failed connection. Event listeners that throw go to
 * `onListenerError`.
 */
export class ResilientWebSocket<S extends WebSocketLike = WebSocketLike> {
  readonly #options: ResolvedGuardOptions;
  readonly #clock: Clock;
  readonly #emitter: Emitter<GuardEvents>;
  readonly #outbox: Outbox;
  readonly #isPong: ((data: MessageData) => boolean) | undefined;
  readonly #scheduler: ReconnectScheduler;
  readonly #connector: Connector<S>;
  readonly #rotator: Rotator<S>;
  readonly #lingering = new Set<Promise<void>>();
  readonly #unsubscribeBreaker: () => void;
  #state: GuardState = 'connecting';
  /** The connection delivering messages. */
  #current: Connection<S> | undefined = undefined;
  /** A connection being made: the first, a reconnect, or a rotation's replacement. */
  #pending: Connection<S> | undefined = undefined;
  #everOpened = false;
  #haltedByBreaker = false;
  #closing: Promise<void> | undefined = undefined;

  readonly #deliver = (data: MessageData): void => {
    this.#emitter.emit('message', data);
  };

  readonly #onBreakerState = ({ from, to }: StateChangeEvent): void => {
    if (to === 'forced_open') {
      if (this.#state !== 'closed' && this.#state !== 'halted') this.#halt(true);
    } else if (to === 'closed' || to === 'disabled') {
      // reset() or enable() after a forced open, or after `maxRecoveryAttempts` ran out.
      if (this.#state === 'halted' && this.#haltedByBreaker && from !== to) this.reconnect();
    }
  };

  /**
   * Prefer `guardWebSocket()`. The first attempt starts in a microtask, so listeners attached
   * right after construction see every event.
   * @throws BreakwaterConfigError when an option is invalid (the message names it)
   */
  constructor(factory: WebSocketFactory<S>, options: GuardOptions<S> = {}) {
    if (typeof factory !== 'function') {
      throw new BreakwaterConfigError('factory', 'a function returning a WebSocket', factory);
    }
    const resolved = resolveGuardOptions(options);
    this.#options = resolved;
    this.#clock = resolved.clock;
    this.#emitter = new Emitter(resolved.onListenerError);
    const { name, queueMaxSize, dropPolicy } = resolved;
    this.#outbox = new Outbox(name, this.#emitter, queueMaxSize, dropPolicy);
    this.#isPong = resolved.heartbeat?.isPong;
    const onCallbackError = resolved.onListenerError ?? rethrowInMicrotask;
    this.#scheduler = new ReconnectScheduler(
      this.#clock,
      resolved.backoff,
      (reason) => this.#connect(reason),
      (error, source) => reportCallbackError(onCallbackError, error, source),
    );
    this.#connector = new Connector(factory, resolved, this.#scheduler, {
      opened: (conn) => {
        if (this.#current !== undefined) this.#rotator.begin(this.#current, conn);
      },
      ready: (conn) => {
        if (!this.#rotator.ready(conn)) this.#promote(conn);
      },
      message: (conn, data) => this.#received(conn, data),
      closed: (conn, end) => this.#end(conn, end, 'remote'),
      failed: (conn, phase, cause, error) => this.#failed(conn, phase, cause, error),
      kill: (conn, cause, error) => this.#end(conn, abnormalEnd(error), cause),
    });
    this.#rotator = new Rotator(this.#clock, resolved.rotation, {
      deliver: this.#deliver,
      rotate: () => {
        if (this.#pending === undefined && !this.#scheduler.waiting) this.#connect('rotation');
      },
      retire: (old) => this.#end(old, cleanEnd(1000, 'rotated'), 'rotated'),
      promote: (conn) => this.#promote(conn),
      failed: (conn, error) => this.#failed(conn, 'rotation', 'callback', error),
    });
    this.#unsubscribeBreaker = resolved.breaker.on('stateChange', this.#onBreakerState);
    queueMicrotask(() => {
      if (this.#state === 'connecting' && this.#pending === undefined && !this.#scheduler.waiting) {
        this.#connect('initial');
      }
    });
  }

  /** The guard's name (its breaker's key by default). */
  get name(): string {
    return this.#options.name;
  }

  /** The current state; see {@link GuardState}. */
  get state(): GuardState {
    return this.#state;
  }

  /** The raw socket delivering messages, else the one being connected; read-only use. */
  get socket(): S | undefined {
    return this.#current?.adapter?.socket ?? this.#pending?.adapter?.socket;
  }

  /** The breaker every connection attempt goes through. */
  get breaker(): CircuitBreaker {
    return this.#options.breaker;
  }

  /** Messages waiting in the outgoing queue. */
  get queued(): number {
    return this.#outbox.size;
  }

  /**
   * Sends `data` now when open, else queues it until the next connection is resubscribed.
   * Returns false when the message was dropped: the queue is full with `dropPolicy: 'newest'`,
   * or the guard is closed (a `drop` event tells either way).
   */
  send(data: OutgoingData): boolean {
    return this.#outbox.send(this.#current?.adapter, data, this.#state === 'closed');
  }

  /**
   * Closes the connection and stops the guard for good: no timer, no listener on any socket,
   * queued messages dropped (`drop` events), its own breaker disposed. Resolves when every
   * socket it opened has closed. An async factory still pending is not waited for: its `signal`
   * is aborted, and a socket it yields later is closed at once. Idempotent.
   * @param code - 1000 or an application code from 3000 to 4999 (what the standard allows)
   * @param reason - at most 123 bytes of UTF-8
   * @throws BreakwaterConfigError when `code` or `reason` is not allowed
   */
  close(code = 1000, reason = ''): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    if (code !== 1000 && !(Number.isInteger(code) && code >= 3000 && code <= 4999)) {
      throw new BreakwaterConfigError('code', 'an integer: 1000, or from 3000 to 4999', code);
    }
    if (typeof reason !== 'string' || new TextEncoder().encode(reason).length > 123) {
      throw new BreakwaterConfigError('reason', 'a string of at most 123 UTF-8 bytes', reason);
    }
    const from = this.#state;
    this.#state = 'closed';
    this.#endAll(cleanEnd(code, reason), 'closed');
    this.#outbox.dropAll();
    this.#emitState(from, 'closed');
    this.#unsubscribeBreaker();
    if (this.#options.ownsBreaker) this.#options.breaker.dispose();
    this.#emitter.clear();
    this.#closing = Promise.all(this.#lingering).then(() => undefined);
    return this.#closing;
  }

  /**
   * Resumes a halted guard (after an `auth` close, a `normal` close, or a forced-open breaker),
   * with the backoff reset; a waiting guard attempts at once (still through the breaker and the
   * rate limiter). Does nothing while open, connecting, or closed.
   */
  reconnect(): void {
    if (this.#state === 'halted') {
      this.#haltedByBreaker = false;
      this.#scheduler.reset();
      this.#setState('reconnecting');
      this.#connect(this.#retryReason());
    } else if (this.#state !== 'closed' && this.#pending === undefined && this.#scheduler.waiting) {
      this.#scheduler.cancel();
      this.#connect(this.#current === undefined ? this.#retryReason() : 'rotation');
    }
  }

  /** Subscribes to an event; returns an idempotent unsubscribe function. */
  on<K extends keyof GuardEvents>(
    event: K,
    listener: (payload: GuardEvents[K]) => void,
  ): () => void {
    return this.#emitter.on(event, listener);
  }

  #connect(reason: ConnectReason): void {
    const attempt = this.#connector.acquire(reason);
    if (attempt instanceof Connection) {
      this.#pending = attempt;
      this.#connector.start(attempt);
    } else if (attempt.cause !== 'never') {
      this.#wait(attempt.waitMs, attempt.cause, reason);
    } else if (this.#current === undefined) {
      this.#halt(true);
    }
  }

  /**
   * A function of the user's threw for `conn`: report it and end the connection, which is then
   * replaced as after any failure. Nothing the user gives the guard may throw past it, into a
   * socket's event or a timer, where it would be an uncaught exception.
   */
  #failed(
    conn: Connection<S>,
    phase: GuardErrorEvent['phase'],
    cause: CloseCause,
    error: unknown,
  ): void {
    if (conn.ended) return;
    this.#emitter.emit('error', { name: this.name, phase, error });
    this.#end(conn, abnormalEnd(error), cause);
  }

  /** Makes `conn` the connection that delivers: heartbeat, rotation, queue flushed, `open`. */
  #promote(conn: Connection<S>): void {
    if (this.#pending === conn) this.#pending = undefined;
    this.#current = conn;
    this.#everOpened = true;
    const adapter = conn.adapter!;
    const heartbeat = this.#options.heartbeat;
    if (heartbeat !== undefined) {
      conn.heartbeat = startHeartbeat(
        this.#clock,
        heartbeat,
        adapter,
        (error) => this.#failed(conn, 'heartbeat', 'callback', error),
        (timeout) => this.#end(conn, abnormalEnd(timeout), 'heartbeat'),
      );
    }
    this.#rotator.promoted(conn);
    const from = this.#state;
    this.#state = 'open';
    this.#outbox.flush(adapter);
    this.#emitState(from, 'open');
    this.#emitter.emit('open', { name: this.name, reason: conn.reason });
  }

  // hot path: every received message.
  #received(conn: Connection<S>, data: MessageData): void {
    const heartbeat = conn.heartbeat;
    if (heartbeat?.awaiting) heartbeat.alive();
    if (this.#isPong !== undefined && this.#isPongFrame(conn, data)) return;
    if (!this.#rotator.route(conn, data)) this.#emitter.emit('message', data);
  }

  /** `isPong` on one frame; when it throws, the connection ends and the frame is not delivered. */
  #isPongFrame(conn: Connection<S>, data: MessageData): boolean {
    try {
      return Boolean(this.#isPong!(data));
    } catch (error) {
      this.#failed(conn, 'heartbeat', 'callback', error);
      return true;
    }
  }

  /** The one place a connection ends: settles its permit, reports it, decides what is next. */
  #end(conn: Connection<S>, end: SocketEnd, cause: CloseCause): void {
    if (conn.ended) return;
    conn.ended = true;
    conn.clearTimers(this.#clock);
    if (cause !== 'remote' && conn.adapter !== undefined) {
      const force = !isDeliberate(cause);
      this.#track(conn.adapter.abandon(force, force ? undefined : end.code, end.reason));
    }
    const uptimeMs = conn.openedAt < 0 ? undefined : this.#clock.monotonic() - conn.openedAt;
    const kind = settleEnd(conn.permit, end, cause, uptimeMs, this.#options);
    const next = this.#next(conn, kind, cause);
    if (this.#current === conn) this.#current = undefined;
    if (this.#pending === conn) this.#pending = undefined;
    this.#rotator.ended(conn);
    // The factory's signal: cancels what a factory still pending waits for (a token fetch).
    conn.controller.abort(end.error);
    if (this.#emitter.has('close')) {
      this.#emitter.emit('close', {
        name: this.name,
        code: end.code,
        reason: end.reason,
        kind,
        cause,
        wasClean: end.wasClean,
        uptimeMs,
        status: end.refusal?.status,
        error: end.error,
        willReconnect: next !== 'none' && next !== 'halt',
      });
    }
    switch (next) {
      case 'halt':
        this.#halt(false);
        break;
      case 'reconnect':
        this.#wait(this.#scheduler.delay(true), 'backoff', this.#retryReason());
        break;
      case 'retryRotation':
        this.#wait(this.#scheduler.delay(true), 'backoff', 'rotation');
        break;
      case 'takeover':
        this.#rotator.takeover(conn);
        if (this.#current === undefined) this.#setState('reconnecting');
        break;
    }
  }

  #next(conn: Connection<S>, kind: EndKind, cause: CloseCause): Next {
    if (this.#state === 'closed' || this.#state === 'halted') return 'none';
    if (isDeliberate(cause)) return 'none';
    const retry = reconnectsAfter(kind, cause, this.#options);
    if (conn === this.#pending && this.#current !== undefined) {
      return retry ? 'retryRotation' : 'none';
    }
    if (conn !== this.#current && conn !== this.#pending) return 'none';
    if (!retry) return 'halt';
    if (conn === this.#current && this.#pending !== undefined) return 'takeover';
    return 'reconnect';
  }

  /** Stops reconnecting until `reconnect()`; ends any connection still up. */
  #halt(byBreaker: boolean): void {
    const from = this.#state;
    this.#state = 'halted';
    this.#haltedByBreaker = byBreaker;
    this.#endAll(cleanEnd(1000, 'halted'), 'halted');
    this.#emitState(from, 'halted');
  }

  /** Stops waiting and rotating, and ends both connections with `end`: for close() and halts. */
  #endAll(end: SocketEnd, cause: 'closed' | 'halted'): void {
    this.#scheduler.cancel();
    this.#rotator.clear();
    if (this.#pending !== undefined) this.#end(this.#pending, end, cause);
    if (this.#current !== undefined) this.#end(this.#current, end, cause);
  }

  #wait(delay: number, cause: WaitCause, reason: ConnectReason): void {
    this.#scheduler.cancel();
    const delayMs = Math.ceil(delay);
    const rotation = reason === 'rotation' && this.#current !== undefined;
    if (!rotation) this.#setState('reconnecting');
    this.#scheduler.schedule(delayMs, reason);
    if (this.#emitter.has('reconnecting')) {
      const attempt = this.#scheduler.attempt;
      this.#emitter.emit('reconnecting', { name: this.name, attempt, delayMs, cause, rotation });
    }
  }

  #retryReason(): ConnectReason {
    return this.#everOpened ? 'reconnect' : 'initial';
  }

  #track(closing: Promise<void>): void {
    this.#lingering.add(closing);
    closing.then(() => this.#lingering.delete(closing));
  }

  #setState(to: GuardState): void {
    const from = this.#state;
    this.#state = to;
    this.#emitState(from, to);
  }

  #emitState(from: GuardState, to: GuardState): void {
    if (from !== to) this.#emitter.emit('state', { name: this.name, from, to });
  }
}
