import type { StoreErrorEvent } from '../events/BreakerEvents.ts';
import { durableStateFormat, parseDurableState } from './parseDurableState.ts';
import type { BreakerStore, DurableState } from './types.ts';

/** What a {@link StoreLink} needs from its breaker. */
export interface StoreLinkHost {
  apply(state: DurableState, reason: 'remote' | 'restored'): void;
  report(operation: StoreErrorEvent['operation'], error: unknown): void;
  /** Monotonic ms, to give up on a probe claim that never settles. */
  monotonic(): number;
}

/**
 * Connects one breaker to a {@link BreakerStore}: loads the saved state at start, applies
 * transitions pushed by other processes, saves its own without ever blocking a call, and
 * arbitrates half-open probes. Anything the store throws or returns that is not a valid state
 * is reported as `storeError`; the breaker keeps working on its local state.
 */
export class StoreLink {
  readonly #store: BreakerStore;
  readonly #name: string;
  readonly #host: StoreLinkHost;
  #unsubscribe: (() => void) | undefined;
  #claim: 'none' | 'pending' | 'granted' = 'none';
  /** Monotonic ms the pending claim was asked at. */
  #claimedAt = 0;
  #disposed = false;
  /** Settles once the initial load has been applied or reported; never rejects. */
  readonly loaded: Promise<void>;

  constructor(store: BreakerStore, name: string, host: StoreLinkHost) {
    this.#store = store;
    this.#name = name;
    this.#host = host;
    this.loaded = this.#load();
    if (store.subscribe !== undefined) {
      try {
        this.#unsubscribe = store.subscribe(name, (state) => this.#receive(state, 'remote'));
      } catch (error) {
        host.report('subscribe', error);
      }
    }
  }

  save(state: DurableState): void {
    if (state.state !== 'open') this.#claim = 'none';
    try {
      const result = this.#store.save(this.#name, state);
      if (isThenable(result)) result.then(undefined, (error) => this.#report('save', error));
    } catch (error) {
      this.#report('save', error);
    }
  }

  /**
   * Whether this process may turn a due open breaker half-open. Without `claimProbe` it always
   * may; with one, the breaker stays open until a claim is granted (sync or async).
   */
  mayProbe(ttlMs: number): boolean {
    const claimProbe = this.#store.claimProbe;
    if (claimProbe === undefined) return true;
    if (this.#claim === 'granted') {
      this.#claim = 'none';
      return true;
    }
    if (this.#claim === 'pending') {
      // A store that never answers must not keep the breaker open forever: past the claim's own
      // lease, the claim is given up and asked again.
      if (this.#host.monotonic() - this.#claimedAt < ttlMs) return false;
      this.#claim = 'none';
      this.#report('claimProbe', new Error(`The probe claim did not settle within ${ttlMs} ms.`));
    }
    try {
      const result = claimProbe.call(this.#store, this.#name, ttlMs);
      if (!isThenable(result)) return result === true;
      this.#claim = 'pending';
      this.#claimedAt = this.#host.monotonic();
      const claimedAt = this.#claimedAt;
      result.then(
        (granted) => {
          if (this.#claim === 'pending' && this.#claimedAt === claimedAt) {
            this.#claim = granted === true ? 'granted' : 'none';
          }
        },
        (error) => {
          if (this.#claimedAt === claimedAt) this.#claim = 'none';
          this.#report('claimProbe', error);
        },
      );
    } catch (error) {
      this.#report('claimProbe', error);
    }
    return false;
  }

  dispose(): void {
    this.#disposed = true;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #load(): Promise<void> {
    try {
      const result = this.#store.load(this.#name);
      if (isThenable(result)) {
        return Promise.resolve(result).then(
          (state) => this.#receive(state, 'restored'),
          (error: unknown) => this.#report('load', error),
        );
      }
      this.#receive(result, 'restored');
    } catch (error) {
      this.#report('load', error);
    }
    return Promise.resolve();
  }

  #receive(value: unknown, reason: 'remote' | 'restored'): void {
    if (this.#disposed || value === undefined) return;
    let state: DurableState;
    try {
      state = toDurableState(value);
    } catch (error) {
      this.#report(reason === 'remote' ? 'subscribe' : 'load', error);
      return;
    }
    this.#host.apply(state, reason);
  }

  #report(operation: StoreErrorEvent['operation'], error: unknown): void {
    if (!this.#disposed) this.#host.report(operation, error);
  }
}

/**
 * Validates a state from a store or `initialState`: either the in-memory form a store returns
 * or the tagged JSON form of `breaker.toJSON()`.
 * @throws Error naming the invalid field
 */
export function toDurableState(value: unknown): DurableState {
  const untagged =
    typeof value === 'object' && value !== null && !('format' in value) && 'state' in value;
  return parseDurableState(untagged ? { ...value, format: durableStateFormat } : value);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}
