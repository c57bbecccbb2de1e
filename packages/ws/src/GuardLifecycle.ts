import type { Clock } from '@breakwater/core';
import {
  type Emitter,
  maxTimerMs,
  reportCallbackError,
  rethrowInMicrotask,
  type StateChangeEvent,
} from '@breakwater/core/adapter';
import { Connection } from './Connection.ts';
import { Connector } from './Connector.ts';
import type {
  CloseCause,
  ConnectReason,
  GuardErrorEvent,
  GuardEvents,
  GuardState,
  WaitCause,
} from './GuardEvents.ts';
import { startHeartbeat } from './Heartbeat.ts';
import { OutgoingQueue } from './OutgoingQueue.ts';
import type { ResolvedGuardOptions, WebSocketFactory } from './options/types.ts';
import { ReconnectScheduler } from './ReconnectScheduler.ts';
import { Rotator } from './Rotator.ts';
import type { OutgoingData, SocketEnd, WebSocketLike } from './SocketAdapter.ts';
import {
  abnormalEnd,
  type ConnectionRole,
  cleanEnd,
  closeEvent,
  nextAfterEnd,
  settleEnd,
  verdictEnd,
} from './settleEnd.ts';

/** The backoff's delay, or longer if the frame that ended the connection asked for a wait. */
function waitAfter(delayMs: number, end: SocketEnd): number {
  const retryAfterMs = end.verdict?.retryAfterMs;
  if (retryAfterMs === undefined) return delayMs;
  return Math.min(Math.max(delayMs, retryAfterMs), maxTimerMs);
}

/**
 * The guard's state machine behind `ResilientWebSocket`: its {@link GuardState}, the connection
 * that delivers messages, and the one being made (the first, a reconnect, or a rotation's
 * replacement). The `Connector` makes connections, the `ReconnectScheduler` times the next
 * attempt, the `Rotator` replaces ageing connections and the `OutgoingQueue` holds what is sent
 * meanwhile; this class decides, each time a connection ends, what comes next.
 */
export class GuardLifecycle<S extends WebSocketLike> {
  readonly #options: ResolvedGuardOptions;
  readonly #clock: Clock;
  readonly #emitter: Emitter<GuardEvents>;
  readonly #queue: OutgoingQueue;
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

  readonly #onBreakerState = ({ from, to }: StateChangeEvent): void => {
    if (to === 'forced_open') {
      if (this.#state !== 'closed' && this.#state !== 'halted') this.#halt(true);
    } else if (to === 'closed' || to === 'disabled') {
      // reset() or enable() after a forced open, or after `maxRecoveryAttempts` ran out.
      if (this.#state === 'halted' && this.#haltedByBreaker && from !== to) this.reconnect();
    }
  };

  /** Starts the first attempt in a microtask, so that listeners attached before then see it. */
  constructor(
    factory: WebSocketFactory<S>,
    options: ResolvedGuardOptions,
    emitter: Emitter<GuardEvents>,
  ) {
    this.#options = options;
    this.#clock = options.clock;
    this.#emitter = emitter;
    this.#queue = new OutgoingQueue(options.name, emitter, options.queue);
    const onCallbackError = options.onListenerError ?? rethrowInMicrotask;
    this.#scheduler = new ReconnectScheduler(
      this.#clock,
      options.backoff,
      (reason) => this.#connect(reason),
      (error, source) => reportCallbackError(onCallbackError, error, source),
    );
    this.#connector = new Connector(factory, options, this.#scheduler, {
      opened: (conn) => {
        if (this.#current !== undefined) this.#rotator.begin(this.#current, conn);
      },
      ready: (conn) => {
        if (!this.#rotator.ready(conn)) this.#promote(conn);
      },
      message: (conn, data) => {
        if (!this.#rotator.route(conn, data)) this.#emitter.emit('message', data);
      },
      classified: (conn, verdict) => {
        if (verdict.action !== 'rotate')
          this.#end(conn, verdictEnd(options.name, verdict), 'message');
        else if (conn === this.#current) this.#rotate();
      },
      closed: (conn, end) => this.#end(conn, end, 'remote'),
      failed: (conn, phase, cause, error) => this.#failed(conn, phase, cause, error),
      kill: (conn, cause, error) => this.#end(conn, abnormalEnd(error), cause),
    });
    this.#rotator = new Rotator(this.#clock, options.rotation, {
      deliver: (data) => this.#emitter.emit('message', data),
      rotate: () => this.#rotate(),
      retire: (old) => this.#end(old, cleanEnd(1000, 'rotated'), 'rotated'),
      promote: (conn) => this.#promote(conn),
      failed: (conn, error) => this.#failed(conn, 'rotation', 'callback', error),
    });
    this.#unsubscribeBreaker = options.breaker.on('stateChange', this.#onBreakerState);
    queueMicrotask(() => {
      if (this.#state === 'connecting' && this.#pending === undefined && !this.#scheduler.waiting) {
        this.#connect('initial');
      }
    });
  }

  get state(): GuardState {
    return this.#state;
  }

  /** The raw socket delivering messages, else the one being connected. */
  get socket(): S | undefined {
    return this.#current?.adapter?.socket ?? this.#pending?.adapter?.socket;
  }

  /** Messages waiting in the outgoing queue. */
  get queued(): number {
    return this.#queue.size;
  }

  /** Sends now when open, else queues; false when dropped. */
  send(data: OutgoingData): boolean {
    return this.#queue.send(this.#current?.adapter, data, this.#state === 'closed');
  }

  /**
   * Ends every connection with `code` and `reason` (validated) and stops for good; resolves when
   * every socket has closed. Once only: the caller disposes of what it owns afterwards.
   */
  close(code: number, reason: string): Promise<void> {
    const from = this.#state;
    this.#state = 'closed';
    this.#endAll(cleanEnd(code, reason), 'closed');
    this.#queue.dropAll();
    this.#emitState(from, 'closed');
    this.#unsubscribeBreaker();
    return Promise.all(this.#lingering).then(() => undefined);
  }

  /** Resumes a halted guard, or cuts a wait short; see `ResilientWebSocket.reconnect()`. */
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

  /** Replaces the current connection, make before break, unless an attempt is already due. */
  #rotate(): void {
    if (this.#pending === undefined && !this.#scheduler.waiting) this.#connect('rotation');
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
    this.#emitter.emit('error', { name: this.#options.name, phase, error });
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
    this.#queue.flush(adapter);
    this.#emitState(from, 'open');
    this.#emitter.emit('open', { name: this.#options.name, reason: conn.reason });
  }

  /** The one place a connection ends: settles its permit, reports it, decides what is next. */
  #end(conn: Connection<S>, end: SocketEnd, cause: CloseCause): void {
    if (conn.ended) return;
    const closing = conn.finish(this.#clock, end, cause);
    if (closing !== undefined) {
      // close() resolves once every socket the guard let go of has closed.
      this.#lingering.add(closing);
      closing.then(() => this.#lingering.delete(closing));
    }
    const uptimeMs = conn.openedAt < 0 ? undefined : this.#clock.monotonic() - conn.openedAt;
    const kind = settleEnd(conn.permit, end, cause, uptimeMs, this.#options);
    const next = nextAfterEnd(this.#roleOf(conn), kind, cause, this.#options);
    if (this.#current === conn) this.#current = undefined;
    if (this.#pending === conn) this.#pending = undefined;
    this.#rotator.ended(conn);
    // The factory's signal: cancels what a factory still pending waits for (a token fetch).
    conn.controller.abort(end.error);
    if (this.#emitter.has('close')) {
      const { name } = this.#options;
      this.#emitter.emit('close', closeEvent(name, end, kind, cause, uptimeMs, next));
    }
    switch (next) {
      case 'halt':
        this.#halt(false);
        break;
      case 'reconnect':
        this.#wait(waitAfter(this.#scheduler.delay(true), end), 'backoff', this.#retryReason());
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

  #roleOf(conn: Connection<S>): ConnectionRole {
    if (this.#state === 'closed' || this.#state === 'halted') return 'stale';
    if (conn === this.#pending) return this.#current === undefined ? 'attempt' : 'replacement';
    if (conn === this.#current) return this.#pending === undefined ? 'current' : 'replaced';
    return 'stale';
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
      const { name } = this.#options;
      const attempt = this.#scheduler.attempt;
      this.#emitter.emit('reconnecting', { name, attempt, delayMs, cause, rotation });
    }
  }

  #retryReason(): ConnectReason {
    return this.#everOpened ? 'reconnect' : 'initial';
  }

  #setState(to: GuardState): void {
    const from = this.#state;
    this.#state = to;
    this.#emitState(from, to);
  }

  #emitState(from: GuardState, to: GuardState): void {
    if (from !== to) this.#emitter.emit('state', { name: this.#options.name, from, to });
  }
}
