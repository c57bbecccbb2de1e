import type { Clock, DurableState } from './core.ts';
import { type BreakerKeys, breakerId, breakerKeys } from './keys.ts';
import { type FleetRecord, type HeldState, holdState, toDurableState } from './wire.ts';

/** A transition of this process that Redis has not confirmed. */
export interface PendingSave {
  readonly held: HeldState;
  /** The fleet version the transition was made on. */
  readonly base: number;
}

/**
 * What the store knows about one breaker of this process: the fleet's version of it, the
 * breaker's own version, and a transition still to write.
 *
 * Two counters, because a breaker's `version` counts its own transitions and differs from
 * process to process, while Redis keeps one fleet version that every shared write increments.
 * A write names the fleet version it was made on; a state from the fleet is handed to the
 * breaker with a version above the breaker's own, so the breaker applies exactly the fleet
 * states that are newer than the last one this process knew.
 */
export class BreakerEntry {
  readonly name: string;
  readonly id: string;
  readonly keys: BreakerKeys;
  readonly subscribers = new Set<(state: DurableState) => void>();
  /** The last fleet version this process knows; 0 for none. */
  fleetVersion = 0;
  /** The last fleet state this process knows: what a restore writes back. */
  fleetState: HeldState | undefined;
  /** The highest version the breaker saved or was given. */
  localVersion = 0;
  /** Incremented whenever the breaker is given a fleet state. */
  epoch = 0;
  pending: PendingSave | undefined;
  /** Monotonic ms until which another process holds the probe lease (0: ask Redis). */
  leaseHeldUntil = 0;

  constructor(prefix: string, name: string) {
    this.name = name;
    this.id = breakerId(name);
    this.keys = breakerKeys(prefix, this.id);
  }

  /**
   * Takes `record` as the fleet's state if it is newer than the last one known, and returns
   * the state the breaker should apply then (`undefined` when it is not newer).
   */
  adopt(record: FleetRecord, redisNow: number, clock: Clock): DurableState | undefined {
    if (record.version <= this.fleetVersion) return undefined;
    const now = clock.now();
    this.fleetVersion = record.version;
    this.localVersion = Math.max(record.version, this.localVersion + 1);
    this.epoch++;
    // A pending transition stays pending: written on reconnection, the tie-break settles it
    // against this newer state (a process cut off from Redis may have seen the worse news).
    this.leaseHeldUntil = 0;
    const state = toDurableState(record, redisNow, now, this.localVersion);
    this.fleetState = holdState(state, now, clock.monotonic());
    return state;
  }

  /** Records a local transition about to be written; returns it as pending. */
  saving(state: DurableState, clock: Clock): PendingSave {
    this.localVersion = Math.max(this.localVersion, state.version);
    const pending = {
      held: holdState(state, clock.now(), clock.monotonic()),
      base: this.fleetVersion,
    };
    this.pending = pending;
    return pending;
  }

  /** The local transition `pending` became fleet version `version`. */
  shared(pending: PendingSave, version: number): void {
    if (version > this.fleetVersion) {
      this.fleetVersion = version;
      this.fleetState = pending.held;
    }
    this.settled(pending);
  }

  /** `pending` needs no more writing (shared, kept local, or superseded). */
  settled(pending: PendingSave): void {
    if (this.pending === pending) this.pending = undefined;
  }
}
