/** The states a breaker can be in. */
export type BreakerState = 'closed' | 'open' | 'half_open' | 'forced_open' | 'disabled';

/**
 * The part of a breaker's state that outlives a process and that other processes may share.
 * Times are epoch milliseconds so that another process can read them.
 */
export interface DurableState {
  readonly state: BreakerState;
  /** Incremented on every transition; the newest version wins when stores disagree. */
  readonly version: number;
  /** When the breaker last opened (0 if never). */
  readonly openedAt: number;
  /** Until when it stays open (0 when not open, `Infinity` when it waits for a reset). */
  readonly openUntil: number;
  /** Consecutive failed recoveries, for the recovery backoff. */
  readonly recoveryAttempt: number;
}

/**
 * Where breakers keep their durable state: the memory store, the Node file store, or a
 * distributed store such as Redis. Every method may be synchronous or asynchronous; the breaker
 * never awaits a store on the call path.
 */
export interface BreakerStore {
  /** The saved state of breaker `name`, if any. Invalid data is reported by throwing. */
  load(name: string): DurableState | undefined | Promise<DurableState | undefined>;
  /** Saves after a transition. Never awaited on the call path; failures become `storeError`. */
  save(name: string, state: DurableState): void | Promise<void>;
  /** Pushes transitions made by other processes; returns an unsubscribe function. */
  subscribe?(name: string, onRemote: (state: DurableState) => void): () => void;
  /**
   * Claims the right to probe a half-open breaker across processes for `ttlMs`; the breaker
   * stays open while the claim is pending or lost.
   */
  claimProbe?(name: string, ttlMs: number): boolean | Promise<boolean>;
  /** Releases timers and connections the store holds. */
  dispose?(): void | Promise<void>;
}
