import type { BreakerState, RedactedError } from './core.ts';

/** One of the store's connections became usable, or was lost. */
export interface ConnectionEvent {
  readonly connection: 'commands' | 'subscriber';
  readonly status: 'ready' | 'lost';
}

/**
 * After both connections were (re)established, every breaker of this process was brought in
 * line with Redis: unsent transitions were written, missed ones applied, and states Redis lost
 * in a restart written back.
 */
export interface ReconciledEvent {
  readonly breakers: number;
}

/** A transition this process made lost to the one already shared (see the README's tie-break). */
export interface ConflictEvent {
  readonly breaker: string;
  /** The shared state that stands, which the breaker now follows. */
  readonly kept: BreakerState;
  /** The local transition that was not shared. */
  readonly rejected: BreakerState;
}

/** Quorum mode: this process opened its breaker and voted to open it for the fleet. */
export interface VoteEvent {
  readonly breaker: string;
  /** Processes that voted within the window, this one included. */
  readonly votes: number;
  readonly needed: number;
  /** True when this vote completed the quorum and the breaker opened for the fleet. */
  readonly opened: boolean;
}

/** Something under the store's keys or on its channel is not Breakwater's; it was ignored. */
export interface InvalidDataEvent {
  /** The breaker whose key held it; absent for a message on the channel. */
  readonly breaker?: string;
  readonly source: 'state' | 'lease' | 'votes' | 'message';
  /** What is wrong, without the value itself. */
  readonly problem: string;
}

/**
 * A Redis operation failed. The breaker involved keeps working on its local state; a failed
 * save is written when the connection is back.
 */
export interface StoreFailureEvent {
  readonly operation: 'load' | 'save' | 'claimProbe' | 'reconcile' | 'connection';
  readonly breaker?: string;
  /** Redacted (`redactError` of the core). */
  readonly error: RedactedError;
}

/** Every event a {@link RedisStore} emits, by name. */
export interface RedisStoreEvents {
  connection: ConnectionEvent;
  reconciled: ReconciledEvent;
  conflict: ConflictEvent;
  vote: VoteEvent;
  invalidData: InvalidDataEvent;
  error: StoreFailureEvent;
}
