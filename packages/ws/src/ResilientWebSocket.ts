import { BreakwaterConfigError, type CircuitBreaker } from '@breakwater/core';
import { Emitter } from '@breakwater/core/adapter';
import type { GuardEvents, GuardState } from './GuardEvents.ts';
import { GuardLifecycle } from './GuardLifecycle.ts';
import { resolveGuardOptions } from './options/resolveGuardOptions.ts';
import type { GuardOptions, ResolvedGuardOptions, WebSocketFactory } from './options/types.ts';
import type { OutgoingData, WebSocketLike } from './SocketAdapter.ts';

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
  readonly #emitter: Emitter<GuardEvents>;
  readonly #lifecycle: GuardLifecycle<S>;
  #closing: Promise<void> | undefined = undefined;

  /**
   * Prefer `guardWebSocket()`. The first attempt starts in a microtask, so listeners attached
   * right after construction see every event.
   * @throws BreakwaterConfigError when an option is invalid (the message names it)
   */
  constructor(factory: WebSocketFactory<S>, options: GuardOptions<S> = {}) {
    if (typeof factory !== 'function') {
      throw new BreakwaterConfigError('factory', 'a function returning a WebSocket', factory);
    }
    this.#options = resolveGuardOptions(options);
    this.#emitter = new Emitter(this.#options.onListenerError);
    this.#lifecycle = new GuardLifecycle(factory, this.#options, this.#emitter);
  }

  /** The guard's name (its breaker's key by default). */
  get name(): string {
    return this.#options.name;
  }

  /** The current state; see {@link GuardState}. */
  get state(): GuardState {
    return this.#lifecycle.state;
  }

  /** The raw socket delivering messages, else the one being connected; read-only use. */
  get socket(): S | undefined {
    return this.#lifecycle.socket;
  }

  /** The breaker every connection attempt goes through. */
  get breaker(): CircuitBreaker {
    return this.#options.breaker;
  }

  /** Messages waiting in the outgoing queue. */
  get queued(): number {
    return this.#lifecycle.queued;
  }

  /**
   * Sends `data` now when open, else queues it until the next connection is resubscribed.
   * Returns false when the message was dropped: the queue is full with `dropPolicy: 'newest'`,
   * or the guard is closed (a `drop` event tells either way).
   */
  send(data: OutgoingData): boolean {
    return this.#lifecycle.send(data);
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
    this.#closing = this.#lifecycle.close(code, reason);
    if (this.#options.ownsBreaker) this.#options.breaker.dispose();
    this.#emitter.clear();
    return this.#closing;
  }

  /**
   * Resumes a halted guard (after an `auth` close, a `normal` close, a refused upgrade, or a
   * forced-open breaker), with the backoff reset; a waiting guard attempts at once (still
   * through the breaker and the rate limiter). Does nothing while open, connecting, or closed.
   */
  reconnect(): void {
    this.#lifecycle.reconnect();
  }

  /** Subscribes to an event; returns an idempotent unsubscribe function. */
  on<K extends keyof GuardEvents>(
    event: K,
    listener: (payload: GuardEvents[K]) => void,
  ): () => void {
    return this.#emitter.on(event, listener);
  }
}
