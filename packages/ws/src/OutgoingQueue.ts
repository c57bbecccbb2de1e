/**
 * What a full outgoing queue gives up: `'newest'` refuses the message being sent (`send()`
 * returns false), `'oldest'` drops the message that has waited longest to make room.
 */
export type DropPolicy = 'newest' | 'oldest';

/**
 * A bounded first-in, first-out queue of messages waiting for a connection. A ring over a plain
 * array: `push` and `shift` are O(1), and the array never holds more than `maxSize` items.
 */
export class OutgoingQueue<T> {
  readonly #maxSize: number;
  readonly #policy: DropPolicy;
  #items: (T | undefined)[] = [];
  #head = 0;
  #size = 0;

  constructor(maxSize: number, policy: DropPolicy) {
    this.#maxSize = maxSize;
    this.#policy = policy;
  }

  /** Messages waiting. */
  get size(): number {
    return this.#size;
  }

  /**
   * Appends `item`; when the queue is full, drops one message by the policy and passes it to
   * `onDrop`. Returns false when `item` itself was dropped.
   */
  push(item: T, onDrop: (dropped: T) => void): boolean {
    if (this.#size >= this.#maxSize) {
      if (this.#policy === 'newest' || this.#size === 0) {
        onDrop(item);
        return false;
      }
      onDrop(this.shift() as T);
    }
    const items = this.#items;
    if (this.#size === items.length) {
      // Grow by unrolling the ring so the order stays head-first.
      this.#items = [...items.slice(this.#head), ...items.slice(0, this.#head)];
      this.#head = 0;
      this.#items.push(item);
    } else {
      items[(this.#head + this.#size) % items.length] = item;
    }
    this.#size++;
    return true;
  }

  /** The oldest message, without removing it. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  /** Removes and returns the oldest message. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#items.length;
    this.#size--;
    return item;
  }

  /** Empties the queue and returns what it held, oldest first. */
  clear(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) out.push(item);
    this.#items = [];
    this.#head = 0;
    return out;
  }
}
