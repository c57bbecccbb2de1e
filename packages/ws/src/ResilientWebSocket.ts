import {
  BreakwaterConfigError,
  type CallContext,
  type CircuitBreaker,
  type Clock,
  Emitter,
  isBreakerOpenError,
  type ResponseOutcome,
  type StateChangeEvent,
  TimeoutError,
} from '@breakwater/core';
import { Connection } from './Connection.ts';
import { type CloseKind, classifyCloseCode } from './closeCodes.ts';
import type {
  CloseCause,
  ConnectReason,
  GuardErrorEvent,
  GuardEvents,
  GuardState,
  WaitCause,
} from './events.ts';
import { Heartbeat } from './heartbeat.ts';
import { OutgoingQueue } from './OutgoingQueue.ts';
import {
  type GuardOptions,
  type ResolvedGuardOptions,
  resolveGuardOptions,
  type WebSocketFactory,
} from './resolveGuardOptions.ts';
import { RotationSeam } from './rotation.ts';
import {
  closeQuietly,
  type MessageData,
  type OutgoingData,
  SocketAdapter,
  type SocketEnd,
  type UpgradeRefusal,
  type WebSocketLike,
} from './socketAdapter.ts';

/** What happens after a connection ends. */
type Next = 'none' | 'halt' | 'reconnect' | 'retryRotation' | 'takeover';

const abnormalClosure = 1006;

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
  readonly #factory: WebSocketFactory<S>;
  readonly #clock: Clock;
  readonly #emitter: Emitter<GuardEvents>;
  readonly #queue: OutgoingQueue<OutgoingData>;
  readonly #context: CallContext;
  readonly #isPong: ((data: MessageData) => boolean) | undefined;
  readonly #lingering = new Set<Promise<void>>();
  readonly #unsubscribeBreaker: () => void;
  #state: GuardState = 'connecting';
  /** The connection delivering messages. */
  #current: Connection<S> | undefined = undefined;
  /** A connection being made: the first, a reconnect, or a rotation's replacement. */
  #pending: Connection<S> | undefined = undefined;
  #seam: RotationSeam<Connection<S>> | undefined = undefined;
  /** The wait before the next attempt (backoff, open breaker, rate limit). */
  #timer: unknown = undefined;
  /** Consecutive failed attempts since a connection last lived `minUptimeMs`. */
  #attempt = 0;
  #lastDelayMs = 0;
  #everOpened = false;
  #haltedByBreaker = false;
  #closing: Promise<void> | undefined = undefined;

  readonly #random = (): number => this.#clock.random();

  readonly #deliver = (data: MessageData): void => {
    this.#emitter.emit('message', data);
  };

  readonly #onOverflow = (data: OutgoingData): void => {
    if (!this.#emitter.has('drop')) return;
    const queued = this.#queue.size;
    this.#emitter.emit('drop', { name: this.name, data, reason: 'overflow', queued });
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
  constructor(factory: WebSocketFactory<S>, options: GuardOptions = {}) {
    if (typeof factory !== 'function') {
      throw new BreakwaterConfigError('factory', 'a function returning a WebSocket', factory);
    }
    this.#options = resolveGuardOptions(options);
    this.#factory = factory;
    this.#clock = this.#options.clock;
    this.#emitter = new Emitter(this.#options.onListenerError);
    this.#queue = new OutgoingQueue(this.#options.queueMaxSize, this.#options.dropPolicy);
    this.#context = Object.freeze({ key: this.#options.name, idempotent: true });
    this.#isPong = this.#options.heartbeat?.isPong;
    this.#unsubscribeBreaker = this.#options.breaker.on('stateChange', this.#onBreakerState);
    queueMicrotask(() => {
      if (
        this.#state === 'connecting' &&
        this.#pending === undefined &&
        this.#timer === undefined
      ) {
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
    return this.#queue.size;
  }

  /**
   * Sends `data` now when open, else queues it until the next connection is resubscribed.
   * Returns false when the message was dropped: the queue is full with `dropPolicy: 'newest'`,
   * or the guard is closed (a `drop` event tells either way).
   */
  send(data: OutgoingData): boolean {
    const current = this.#current;
    if (current !== undefined && this.#queue.size === 0 && current.adapter!.send(data)) return true;
    if (this.#state === 'closed') {
      if (this.#emitter.has('drop')) {
        this.#emitter.emit('drop', { name: this.name, data, reason: 'closed', queued: 0 });
      }
      return false;
    }
    return this.#queue.push(data, this.#onOverflow);
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
    this.#clearWait();
    this.#seam = undefined;
    const end: SocketEnd = { code, reason, wasClean: true, error: undefined, refusal: undefined };
    if (this.#pending !== undefined) this.#end(this.#pending, end, 'closed');
    if (this.#current !== undefined) this.#end(this.#current, end, 'closed');
    for (const data of this.#queue.clear()) {
      if (this.#emitter.has('drop')) {
        this.#emitter.emit('drop', { name: this.name, data, reason: 'closed', queued: 0 });
      }
    }
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
      this.#attempt = 0;
      this.#lastDelayMs = 0;
      this.#setState('reconnecting');
      this.#connect(this.#retryReason());
    } else if (
      this.#state !== 'closed' &&
      this.#pending === undefined &&
      this.#timer !== undefined
    ) {
      this.#clearWait();
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

  // --- attempts ------------------------------------------------------------------------------

  #connect(reason: ConnectReason): void {
    const { breaker, limiter, connectTimeoutMs } = this.#options;
    const permit = breaker.tryAcquire(this.#context);
    if (isBreakerOpenError(permit)) {
      const waitMs = permit.retryAfterMs;
      if (permit.state === 'forced_open' || waitMs === Infinity) {
        if (this.#current === undefined) this.#halt(true);
        return;
      }
      this.#wait(waitMs ?? this.#delay(false), 'breakerOpen', reason);
      return;
    }
    const limitWaitMs = limiter === undefined ? 0 : limiter.tryAcquire(1);
    if (limitWaitMs > 0) {
      permit.release();
      this.#wait(limitWaitMs, 'rateLimited', reason);
      return;
    }
    const conn = new Connection<S>(reason, permit);
    this.#pending = conn;
    conn.connectTimer = this.#clock.setTimeout(() => {
      conn.connectTimer = undefined;
      this.#kill(conn, 'connectTimeout', new TimeoutError(connectTimeoutMs, 'WebSocket connect'));
    }, connectTimeoutMs);
    const signal = conn.controller.signal;
    let made: S | PromiseLike<S>;
    try {
      made = this.#factory({ reason, attempt: this.#attempt, signal });
    } catch (error) {
      this.#failed(conn, 'connect', 'factory', error);
      return;
    }
    if (!isPromiseLike(made)) {
      this.#attach(conn, made);
      return;
    }
    // Not tracked for close(): a factory may never settle (a hung listen-key fetch). The
    // connect timeout or close() ends the connection and aborts `signal` instead.
    Promise.resolve(made).then(
      (socket) => {
        if (conn.ended) discard(socket);
        else this.#attach(conn, socket);
      },
      (error: unknown) => this.#failed(conn, 'connect', 'factory', error),
    );
  }

  #attach(conn: Connection<S>, socket: S): void {
    try {
      conn.adapter = new SocketAdapter(socket, {
        open: () => this.#opened(conn),
        message: (data) => this.#received(conn, data),
        pong: () => {
          if (conn.heartbeat?.awaiting) conn.heartbeat.alive();
        },
        closed: (end) => this.#end(conn, end, 'remote'),
      });
    } catch (error) {
      // Not a WebSocket: `undefined`, say, from a factory that forgot to return its socket.
      this.#failed(conn, 'connect', 'factory', error);
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
    this.#kill(conn, cause, error);
  }

  #opened(conn: Connection<S>): void {
    const { minUptimeMs, resubscribe, rotation } = this.#options;
    conn.openedAt = this.#clock.monotonic();
    conn.uptimeTimer = this.#clock.setTimeout(() => {
      conn.uptimeTimer = undefined;
      conn.permit.success();
      this.#attempt = 0;
      this.#lastDelayMs = 0;
    }, minUptimeMs);
    if (this.#current !== undefined) {
      this.#seam = new RotationSeam(this.#current, conn, rotation?.messageId, this.#deliver, () =>
        this.#switched(),
      );
    }
    if (resubscribe === undefined) {
      this.#ready(conn);
      return;
    }
    const adapter = conn.adapter!;
    let result: void | PromiseLike<void>;
    try {
      result = resubscribe({
        reason: conn.reason,
        socket: adapter.socket,
        send: (data) => adapter.send(data),
      });
    } catch (error) {
      this.#failed(conn, 'resubscribe', 'resubscribe', error);
      return;
    }
    if (!isPromiseLike(result)) {
      this.#ready(conn);
      return;
    }
    Promise.resolve(result).then(
      () => {
        if (!conn.ended) this.#ready(conn);
      },
      (error: unknown) => this.#failed(conn, 'resubscribe', 'resubscribe', error),
    );
  }

  /** Open and resubscribed: take over now, or (rotating) once the streams overlap. */
  #ready(conn: Connection<S>): void {
    conn.ready = true;
    if (conn.connectTimer !== undefined) this.#clock.clearTimeout(conn.connectTimer);
    conn.connectTimer = undefined;
    const seam = this.#seam;
    if (seam === undefined || seam.next !== conn || seam.switched) {
      this.#promote(conn);
      return;
    }
    seam.arm();
    this.#seamFailed(seam);
    if (conn.ended) return;
    if (seam.switched) {
      if (seam.done) this.#seam = undefined;
      return;
    }
    conn.overlapTimer = this.#clock.setTimeout(() => {
      conn.overlapTimer = undefined;
      this.#switchSeam(seam);
    }, this.#options.rotation!.overlapMs);
  }

  /** The seam switched to its new socket: retire the old one, promote the new one if ready. */
  #switched(): void {
    const seam = this.#seam!;
    if (!seam.old.ended) {
      const end: SocketEnd = {
        code: 1000,
        reason: 'rotated',
        wasClean: true,
        error: undefined,
        refusal: undefined,
      };
      this.#end(seam.old, end, 'rotated');
    }
    if (seam.next.ready && !seam.next.ended) this.#promote(seam.next);
  }

  #switchSeam(seam: RotationSeam<Connection<S>>): void {
    seam.switch();
    this.#seamFailed(seam);
    if (this.#seam === seam && seam.done) this.#seam = undefined;
  }

  /** Ends the connection whose message `rotation.messageId` threw on, if it threw. */
  #seamFailed(seam: RotationSeam<Connection<S>>): void {
    const failure = seam.takeFailure();
    if (failure === undefined) return;
    const conn = failure.fromOld ? seam.old : seam.next;
    this.#failed(conn, 'rotation', 'callback', failure.error);
  }

  #promote(conn: Connection<S>): void {
    if (this.#pending === conn) this.#pending = undefined;
    this.#current = conn;
    this.#everOpened = true;
    if (conn.overlapTimer !== undefined) this.#clock.clearTimeout(conn.overlapTimer);
    conn.overlapTimer = undefined;
    const adapter = conn.adapter!;
    const { heartbeat, rotation } = this.#options;
    if (heartbeat !== undefined) {
      const message = heartbeat.message;
      let ping: (() => void) | undefined;
      if (message !== undefined) ping = () => this.#sendPing(conn, message);
      else if (adapter.canPing) ping = () => adapter.ping();
      if (ping !== undefined) {
        const timeout = new TimeoutError(heartbeat.timeoutMs, 'WebSocket heartbeat');
        const dead = () => this.#kill(conn, 'heartbeat', timeout);
        conn.heartbeat = new Heartbeat(this.#clock, heartbeat, ping, dead);
      }
    }
    if (rotation !== undefined) {
      const age = this.#clock.monotonic() - conn.openedAt;
      conn.lifetimeTimer = this.#clock.setTimeout(
        () => {
          conn.lifetimeTimer = undefined;
          if (this.#pending === undefined && this.#timer === undefined) this.#connect('rotation');
        },
        Math.max(0, rotation.maxLifetimeMs - age),
      );
    }
    const from = this.#state;
    this.#state = 'open';
    const queue = this.#queue;
    for (let data = queue.peek(); data !== undefined; data = queue.peek()) {
      if (!adapter.send(data)) break;
      queue.shift();
    }
    this.#emitState(from, 'open');
    this.#emitter.emit('open', { name: this.name, reason: conn.reason });
  }

  #sendPing(conn: Connection<S>, message: () => OutgoingData): void {
    let data: OutgoingData;
    try {
      data = message();
    } catch (error) {
      this.#failed(conn, 'heartbeat', 'callback', error);
      return;
    }
    conn.adapter!.send(data);
  }

  // hot path: every received message.
  #received(conn: Connection<S>, data: MessageData): void {
    const heartbeat = conn.heartbeat;
    if (heartbeat?.awaiting) heartbeat.alive();
    if (this.#isPong !== undefined && this.#isPongFrame(conn, data)) return;
    const seam = this.#seam;
    if (seam === undefined) {
      this.#emitter.emit('message', data);
      return;
    }
    if (conn === seam.old) seam.fromOld(data);
    else seam.fromNew(data);
    this.#seamFailed(seam);
    if (this.#seam === seam && seam.done) this.#seam = undefined;
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

  // --- ends ----------------------------------------------------------------------------------

  /** Ends a connection the guard gives up on: terminated, reported as an abnormal closure. */
  #kill(conn: Connection<S>, cause: CloseCause, error: unknown): void {
    const end: SocketEnd = {
      code: abnormalClosure,
      reason: '',
      wasClean: false,
      error,
      refusal: undefined,
    };
    this.#end(conn, end, cause);
  }

  /** The one place a connection ends: settles its permit, reports it, decides what is next. */
  #end(conn: Connection<S>, end: SocketEnd, cause: CloseCause): void {
    if (conn.ended) return;
    conn.ended = true;
    conn.clearTimers(this.#clock);
    if (cause !== 'remote' && conn.adapter !== undefined) {
      const force = cause !== 'closed' && cause !== 'rotated' && cause !== 'halted';
      this.#track(conn.adapter.abandon(force, force ? undefined : end.code, end.reason));
    }
    const uptimeMs = conn.openedAt < 0 ? undefined : this.#clock.monotonic() - conn.openedAt;
    const kind = this.#settle(conn, end, cause, uptimeMs);
    const next = this.#next(conn, kind, cause);
    if (this.#current === conn) this.#current = undefined;
    if (this.#pending === conn) this.#pending = undefined;
    if (this.#seam?.next === conn) this.#seam = undefined;
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
        this.#wait(this.#delay(true), 'backoff', this.#retryReason());
        break;
      case 'retryRotation':
        this.#wait(this.#delay(true), 'backoff', 'rotation');
        break;
      case 'takeover': {
        const seam = this.#seam;
        if (seam?.old === conn) this.#switchSeam(seam);
        if (this.#current === undefined) this.#setState('reconnecting');
        break;
      }
    }
  }

  /** Classifies the end and settles the connection's permit if it still holds one. */
  #settle(
    conn: Connection<S>,
    end: SocketEnd,
    cause: CloseCause,
    uptimeMs: number | undefined,
  ): CloseKind {
    const permit = conn.permit;
    if (end.refusal !== undefined) {
      const verdict = permit.settle(refusalOutcome(end.refusal));
      return verdict.category === 'auth' ? 'auth' : 'transient';
    }
    let kind: CloseKind;
    if (cause === 'closed' || cause === 'rotated' || cause === 'halted') kind = 'normal';
    else if (cause === 'remote' && uptimeMs !== undefined) {
      kind = classifyCloseCode(end.code, this.#options.closeCodes);
    } else kind = 'transient';
    if (permit.settled) return kind;
    if (kind === 'auth' || (kind === 'normal' && !this.#reconnectsAfter(kind, cause))) {
      permit.release();
      return kind;
    }
    // A socket that closed under us is a network failure whatever came with it (the standard
    // WebSocket gives a bare Event, or nothing); the guard's own kills (a connect or heartbeat
    // timeout, a factory or resubscribe error) are classified by their error.
    const category = cause === 'remote' ? 'network' : undefined;
    permit.failure(end.error ?? this.#closeError(end.code, uptimeMs), category);
    return kind;
  }

  #reconnectsAfter(kind: CloseKind, cause: CloseCause): boolean {
    if (cause === 'closed' || cause === 'rotated' || cause === 'halted') return false;
    return kind === 'transient' || (kind === 'normal' && this.#options.reconnectOnNormalClose);
  }

  #next(conn: Connection<S>, kind: CloseKind, cause: CloseCause): Next {
    if (this.#state === 'closed' || this.#state === 'halted') return 'none';
    if (cause === 'closed' || cause === 'rotated' || cause === 'halted') return 'none';
    const retry = this.#reconnectsAfter(kind, cause);
    if (conn === this.#pending && this.#current !== undefined) {
      return retry ? 'retryRotation' : 'none';
    }
    if (conn !== this.#current && conn !== this.#pending) return 'none';
    if (!retry) return 'halt';
    if (conn === this.#current && this.#pending !== undefined) return 'takeover';
    return 'reconnect';
  }

  #closeError(code: number, uptimeMs: number | undefined): Error {
    const when =
      uptimeMs === undefined
        ? 'before it opened'
        : `after ${Math.round(uptimeMs)} ms, under minUptimeMs (${this.#options.minUptimeMs})`;
    const error = new Error(`WebSocket "${this.name}" closed with code ${code} ${when}.`);
    error.name = 'WebSocketClosedError';
    return error;
  }

  /** Stops reconnecting until `reconnect()`; ends any connection still up. */
  #halt(byBreaker: boolean): void {
    const from = this.#state;
    this.#state = 'halted';
    this.#haltedByBreaker = byBreaker;
    this.#clearWait();
    this.#seam = undefined;
    const end: SocketEnd = {
      code: 1000,
      reason: 'halted',
      wasClean: true,
      error: undefined,
      refusal: undefined,
    };
    if (this.#pending !== undefined) this.#end(this.#pending, end, 'halted');
    if (this.#current !== undefined) this.#end(this.#current, end, 'halted');
    this.#emitState(from, 'halted');
  }

  // --- waiting -------------------------------------------------------------------------------

  /** The next backoff delay; `advance` counts the attempt that failed. */
  #delay(advance: boolean): number {
    const delayMs = this.#options.backoff.delayMs(this.#attempt, this.#lastDelayMs, this.#random);
    if (advance) {
      this.#lastDelayMs = delayMs;
      this.#attempt++;
    }
    return delayMs;
  }

  #wait(delay: number, cause: WaitCause, reason: ConnectReason): void {
    this.#clearWait();
    const delayMs = Math.ceil(delay);
    const rotation = reason === 'rotation' && this.#current !== undefined;
    if (!rotation) this.#setState('reconnecting');
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#connect(reason);
    }, delayMs);
    if (this.#emitter.has('reconnecting')) {
      const attempt = this.#attempt;
      this.#emitter.emit('reconnecting', { name: this.name, attempt, delayMs, cause, rotation });
    }
  }

  #clearWait(): void {
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
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

/** Closes a socket an async factory yielded after its connection ended; never throws. */
function discard(socket: WebSocketLike): void {
  try {
    closeQuietly(socket, true).then(undefined, noop);
  } catch {
    // Not a WebSocket: there is nothing to close.
  }
}

function noop(): void {}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** A refused upgrade as the core's response outcome: 429 opens the breaker, 401 is `auth`. */
function refusalOutcome(refusal: UpgradeRefusal): ResponseOutcome {
  return {
    kind: 'response',
    status: refusal.status,
    header(name: string): string | null {
      const value = refusal.headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : (value as string);
    },
  };
}
