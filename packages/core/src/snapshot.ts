import { type Category, failureCategories, type Verdict } from './Outcome.ts';
import type { BreakerState } from './store/types.ts';
import type { WindowStats } from './strategies/types.ts';

/** Lifetime counters of one breaker: monotonic, for Prometheus `_total` series. */
export interface BreakerCounters {
  /** Calls admitted (permits issued and closed-path calls). */
  readonly calls: number;
  readonly successes: number;
  readonly failures: number;
  /** Outcomes the classifier said to ignore (4xx, auth errors, cancellations…). */
  readonly ignored: number;
  /** Calls rejected without running. */
  readonly rejected: number;
  /** Failures of category `timeout`. */
  readonly timeouts: number;
  /** Permits given back with `release()` (or disposed) without an outcome. */
  readonly released: number;
  readonly failuresByCategory: Readonly<Record<(typeof failureCategories)[number], number>>;
  /** Transitions by `from->to`, e.g. `closed->open`. */
  readonly transitions: Readonly<Record<string, number>>;
}

/** A point-in-time view of a breaker. */
export interface BreakerSnapshot {
  readonly name: string;
  readonly state: BreakerState;
  /** Epoch ms the snapshot was taken. */
  readonly at: number;
  /** Milliseconds in the current state. */
  readonly timeInStateMs: number;
  /** Epoch ms until which the breaker stays open (`Infinity`: until reset), 0 otherwise. */
  readonly openUntil: number;
  readonly recoveryAttempt: number;
  readonly version: number;
  readonly halfOpen: { readonly probesInFlight: number; readonly successes: number };
  readonly counters: BreakerCounters;
  /** What the strategy's window holds now. */
  readonly window: WindowStats;
  readonly strategy: Readonly<Record<string, unknown>>;
}

/** Mutable counters owned by a breaker; read through {@link BreakerSnapshot}. */
export class LifetimeCounters {
  calls = 0;
  successes = 0;
  failures = 0;
  ignored = 0;
  rejected = 0;
  timeouts = 0;
  released = 0;
  /** Allocated on the first failure / transition: an idle breaker holds only numbers. */
  #failuresByCategory: Record<string, number> | undefined;
  #transitions: Record<string, number> | undefined;

  count(verdict: Verdict): void {
    if (verdict.verdict === 'success') {
      this.successes++;
    } else if (verdict.verdict === 'failure') {
      this.failures++;
      const category: Category = verdict.category;
      this.#failuresByCategory ??= {};
      this.#failuresByCategory[category] = (this.#failuresByCategory[category] ?? 0) + 1;
      if (category === 'timeout') this.timeouts++;
    } else {
      this.ignored++;
    }
  }

  transition(from: BreakerState, to: BreakerState): void {
    const key = `${from}->${to}`;
    this.#transitions ??= {};
    this.#transitions[key] = (this.#transitions[key] ?? 0) + 1;
  }

  toJSON(): BreakerCounters {
    return {
      calls: this.calls,
      successes: this.successes,
      failures: this.failures,
      ignored: this.ignored,
      rejected: this.rejected,
      timeouts: this.timeouts,
      released: this.released,
      failuresByCategory: Object.fromEntries(
        failureCategories.map((category) => [category, this.#failuresByCategory?.[category] ?? 0]),
      ) as BreakerCounters['failuresByCategory'],
      transitions: { ...this.#transitions },
    };
  }
}

/** What a breaker hands to {@link createSnapshot}. */
export interface SnapshotInput {
  readonly name: string;
  readonly state: BreakerState;
  readonly now: number;
  readonly stateSince: number;
  readonly openUntil: number;
  readonly recoveryAttempt: number;
  readonly version: number;
  readonly probesInFlight: number;
  readonly probeSuccesses: number;
  readonly counters: LifetimeCounters;
  readonly window: WindowStats;
  readonly strategy: Readonly<Record<string, unknown>>;
}

/** Builds the public snapshot object. */
export function createSnapshot(input: SnapshotInput): BreakerSnapshot {
  return {
    name: input.name,
    state: input.state,
    at: input.now,
    timeInStateMs: Math.max(0, input.now - input.stateSince),
    openUntil: input.openUntil,
    recoveryAttempt: input.recoveryAttempt,
    version: input.version,
    halfOpen: { probesInFlight: input.probesInFlight, successes: input.probeSuccesses },
    counters: input.counters.toJSON(),
    window: input.window,
    strategy: input.strategy,
  };
}
