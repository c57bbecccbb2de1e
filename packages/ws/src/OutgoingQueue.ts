import type { Emitter } from '@breakwater/core/adapter';
import type { GuardEvents } from './GuardEvents.ts';
import type { DropPolicy, ResolvedQueueOptions } from './options/types.ts';
import type { OutgoingData, SocketAdapter, WebSocketLike } from './SocketAdapter.ts';

/**
 * Messages on their way out: sent at once while a connection delivers and nothing waits ahead
 * of them, else queued for the next connection, and dropped with a `drop` event when the queue
 * is full or the guard has closed.
 *
 * The queue is a ring over a plain array: adding and taking a message are O(1), and the array
 * never holds more than `maxSize` messages.
 */
export class OutgoingQueue {
  readonly #name: string;
  readonly #emitter: Emitter<GuardEvents>;
  readonly #maxSize: number;
  readonly #dropPolicy: DropPolicy;
  #items: (OutgoingData | undefined)[] = [];
  #head = 0;
  #size = 0;

  constructor(name: string, emitter: Emitter<GuardEvents>, options: ResolvedQueueOptions) {
    this.#name = name;
    this.#emitter = emitter;
    this.#maxSize = options.maxSize;
    this.#dropPolicy = options.dropPolicy;
  }

  /** Messages waiting. */
  get size(): number {
    return this.#size;
  }

  /**
   * Sends `data` on `adapter` (the connection delivering, if any), else queues it; when
   * `closed`, drops it. Returns false when `data` was dropped.
   */
  send(
    adapter: SocketAdapter<WebSocketLike> | undefined,
    data: OutgoingData,
    closed: boolean,
  ): boolean {
    if (adapter !== undefined && this.#size === 0 && adapter.send(data)) return true;
    if (closed) {
      this.#dropClosed(data);
      return false;
    }
    return this.#push(data);
  }

  /** Sends what waits, oldest first, until `adapter` refuses one. */
  flush(adapter: SocketAdapter<WebSocketLike>): void {
    while (this.#size > 0) {
      if (!adapter.send(this.#items[this.#head] as OutgoingData)) break;
      this.#shift();
    }
  }

  /** Drops everything waiting: the guard has closed. */
  dropAll(): void {
    const dropped: OutgoingData[] = [];
    for (let data = this.#shift(); data !== undefined; data = this.#shift()) dropped.push(data);
    this.#items = [];
    this.#head = 0;
    for (const data of dropped) this.#dropClosed(data);
  }

  /** Appends `data`; when full, drops a message by the policy. False when `data` was dropped. */
  #push(data: OutgoingData): boolean {
    if (this.#size >= this.#maxSize) {
      if (this.#dropPolicy === 'newest' || this.#size === 0) {
        this.#dropOverflow(data);
        return false;
      }
      this.#dropOverflow(this.#shift() as OutgoingData);
    }
    const items = this.#items;
    if (this.#size === items.length) {
      // Grow by unrolling the ring so the order stays head-first.
      this.#items = [...items.slice(this.#head), ...items.slice(0, this.#head)];
      this.#head = 0;
      this.#items.push(data);
    } else {
      items[(this.#head + this.#size) % items.length] = data;
    }
    this.#size++;
    return true;
  }

  /** Removes and returns the oldest message. */
  #shift(): OutgoingData | undefined {
    if (this.#size === 0) return undefined;
    const data = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#items.length;
    this.#size--;
    return data;
  }

  #dropOverflow(data: OutgoingData): void {
    if (!this.#emitter.has('drop')) return;
    const queued = this.#size;
    this.#emitter.emit('drop', { name: this.#name, data, reason: 'overflow', queued });
  }

  #dropClosed(data: OutgoingData): void {
    if (this.#emitter.has('drop')) {
      this.#emitter.emit('drop', { name: this.#name, data, reason: 'closed', queued: 0 });
    }
  }
}
