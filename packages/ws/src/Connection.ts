import type { Clock, Permit } from '@breakwater/core';
import type { CloseCause, ConnectReason } from './GuardEvents.ts';
import type { Heartbeat } from './Heartbeat.ts';
import type { MessageData, SocketAdapter, SocketEnd, WebSocketLike } from './SocketAdapter.ts';
import { isDeliberate } from './settleEnd.ts';

/** A `waitFor()` of the resubscribe hook: what it waits for and how to settle it. */
export interface Waiter {
  readonly match: (data: MessageData) => boolean;
  readonly resolve: (data: MessageData) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One connection attempt and, if it opens, the connection: its raw socket, the breaker permit
 * it holds until it is settled, and its timers. `GuardLifecycle` owns it.
 */
export class Connection<S extends WebSocketLike> {
  readonly reason: ConnectReason;
  /** Settled once: success at `minUptimeMs`, failure at an earlier close, or released. */
  readonly permit: Permit;
  /** Set once the factory has returned the socket. */
  adapter: SocketAdapter<S> | undefined = undefined;
  /** Aborted when this connection ends: the factory's `signal`. */
  readonly controller = new AbortController();
  /** Monotonic time of the `open` event; -1 until then. */
  openedAt = -1;
  /** True once open and resubscribed. */
  ready = false;
  /** True once ended: nothing it reports counts any more. */
  ended = false;
  heartbeat: Heartbeat | undefined = undefined;
  connectTimer: unknown = undefined;
  uptimeTimer: unknown = undefined;
  lifetimeTimer: unknown = undefined;
  overlapTimer: unknown = undefined;
  /** Pending `waitFor()` calls of the resubscribe hook; `undefined` when there are none. */
  waiters: Waiter[] | undefined = undefined;

  constructor(reason: ConnectReason, permit: Permit) {
    this.reason = reason;
    this.permit = permit;
  }

  /**
   * Marks it ended and lets go of it: clears its timers and, unless the socket closed by itself,
   * stops listening and closes it, with `end`'s code when the guard ends it on purpose and by
   * force (`terminate()` with `ws`) otherwise. Returns that close, which `close()` waits for.
   */
  finish(clock: Clock, end: SocketEnd, cause: CloseCause): Promise<void> | undefined {
    this.ended = true;
    this.#clearTimers(clock);
    this.#rejectWaiters(end.error);
    if (cause === 'remote' || this.adapter === undefined) return undefined;
    // An error frame's end is a clean close: the server is alive, it said no.
    const force = !isDeliberate(cause) && cause !== 'message';
    return this.adapter.abandon(force, force ? undefined : end.code, end.reason);
  }

  #rejectWaiters(error: unknown): void {
    const waiters = this.waiters;
    if (waiters === undefined) return;
    this.waiters = undefined;
    const reason = error ?? new Error('The WebSocket connection ended before the awaited frame.');
    for (const waiter of waiters) waiter.reject(reason);
  }

  #clearTimers(clock: Clock): void {
    if (this.connectTimer !== undefined) clock.clearTimeout(this.connectTimer);
    if (this.uptimeTimer !== undefined) clock.clearTimeout(this.uptimeTimer);
    if (this.lifetimeTimer !== undefined) clock.clearTimeout(this.lifetimeTimer);
    if (this.overlapTimer !== undefined) clock.clearTimeout(this.overlapTimer);
    this.connectTimer = undefined;
    this.uptimeTimer = undefined;
    this.lifetimeTimer = undefined;
    this.overlapTimer = undefined;
    this.heartbeat?.stop();
  }
}
