import type { CallContext, RateLimiter } from '../core.ts';

/** A call waiting for its weight. */
export interface Waiter {
  readonly weight: number;
  /** `priority: 'low'`: waits behind every normal call. */
  readonly low: boolean;
  /** Monotonic time after which the call may not be granted. */
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
  readonly context: CallContext | undefined;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
}

interface Entry {
  readonly waiter: Waiter;
  onAbort: (() => void) | undefined;
  announced: boolean;
}

/**
 * The calls of one limiter waiting for their weight: normal calls first in, first out, then
 * low-priority ones. A waiter whose signal aborts leaves at once with the signal's reason.
 */
export class WaitQueue {
  #entries: Entry[] = [];
  #weight = 0;

  get length(): number {
    return this.#entries.length;
  }

  /** The total weight waiting. */
  get weight(): number {
    return this.#weight;
  }

  get head(): Waiter | undefined {
    return this.#entries[0]?.waiter;
  }

  /** Adds `waiter`; `onLeave` runs after an abort took it out of the queue. */
  add(waiter: Waiter, onLeave: () => void): void {
    const entry: Entry = { waiter, onAbort: undefined, announced: false };
    const at = waiter.low ? -1 : this.#entries.findIndex((e) => e.waiter.low);
    if (at === -1) this.#entries.push(entry);
    else this.#entries.splice(at, 0, entry);
    this.#weight += waiter.weight;
    const signal = waiter.signal;
    if (signal !== undefined) {
      entry.onAbort = () => {
        this.remove(waiter);
        waiter.reject(signal.reason);
        onLeave();
      };
      signal.addEventListener('abort', entry.onAbort, { once: true });
    }
  }

  remove(waiter: Waiter): void {
    const index = this.#entries.findIndex((e) => e.waiter === waiter);
    if (index === -1) return;
    const [entry] = this.#entries.splice(index, 1);
    this.#weight -= waiter.weight;
    if (this.#entries.length === 0) this.#weight = 0;
    if (entry?.onAbort !== undefined) waiter.signal!.removeEventListener('abort', entry.onAbort);
  }

  /** Waiters whose deadline comes before `time`. */
  late(time: number): Waiter[] {
    return this.#entries.filter((e) => e.waiter.deadline < time).map((e) => e.waiter);
  }

  /** Calls `fn` once for each waiter it was not called for yet. */
  announce(waitMs: number, fn: (waiter: Waiter, waitMs: number) => void): void {
    for (const entry of this.#entries) {
      if (entry.announced) continue;
      entry.announced = true;
      fn(entry.waiter, waitMs);
    }
  }

  /** Hands every waiter to `limiter` (the local fallback), in order. */
  moveTo(limiter: RateLimiter): void {
    const entries = this.#entries;
    this.#entries = [];
    this.#weight = 0;
    for (const { waiter, onAbort } of entries) {
      if (onAbort !== undefined) waiter.signal!.removeEventListener('abort', onAbort);
      const { weight, signal, context } = waiter;
      limiter.execute(resolved, { weight, signal, context }).then(waiter.resolve, waiter.reject);
    }
  }

  rejectAll(reason: unknown): void {
    for (const { waiter } of [...this.#entries]) {
      this.remove(waiter);
      waiter.reject(reason);
    }
  }
}

function resolved(): Promise<void> {
  return Promise.resolve();
}
