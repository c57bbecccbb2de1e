/**
 * Runs at most `limit` operations at once; the rest wait their turn, first come first served.
 * Bulk work (ten thousand breakers loading at start, or reconciling after a reconnect) then
 * never queues so many commands on one connection that the last ones outwait the command
 * timeout, and a transition's write is never stuck behind all of them.
 */
export class Throttle {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#limit) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    this.#active++;
    try {
      return await operation();
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }
}
