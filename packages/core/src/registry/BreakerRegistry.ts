import { CircuitBreaker, createBreaker, usesOf } from '../CircuitBreaker.ts';
import { emitWarning } from '../emitWarning.ts';
import { BreakwaterConfigError, describeValue } from '../errors/BreakwaterConfigError.ts';
import { Emitter } from '../events/Emitter.ts';
import type { BreakerOptions } from '../resolveBreakerOptions.ts';
import type { BreakerSnapshot } from '../snapshot.ts';
import type { BreakerState } from '../store/types.ts';
import { expectObject, expectString } from '../validate.ts';
import { type OptionsDifference, optionsDifference } from './optionsDifference.ts';
import { RecencyList, type RecencyNode } from './RecencyList.ts';
import {
  type BreakerRegistryOptions,
  type RegistryBreakerOptions,
  type ResolvedBreakerRegistryOptions,
  resolveBreakerRegistryOptions,
} from './resolveBreakerRegistryOptions.ts';
import type {
  BreakerConflictEvent,
  BreakerRegistryEvents,
  BreakerRemovalReason,
  RegistryHealth,
  RegistryHealthStatus,
} from './types.ts';

/** What `registry.reconfigure(name, …)` changes: everything but what names and restores it. */
type RegistryReconfiguration = Omit<BreakerOptions, 'name' | 'store' | 'initialState'>;

/** What the registry keeps per breaker. */
interface Entry extends RecencyNode<Entry> {
  readonly name: string;
  readonly breaker: CircuitBreaker;
  unsubscribe: () => void;
  /** The options of the `get()` that created the breaker; later ones are compared with them. */
  readonly options: RegistryBreakerOptions | undefined;
  /**
   * Other options objects compared already, so each caller repeating its object compares it
   * once; created on the first one (most breakers only ever see their creating object).
   */
  checked: WeakSet<object> | undefined;
  /** Calls plus rejections seen at the last look, to notice calls made through a reference. */
  seenCalls: number;
}

const noop = () => {};

/**
 * Gets or creates circuit breakers by name (an origin or endpoint group), so every part of an
 * application guarding one dependency shares one breaker, and operations (a dashboard, a health
 * check, an admin endpoint) can list, reset, force open and reconfigure them by name.
 *
 * A breaker is created on first `get(name)` with `{ ...defaults, ...overrides(name), ...options,
 * name }`. A later `get(name, options)` whose options differ from the creating call's is a
 * conflict: the breaker keeps its options, and the registry emits `conflict` and warns once.
 *
 * `maxSize` is a bound that holds. Adding a breaker beyond it evicts the least recently used one
 * that is `closed` and not forced, however recently it was used: its window is lost, it is
 * disposed, and the next `get()` creates a fresh one (restored from the store, if there is one).
 * Use is a `get()`, or a call through a held reference since the registry last looked. Open,
 * half-open, forced open and hand-disabled breakers are never evicted: when only they remain,
 * the registry exceeds `maxSize` and emits `overflow`. Keep the registry, not the breaker, when
 * names are unbounded. Every `get()` is O(1) (amortized: a look passes over each breaker with
 * new calls once).
 *
 * @example
 * ```ts
 * const registry = new BreakerRegistry({
 *   defaults: { strategy: { type: 'consecutive', failureCount: 5 }, openMs: 10_000 },
 *   overrides: { 'https://api.kraken.com': { openMs: 30_000 } },
 *   maxSize: 1_000,
 * });
 * registry.on('stateChange', ({ breaker, from, to }) => log(`${breaker}: ${from} → ${to}`));
 * const ticker = await registry.get('https://api.kraken.com').execute(() => getTicker());
 * ```
 */
export class BreakerRegistry implements Disposable {
  readonly #options: ResolvedBreakerRegistryOptions;
  readonly #bounded: boolean;
  readonly #entries = new Map<string, Entry>();
  /** Breakers that may be evicted (closed, not forced), least recently used first. */
  readonly #evictable = new RecencyList<Entry>();
  /** What `reconfigure()` changed, by name, reapplied when an evicted breaker comes back. */
  readonly #reconfigured = new Map<string, RegistryReconfiguration>();
  readonly #emitter: Emitter<BreakerRegistryEvents>;
  #warnedOfConflict = false;

  /**
   * @throws BreakwaterConfigError when an option is invalid, including invalid `defaults` or an
   * invalid entry of an `overrides` object (the message names the option)
   */
  constructor(options: BreakerRegistryOptions = {}) {
    this.#options = resolveBreakerRegistryOptions(options);
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
   * ...options, name }`. Once it exists, `options` does not change it (use `overrides` or
   * `reconfigure()`); options that differ from those of the `get()` that created it are a
   * conflict, reported by a `conflict` event and, once per registry, a process warning.
   * Passing the same options object again costs nothing; without `options` there is no
   * conflict. Plain objects and arrays in options compare by value, functions and class
   * instances (stores, clocks, rules' matchers) by identity: build options once and share them.
   * @throws BreakwaterConfigError when `name` is not a non-empty string, `options` is not an
   * object or names the breaker, or the merged options of a new breaker are invalid (nothing is
   * added then)
   */
  get(name: string, options?: RegistryBreakerOptions): CircuitBreaker {
    const entry = this.#entries.get(name);
    if (entry === undefined) return this.#create(expectString('name', name), options);
    if (entry.listed) this.#evictable.append(entry);
    if (options !== undefined && options !== entry.options && !entry.checked?.has(options)) {
      this.#check(entry, options);
    }
    return entry.breaker;
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
    this.#remove(entry, 'deleted');
    this.#reconfigured.delete(name);
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
   * `CircuitBreaker.reconfigure`). The registry remembers the change for the name: a breaker
   * evicted since is created again with it, so an operator's change is not lost to the size
   * bound. `delete(name)` and `dispose()` forget it.
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
    this.#reconfigured.set(name, mergeReconfigurations(this.#reconfigured.get(name), partial));
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
   * Subscribes to `added`, `removed`, `overflow`, `conflict` or `stateChange` (any breaker's
   * transition); returns an idempotent unsubscribe function.
   */
  on<K extends keyof BreakerRegistryEvents>(
    event: K,
    listener: (payload: BreakerRegistryEvents[K]) => void,
  ): () => void {
    return this.#emitter.on(event, listener);
  }

  /**
   * Disposes every breaker (emitting `removed` with reason `disposed` for each), forgets what
   * `reconfigure()` changed, then removes the registry's listeners. The store is the caller's
   * and stays open. The registry can be used again afterwards: `get()` creates fresh breakers.
   */
  dispose(): void {
    for (const entry of [...this.#entries.values()]) this.#remove(entry, 'disposed');
    this.#reconfigured.clear();
    this.#emitter.clear();
  }

  /** `using registry = new BreakerRegistry()`: the same as {@link BreakerRegistry.dispose}. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  #create(name: string, options: RegistryBreakerOptions | undefined): CircuitBreaker {
    if (options !== undefined) {
      expectObject('options', options as unknown);
      if (Object.hasOwn(options, 'name')) {
        throw new BreakwaterConfigError(
          'options.name',
          'no name: the registry names each breaker',
          (options as { name?: unknown }).name,
        );
      }
    }
    const o = this.#options;
    const override = o.overrides(name);
    let breaker: CircuitBreaker;
    if (override === undefined && isEmpty(options) && o.enabled) {
      // The common case (adapters keyed by origin): every such breaker shares one resolved object.
      breaker = createBreaker(name, o.resolvedDefaults);
    } else {
      const merged: BreakerOptions = {
        clock: o.clock,
        onListenerError: o.onListenerError,
        store: o.store,
        ...o.defaults,
        ...override,
        ...options,
        name,
      };
      // A disabled registry is a local kill switch: a store would spread `disabled` to every
      // process sharing it, and push their transitions back into this one.
      if (!o.enabled) merged.store = undefined;
      breaker = new CircuitBreaker(merged);
    }
    const reconfigured = this.#reconfigured.get(name);
    if (reconfigured !== undefined) {
      try {
        breaker.reconfigure(reconfigured);
      } catch (error) {
        breaker.dispose();
        throw error;
      }
    }
    if (!o.enabled) breaker.disable();
    if (this.#entries.size >= o.maxSize) {
      this.#makeRoom();
      // A `removed` listener may have created this very name meanwhile: keep that one.
      const meanwhile = this.#entries.get(name);
      if (meanwhile !== undefined) {
        breaker.dispose();
        return meanwhile.breaker;
      }
    }
    const entry: Entry = {
      name,
      breaker,
      unsubscribe: noop,
      options,
      checked: undefined,
      seenCalls: 0,
      older: undefined,
      newer: undefined,
      listed: false,
    };
    entry.unsubscribe = breaker.on('stateChange', (event) => {
      this.#track(entry, event.to);
      this.#emitter.emit('stateChange', event);
    });
    this.#entries.set(name, entry);
    // A state restored while the breaker was built (initialState, a synchronous store) emitted
    // before the registry listened.
    this.#track(entry, breaker.state);
    this.#emitter.emit('added', { name, breaker });
    const size = this.#entries.size;
    if (size > o.maxSize) this.#emitter.emit('overflow', { name, size, maxSize: o.maxSize });
    return breaker;
  }

  /** Keeps a breaker among the evictable ones exactly while it holds nothing worth keeping. */
  #track(entry: Entry, state: BreakerState): void {
    if (!this.#bounded) return;
    if (state !== this.#freshState()) this.#evictable.remove(entry);
    // A breaker that closes again has just been used: it rejoins as the most recent.
    else if (!entry.listed) this.#evictable.append(entry);
  }

  /**
   * Evicts least recently used evictable breakers until there is room for one more, or none is
   * left. A breaker with calls since the last look was used through a held reference: it is
   * passed over once (as if used now) before anything is evicted for good, so the loop ends.
   */
  #makeRoom(): void {
    const maxSize = this.#options.maxSize;
    let passes = this.#evictable.size;
    // A `removed` listener that gets each evicted name again would otherwise keep this going.
    let evictions = this.#entries.size;
    while (this.#entries.size >= maxSize && evictions > 0) {
      const oldest = this.#evictable.oldest;
      if (oldest === undefined) return;
      const calls = usesOf(oldest.breaker);
      if (calls !== oldest.seenCalls && passes > 0) {
        oldest.seenCalls = calls;
        passes--;
        this.#evictable.append(oldest);
        continue;
      }
      evictions--;
      this.#remove(oldest, 'evicted');
    }
  }

  #check(entry: Entry, requested: RegistryBreakerOptions): void {
    expectObject('options', requested as unknown);
    entry.checked ??= new WeakSet();
    entry.checked.add(requested);
    const difference = optionsDifference(entry.options ?? {}, requested);
    if (difference === undefined) return;
    const event: BreakerConflictEvent = {
      name: entry.name,
      breaker: entry.breaker,
      path: difference.path,
      existing: entry.options,
      requested,
    };
    if (!this.#warnedOfConflict) {
      this.#warnedOfConflict = true;
      emitWarning(conflictMessage(entry.name, difference), 'BREAKWATER_REGISTRY_CONFLICT');
    }
    this.#emitter.emit('conflict', event);
  }

  #remove(entry: Entry, reason: BreakerRemovalReason): void {
    this.#entries.delete(entry.name);
    this.#evictable.remove(entry);
    entry.unsubscribe();
    entry.breaker.dispose();
    this.#emitter.emit('removed', { name: entry.name, reason, breaker: entry.breaker });
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

/** Successive reconfigurations as one: later values win, `halfOpen` merges as it does there. */
function mergeReconfigurations(
  previous: RegistryReconfiguration | undefined,
  next: RegistryReconfiguration,
): RegistryReconfiguration {
  const merged: RegistryReconfiguration = { ...previous, ...next };
  if (previous?.halfOpen !== undefined || next.halfOpen !== undefined) {
    merged.halfOpen = { ...previous?.halfOpen, ...next.halfOpen };
  }
  return merged;
}

function conflictMessage(name: string, { path, left, right }: OptionsDifference): string {
  const was = left === undefined ? 'not set' : describeValue(left);
  const now = right === undefined ? 'not set' : describeValue(right);
  return (
    `Breaker "${name}" already exists with other options (\`${path}\`: ${was} when it was ` +
    `created, ${now} now); the existing breaker keeps its options ` +
    'and these are ignored. Give differently configured clients different breaker names (a key ' +
    "prefix), or configure the name once with the registry's `overrides`. Later conflicts in " +
    "this registry are reported only as 'conflict' events."
  );
}

/** True when `options` sets nothing (absent, or every value undefined). */
function isEmpty(options: RegistryBreakerOptions | undefined): boolean {
  if (options === undefined) return true;
  for (const key in options) {
    if ((options as Record<string, unknown>)[key] !== undefined) return false;
  }
  return true;
}
