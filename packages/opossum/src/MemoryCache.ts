import type { Clock } from '@breakwater/core';
import type { CacheTransport } from './types.ts';

interface Entry {
  readonly value: unknown;
  /** Epoch ms, or 0 for never. */
  readonly expiresAt: number;
}

/**
 * The built-in cache of results (`cache: true`) and of in-flight calls (`coalesce: true`): a Map
 * bounded to `maxEntries`, evicting the oldest entry, with expiry times read from the clock.
 */
export class MemoryCache implements CacheTransport {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #clock: Clock;

  constructor(maxEntries: number, clock: Clock) {
    this.#maxEntries = maxEntries;
    this.#clock = clock;
  }

  get(key: string): unknown {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt === 0 || entry.expiresAt > this.#clock.now()) return entry.value;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: string, value: unknown, expiresAt: number): void {
    if (!this.#entries.has(key) && this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, expiresAt });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  flush(): void {
    this.#entries.clear();
  }
}
