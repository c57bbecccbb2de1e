import { type Clock, systemClock } from '../Clock.ts';
import { expectClock, expectObject, type KnownKeys, rejectUnknownKeys } from '../validate.ts';
import type { BreakerStore, DurableState } from './types.ts';

/** Options for {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Measures probe claims' time to live.
   * @defaultValue {@link systemClock}
   */
  clock?: Clock;
}

type Subscriber = (state: DurableState) => void;

const knownOptions: KnownKeys<MemoryStoreOptions> = { clock: true };

/**
 * A {@link BreakerStore} that keeps states in memory, shared by every breaker given the same
 * instance: breakers of one process that guard the same dependency under the same name, a
 * registry that restores breakers it evicted, and tests of anything built on stores.
 *
 * It behaves like a shared bus, as a distributed store does:
 * - `save()` stores a frozen copy (nothing is validated) and delivers it, in a microtask, to
 *   every subscriber of that name, **including the breaker that saved it**. A subscriber must
 *   ignore states whose `version` is not newer than its own. Delivery in a microtask keeps one
 *   breaker's transition from running another breaker's code inside it. A subscriber that
 *   throws is a bug: its error surfaces as an uncaught exception in that microtask.
 * - `claimProbe()` grants one claim per name at a time. A claim ends when its time to live runs
 *   out, or when a state other than `half_open` is saved for that name (the probe's outcome was
 *   recorded, so the next half-open period needs a new claim).
 *
 * @example
 * ```ts
 * const store = new MemoryStore();
 * const a = new CircuitBreaker({ name: 'api', store });
 * const b = new CircuitBreaker({ name: 'api', store }); // follows a's transitions
 * ```
 */
export class MemoryStore implements BreakerStore {
  #clock: Clock;
  #states = new Map<string, DurableState>();
  #subscribers = new Map<string, Set<Subscriber>>();
  /** Monotonic time at which each name's probe claim expires. */
  #claims = new Map<string, number>();

  /**
   * @param options - The clock for probe claims.
   * @throws {@link BreakwaterConfigError} when an option is unknown or `clock` is not a
   * {@link Clock}.
   */
  constructor(options: MemoryStoreOptions = {}) {
    expectObject('options', options);
    rejectUnknownKeys('', options, knownOptions);
    this.#clock = expectClock('clock', options.clock ?? systemClock);
  }

  /** The last state saved for `name`, or `undefined`. */
  load(name: string): DurableState | undefined {
    return this.#states.get(name);
  }

  /** Stores a frozen copy of `state` and delivers it to the subscribers of `name`. */
  save(name: string, state: DurableState): void {
    const copy: DurableState = Object.freeze({
      state: state.state,
      version: state.version,
      openedAt: state.openedAt,
      openUntil: state.openUntil,
      recoveryAttempt: state.recoveryAttempt,
    });
    this.#states.set(name, copy);
    if (copy.state !== 'half_open') this.#claims.delete(name);
    const subscribers = this.#subscribers.get(name);
    if (subscribers === undefined) return;
    for (const subscriber of subscribers) {
      queueMicrotask(() => {
        // Unsubscribed between the save and the delivery: the breaker may be disposed.
        if (this.#subscribers.get(name)?.has(subscriber)) subscriber(copy);
      });
    }
  }

  /**
   * Calls `onState` with every state saved for `name` from now on, the subscriber's own saves
   * included.
   *
   * @returns An idempotent unsubscribe function.
   */
  subscribe(name: string, onState: (state: DurableState) => void): () => void {
    // A wrapper, so that subscribing the same function twice gives two independent subscriptions.
    const subscriber: Subscriber = (state) => onState(state);
    let subscribers = this.#subscribers.get(name);
    if (subscribers === undefined) {
      subscribers = new Set();
      this.#subscribers.set(name, subscribers);
    }
    subscribers.add(subscriber);
    return () => {
      const current = this.#subscribers.get(name);
      if (current === undefined || !current.delete(subscriber)) return;
      if (current.size === 0) this.#subscribers.delete(name);
    };
  }

  /**
   * Claims the right to probe `name` for `ttlMs` milliseconds.
   *
   * @returns `true` when no unexpired claim exists (a claim is then recorded), `false` otherwise.
   */
  claimProbe(name: string, ttlMs: number): boolean {
    const now = this.#clock.monotonic();
    const expiresAt = this.#claims.get(name);
    if (expiresAt !== undefined && expiresAt > now) return false;
    this.#claims.set(name, now + ttlMs);
    return true;
  }

  /** Forgets every subscriber and claim; saved states stay loadable. */
  dispose(): void {
    this.#subscribers.clear();
    this.#claims.clear();
  }
}
