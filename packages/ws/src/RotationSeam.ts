import type { MessageData } from './SocketAdapter.ts';

/** `messageId` threw on a message: the error, and which socket the message came from. */
export interface SeamFailure {
  readonly error: unknown;
  readonly fromOld: boolean;
}

/**
 * Decides, during one rotation, which socket's messages reach the user, so that they come from
 * exactly one socket at a time.
 *
 * Before the switch the old socket delivers, and the new socket's messages are held back. With
 * `messageId`, the ids the old socket delivers are remembered, and the switch happens once the
 * new socket has received one of them (after it is `arm()`ed): held-back messages the old
 * socket already delivered are dropped, and so are the new socket's next messages while their
 * ids are among those delivered, until it gets ahead.
 *
 * A `messageId` that throws counts as `undefined` for that message, and the first such error is
 * kept for the `Rotator` to take (`takeFailure()`) once the seam has finished the call: ending a
 * connection from inside the seam would re-enter it.
 */
export class RotationSeam<C> {
  /** The socket being replaced. */
  readonly old: C;
  /** The socket taking over. */
  readonly next: C;
  readonly #messageId: ((data: MessageData) => unknown) | undefined;
  readonly #deliver: (data: MessageData) => void;
  readonly #onSwitch: () => void;
  readonly #seen = new Set<unknown>();
  readonly #heldIds = new Set<unknown>();
  #held: MessageData[] = [];
  #armed = false;
  #switched = false;
  #filtering = false;
  #failure: SeamFailure | undefined = undefined;

  constructor(
    old: C,
    next: C,
    messageId: ((data: MessageData) => unknown) | undefined,
    deliver: (data: MessageData) => void,
    onSwitch: () => void,
  ) {
    this.old = old;
    this.next = next;
    this.#messageId = messageId;
    this.#deliver = deliver;
    this.#onSwitch = onSwitch;
  }

  /** True once the new socket delivers and no longer needs filtering: the seam can go. */
  get done(): boolean {
    return this.#switched && !this.#filtering;
  }

  /** True once the switch happened. */
  get switched(): boolean {
    return this.#switched;
  }

  /** The first error `messageId` threw, once; `undefined` if none since the last call. */
  takeFailure(): SeamFailure | undefined {
    const failure = this.#failure;
    this.#failure = undefined;
    return failure;
  }

  /** A message from the old socket. */
  fromOld(data: MessageData): void {
    if (this.#switched) return;
    this.#deliver(data);
    if (this.#messageId === undefined) return;
    const id = this.#idOf(data, true);
    if (id === undefined) return;
    this.#seen.add(id);
    if (this.#armed && this.#heldIds.has(id)) this.switch();
  }

  /** A message from the new socket. */
  fromNew(data: MessageData): void {
    if (this.#switched) {
      this.#pass(data);
      return;
    }
    this.#held.push(data);
    if (this.#messageId === undefined) return;
    const id = this.#idOf(data, false);
    if (id === undefined) return;
    this.#heldIds.add(id);
    if (this.#armed && this.#seen.has(id)) this.switch();
  }

  /**
   * The new socket is resubscribed: switch now without `messageId` or when the streams already
   * overlap; otherwise at the first overlap.
   */
  arm(): void {
    this.#armed = true;
    if (this.#messageId === undefined) {
      this.switch();
      return;
    }
    for (const id of this.#heldIds) {
      if (this.#seen.has(id)) {
        this.switch();
        return;
      }
    }
  }

  /** Switches to the new socket now (overlap found, overlap time over, or old socket gone). */
  switch(): void {
    if (this.#switched) return;
    this.#switched = true;
    this.#filtering = this.#seen.size > 0;
    this.#heldIds.clear();
    this.#onSwitch();
    const held = this.#held;
    this.#held = [];
    for (const data of held) this.#pass(data);
  }

  #pass(data: MessageData): void {
    if (this.#filtering) {
      const id = this.#idOf(data, false);
      if (id !== undefined) {
        if (this.#seen.has(id)) return;
        this.#filtering = false;
        this.#seen.clear();
      }
    }
    this.#deliver(data);
  }

  #idOf(data: MessageData, fromOld: boolean): unknown {
    try {
      return this.#messageId?.(data);
    } catch (error) {
      this.#failure ??= { error, fromOld };
      return undefined;
    }
  }
}
