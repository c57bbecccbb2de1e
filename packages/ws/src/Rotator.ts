import type { Clock } from '@breakwater/core';
import type { Connection } from './Connection.ts';
import type { ResolvedRotationOptions } from './options/types.ts';
import { RotationSeam } from './RotationSeam.ts';
import type { MessageData, WebSocketLike } from './SocketAdapter.ts';

/** What the rotator asks of the guard. */
export interface RotatorHooks<S extends WebSocketLike> {
  /** Delivers a message to the user; handed to each seam as it is, so called without `this`. */
  deliver(data: MessageData): void;
  /** The current connection is due for replacement: connect, unless an attempt is already due. */
  rotate(): void;
  /** The old connection has been replaced: close it. */
  retire(conn: Connection<S>): void;
  /** The new connection takes over. */
  promote(conn: Connection<S>): void;
  /** `rotation.messageId` threw on a message of `conn`: report it and end the connection. */
  failed(conn: Connection<S>, error: unknown): void;
}

/**
 * Runs the guard's rotations: schedules each connection's replacement at `maxLifetimeMs`, and
 * while a replacement is being made, owns the seam between the two sockets and the overlap
 * timer that bounds it. The seam decides which socket delivers; the rotator tells the guard when
 * to retire the old connection and promote the new one.
 */
export class Rotator<S extends WebSocketLike> {
  readonly #clock: Clock;
  readonly #options: ResolvedRotationOptions | undefined;
  readonly #hooks: RotatorHooks<S>;
  #seam: RotationSeam<Connection<S>> | undefined = undefined;

  constructor(clock: Clock, options: ResolvedRotationOptions | undefined, hooks: RotatorHooks<S>) {
    this.#clock = clock;
    this.#options = options;
    this.#hooks = hooks;
  }

  /** `conn` now delivers: no overlap to wait for, and its replacement is due at `maxLifetimeMs`. */
  promoted(conn: Connection<S>): void {
    if (conn.overlapTimer !== undefined) this.#clock.clearTimeout(conn.overlapTimer);
    conn.overlapTimer = undefined;
    const rotation = this.#options;
    if (rotation === undefined) return;
    const age = this.#clock.monotonic() - conn.openedAt;
    conn.lifetimeTimer = this.#clock.setTimeout(
      () => {
        conn.lifetimeTimer = undefined;
        this.#hooks.rotate();
      },
      Math.max(0, rotation.maxLifetimeMs - age),
    );
  }

  /** `next` opened while `old` delivers: its messages are held back until the switch. */
  begin(old: Connection<S>, next: Connection<S>): void {
    const messageId = this.#options?.messageId;
    this.#seam = new RotationSeam(old, next, messageId, this.#hooks.deliver, this.#switched);
  }

  /**
   * `conn` is open and resubscribed. Returns false when it is not a replacement still waiting to
   * switch, so it takes over now; else it switches at the first overlap or after `overlapMs`.
   */
  ready(conn: Connection<S>): boolean {
    const seam = this.#seam;
    if (seam === undefined || seam.next !== conn || seam.switched) return false;
    seam.arm();
    this.#takeFailure(seam);
    if (conn.ended) return true;
    if (seam.switched) {
      if (seam.done) this.#seam = undefined;
      return true;
    }
    conn.overlapTimer = this.#clock.setTimeout(() => {
      conn.overlapTimer = undefined;
      this.#switch(seam);
    }, this.#options!.overlapMs);
    return true;
  }

  // hot path: every received message.
  /** Passes a message through the seam; false when no rotation is under way. */
  route(conn: Connection<S>, data: MessageData): boolean {
    const seam = this.#seam;
    if (seam === undefined) return false;
    if (conn === seam.old) seam.fromOld(data);
    else seam.fromNew(data);
    this.#takeFailure(seam);
    if (this.#seam === seam && seam.done) this.#seam = undefined;
    return true;
  }

  /** `conn` ended: if it was the replacement, the rotation is over. */
  ended(conn: Connection<S>): void {
    if (this.#seam?.next === conn) this.#seam = undefined;
  }

  /** `conn` ended: if it was the connection being replaced, switch to its replacement now. */
  takeover(conn: Connection<S>): void {
    const seam = this.#seam;
    if (seam?.old === conn) this.#switch(seam);
  }

  /** Abandons the rotation under way (the guard halts or closes). */
  clear(): void {
    this.#seam = undefined;
  }

  /** The seam switched to its new socket: retire the old one, promote the new one if ready. */
  readonly #switched = (): void => {
    const seam = this.#seam!;
    if (!seam.old.ended) this.#hooks.retire(seam.old);
    if (seam.next.ready && !seam.next.ended) this.#hooks.promote(seam.next);
  };

  #switch(seam: RotationSeam<Connection<S>>): void {
    seam.switch();
    this.#takeFailure(seam);
    if (this.#seam === seam && seam.done) this.#seam = undefined;
  }

  /** Ends the connection whose message `rotation.messageId` threw on, if it threw. */
  #takeFailure(seam: RotationSeam<Connection<S>>): void {
    const failure = seam.takeFailure();
    if (failure === undefined) return;
    this.#hooks.failed(failure.fromOld ? seam.old : seam.next, failure.error);
  }
}
