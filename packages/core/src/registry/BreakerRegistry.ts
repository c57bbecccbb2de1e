import { CircuitBreaker } from '../CircuitBreaker.ts';
import type { Clock } from '../Clock.ts';
import { Emitter } from '../events/Emitter.ts';
import type { BreakerOptions } from '../resolveBreakerOptions.ts';
import type { BreakerSnapshot } from '../snapshot.ts';
import type { BreakerState } from '../store/types.ts';
import { expectString } from '../validate.ts';
import {
  type BreakerRegistryOptions,
  type RegistryBreakerOptions,
  type ResolvedBreakerRegistryOptions,
  resolveBreakerRegistryOptions,
} from './resolveBreakerRegistryOptions.ts';
import type {
  BreakerRegistryEvents,
  BreakerRemovalReason,
  RegistryHealth,
  RegistryHealthStatus,
} from './types.ts';

/** What the registry keeps per breaker. */
interface Entry {
  readonly breaker: CircuitBreaker;
  readonly unsubscribe: () => void;
  /** Monotonic ms of the last `get()` or observed call; maintained only when bounded. */
  usedAt: number;
  /** Calls plus rejections seen at the last look, to notice calls made through a reference. */
  seenCalls: number;
  /** Reconfigured through the registry: never evicted, so an operator's change is not lost. */
  pinned: boolean;
}

/**
 * Gets or creates circuit breakers by name (an origin or endpoint group), so every part of an
 * application guarding one dependency shares one breaker, and operations (a dashboard, a health
 * check, an admin endpoint) can list, reset, force open and reconfigure them by name.
 *
 * A breaker is created on first `get(name)` with `{ ...defaults, ...overrides(name), ...options,
 * name }`. With a finite `maxSize`, adding a breaker beyond it evicts the least recently used one
 * that is `closed`, not forced, and idle for `idleMs`; a breaker that holds state (open,
 * half-open, forced open, reconfigured) is never evicted, so the registry may grow past
 * `maxSize` when none qualifies. Idle means no `get()` for `idleMs`, and no call through a held
 * reference since the registry last looked (such calls count as a use at the moment it notices
 * them). Keep the registry, not the breaker, when names are unbounded:
 * an evicted breaker is disposed, and the next `get()` creates a fresh one (restored from the
 * store, if there is one).
 *
 * @example
 * ```ts
 * const registry = new BreakerRegistry({
 *   defaults: { strategy: { type: 'consecutive', failureCount: 5 }, recovery: 10_000 },
 *   overrides: { 'https://api.kraken.com': { recovery: 30_000 } },
 *   maxSize: 1_000,
 * });
 * registry.on('stateChange', ({ breaker, from, to }) => log(`${breaker}: ${from} → ${to}`));
 * const ticker = await registry.get('https://api.kraken.com').execute(() => getTicker());
 * ```
 */
export class BreakerRegistry implements Disposable {
  readonly #options: ResolvedBreakerRegistryOptions;
  readonly #clock: Clock;
  readonly #bounded: boolean;
  readonly #entries = new Map<string, Entry>();
  readonly #emitter: Emitter<BreakerRegistryEvents>;

  /**
   * @throws BreakwaterConfigError when an option is invalid, including invalid `defaults` or an
   * invalid entry of an `overrides` object (the message names the option)
   */
  constructor(options: BreakerRegistryOptions = {}) {
    this.#options = resolveBreakerRegistryOptions(options);
    this.#clock = this.#options.clock;
    this.#bounded = this.#options.maxSize !== Infinity;
    this.#emitter = new Emitter(this.#options.onListenerError);
  }

  /** The validated options in force. */
  get options(): ResolvedBreakerRegistryOptions {
    return this.#options;
  }

  /** Number of breakers in the registry. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The breaker named `name`, created on first use with `{ ...defaults, ...overrides(name),
   * ...options, name }`. Once it exists, `options` is ignored: the first caller configures it
   * (use `overrides` or `reconfigure()` to change a breaker's options).
   * @throws BreakwaterConfigError when `name` is not a non-empty string, or the merged options
   * of a new breaker are invalid (nothing is added then)
   */
  get(name: string, options?: RegistryBreakerOptions): CircuitBreaker {
    const entry = this.#entries.get(name);
    if (entry !== undefined) {
      if (this.#bounded) this.#touch(name, entry, this.#clock.monotonic());
      return entry.breaker;
    }
    return this.#create(expectString('name', name), options);
  }

  /** True when a breaker named `name` exists; creates nothing. */
  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** The breaker named `name`, or `undefined`; creates nothing and does not count as a use. */
  peek(name: string): CircuitBreaker | undefined {
    return this.#entries.get(name)?.breaker;
  }

  /** Every breaker in the registry, in no particular order. */
  *breakers(): IterableIterator<CircuitBreaker> {
    for (const entry of this.#entries.values()) yield entry.breaker;
  }

  /** A snapshot of every breaker, sorted by name. */
  list(): BreakerSnapshot[] {
    return [...this.#entries.keys()]
      .sort()
      .map((name) => this.#entries.get(name)!.breaker.snapshot());
  }

  /**
   * Removes the breaker named `name`: disposes it and emits `removed` with reason `deleted`.
   * @returns whether there was such a breaker
   */
  delete(name: string): boolean {
    const entry = this.#entries.get(name);
    if (entry === undefined) return false;
    this.#remove(name, entry, 'deleted');
    return true;
  }

  /**
   * Closes the breaker named `name` and forgets its failures (back to `disabled` when the
   * registry is not `enabled`).
   * @returns whether there was such a breaker; a missing one is not created
   */
  reset(name: string): boolean {
    const entry = this.#entries.get(name);
    if (entry === undefined) return false;
    this.#reset(entry.breaker);
    return true;
  }

  /** Resets every breaker, as {@link BreakerRegistry.reset} does. */
  resetAll(): void {
    for (const entry of [...this.#entries.values()]) this.#reset(entry.breaker);
  }

  /**
   * Forces the breaker named `name` open (isolates the dependency), creating it if needed so a
   * dependency can be isolated before its first call. It stays `forced_open` until reset.
   * @throws BreakwaterConfigError when `name` is not a non-empty string
   */
  forceOpen(name: string): CircuitBreaker {
    const breaker = this.get(name);
    breaker.forceOpen();
    return breaker;
  }

  /**
   * Re-validates and swaps the options of the breaker named `name` (see
   * `CircuitBreaker.reconfigure`). A breaker reconfigured this way is never evicted, so the
   * change is not lost to a re-creation.
   * @returns whether there was such a breaker; a missing one is not created
   * @throws BreakwaterConfigError when the merged options are invalid; nothing changes then
   */
  reconfigure(
    name: string,
    partial: Omit<BreakerOptions, 'name' | 'store' | 'initialState'>,
  ): boolean {
    const entry = this.#entries.get(name);
    if (entry === undefined) return false;
    entry.breaker.reconfigure(partial);
    entry.pinned = true;
    return true;
  }

  /**
   * The registry's aggregate health: `healthy` when every breaker is `closed` or `disabled`
   * (and when there is none), `unhealthy` when every breaker is `open` or `forced_open`,
   * `degraded` otherwise. Reads each breaker's state only, so it is cheap for a health check.
   */
  health(): RegistryHealth {
    const byState: Record<BreakerState, number> = {
      closed: 0,
      open: 0,
      half_open: 0,
      forced_open: 0,
      disabled: 0,
    };
    const unhealthy: string[] = [];
    for (const [name, { breaker }] of this.#entries) {
      const state = breaker.state;
      byState[state]++;
      if (state !== 'closed' && state !== 'disabled') unhealthy.push(name);
    }
    const total = this.#entries.size;
    let status: RegistryHealthStatus = 'degraded';
    if (unhealthy.length === 0) status = 'healthy';
    else if (byState.open + byState.forced_open === total) status = 'unhealthy';
    return { status, total, byState, unhealthy: unhealthy.sort() };
  }

  /**
   * Subscribes to `added`, `removed` or `stateChange` (any breaker's transition); returns an
   * idempotent unsubscribe function.
   */
  on<K extends keyof BreakerRegistryEvents>(
    event: K,
    listener: (payload: BreakerRegistryEvents[K]) => void,
  ): () => void {
    return this.#emitter.on(event, listener);
  }

  /**
   * Disposes every breaker (emitting `removed` with reason `disposed` for each), then removes
   * the registry's listeners. The store is the caller's and stays open. The registry can be
   * used again afterwards: `get()` creates fresh breakers.
   */
  dispose(): void {
    for (const [name, entry] of [...this.#entries]) this.#remove(name, entry, 'disposed');
    this.#emitter.clear();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  #create(name: string, options: RegistryBreakerOptions | undefined): CircuitBreaker {
    const o = this.#options;
    const merged: BreakerOptions = {
      clock: this.#clock,
      onListenerError: o.onListenerError,
      store: o.store,
      ...o.defaults,
      ...o.overrides(name),
      ...options,
      name,
    };
    // A disabled registry is a local kill switch: a store would spread `disabled` to every
    // process sharing it, and push their transitions back into this one.
    if (!o.enabled) merged.store = undefined;
    const breaker = new CircuitBreaker(merged);
    if (!o.enabled) breaker.disable();
    const unsubscribe = breaker.on('stateChange', (event) =>
      this.#emitter.emit('stateChange', event),
    );
    const now = this.#bounded ? this.#clock.monotonic() : 0;
    if (this.#entries.size >= o.maxSize) this.#evict(now);
    this.#entries.set(name, { breaker, unsubscribe, usedAt: now, seenCalls: 0, pinned: false });
    this.#emitter.emit('added', { name, breaker });
    return breaker;
  }

  /** Marks a use and moves the entry to the most recently used end of the map. */
  #touch(name: string, entry: Entry, now: number): void {
    entry.usedAt = now;
    this.#entries.delete(name);
    this.#entries.set(name, entry);
  }

  /**
   * Evicts least recently used breakers until there is room or none qualifies. The map is in
   * order of use, so the scan stops at the first breaker used within `idleMs`.
   */
  #evict(now: number): void {
    const { idleMs, maxSize } = this.#options;
    for (const [name, entry] of [...this.#entries]) {
      if (this.#entries.size < maxSize || now - entry.usedAt < idleMs) return;
      if (entry.pinned || entry.breaker.state !== this.#freshState()) continue;
      // A call made through a held reference is a use the registry did not see at get().
      const { calls, rejected } = entry.breaker.snapshot().counters;
      if (calls + rejected !== entry.seenCalls) {
        entry.seenCalls = calls + rejected;
        this.#touch(name, entry, now);
        continue;
      }
      this.#remove(name, entry, 'evicted');
    }
  }

  #remove(name: string, entry: Entry, reason: BreakerRemovalReason): void {
    this.#entries.delete(name);
    entry.unsubscribe();
    entry.breaker.dispose();
    this.#emitter.emit('removed', { name, reason, breaker: entry.breaker });
  }

  #reset(breaker: CircuitBreaker): void {
    breaker.reset();
    if (!this.#options.enabled) breaker.disable();
  }

  /** The state of a breaker that holds nothing worth keeping. */
  #freshState(): BreakerState {
    return this.#options.enabled ? 'closed' : 'disabled';
  }
}
