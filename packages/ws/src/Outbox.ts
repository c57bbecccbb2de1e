import type { Emitter } from '@breakwater/core/adapter';
import type { GuardEvents } from './events.ts';
import { type DropPolicy, OutgoingQueue } from './OutgoingQueue.ts';
import type { OutgoingData, SocketAdapter, WebSocketLike } from './socketAdapter.ts';

/**
 * Messages on their way out: sent at once while a connection delivers and nothing waits ahead
 * of them, else queued for the next connection, and dropped with a `drop` event when the queue
 * is full or the guard has closed.
 */
export class Outbox {
  readonly #name: string;
  readonly #emitter: Emitter<GuardEvents>;
  readonly #queue: OutgoingQueue<OutgoingData>;

  readonly #onOverflow = (data: OutgoingData): void => {
    if (!this.#emitter.has('drop')) return;
    const queued = this.#queue.size;
    this.#emitter.emit('drop', { name: this.#name, data, reason: 'overflow', queued });
  };

  constructor(name: string, emitter: Emitter<GuardEvents>, maxSize: number, policy: DropPolicy) {
    this.#name = name;
    this.#emitter = emitter;
    this.#queue = new OutgoingQueue(maxSize, policy);
  }

  /** Messages waiting. */
  get size(): number {
    return this.#queue.size;
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
    if (adapter !== undefined && this.#queue.size === 0 && adapter.send(data)) return true;
    if (closed) {
      this.#dropClosed(data);
      return false;
    }
    return this.#queue.push(data, this.#onOverflow);
  }

  /** Sends what waits, oldest first, until `adapter` refuses one. */
  flush(adapter: SocketAdapter<WebSocketLike>): void {
    const queue = this.#queue;
    for (let data = queue.peek(); data !== undefined; data = queue.peek()) {
      if (!adapter.send(data)) break;
      queue.shift();
    }
  }

  /** Drops everything waiting: the guard has closed. */
  dropAll(): void {
    for (const data of this.#queue.clear()) this.#dropClosed(data);
  }

  #dropClosed(data: OutgoingData): void {
    if (this.#emitter.has('drop')) {
      this.#emitter.emit('drop', { name: this.#name, data, reason: 'closed', queued: 0 });
    }
  }
}
