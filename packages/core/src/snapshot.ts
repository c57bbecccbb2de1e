import type { LatencySummary } from './metrics/LatencyHistogram.ts';
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
  /**
   * Every request (`calls` plus `rejected`) by the state that decided it, for a Prometheus
   * `requests_total{state}`: `closed` and `disabled` count admitted calls (and, for `closed`,
   * calls an adaptive strategy's `admit` refused), `half_open` counts probes and the calls
   * rejected because every probe slot was taken, `open` and `forced_open` count rejections. A
   * call that finds the open period over becomes a probe and counts as `half_open`.
   */
  readonly requestsByState: Readonly<Record<BreakerState, number>>;
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
  /** successes / (successes + failures) over the breaker's life; 1 before any outcome. */
  readonly successRate: number;
  /**
   * Share (0–1) of the breaker's life spent admitting calls (`closed` or `disabled`); time
   * open, half-open or forced open counts as down.
   */
  readonly uptimeRate: number;
  /** The most recent failure, if any. */
  readonly lastFailure: { readonly category: Category; readonly at: number } | undefined;
  /** Call durations, when latency is tracked (see `trackLatency`); `undefined` otherwise. */
  readonly latency: LatencySummary | undefined;
  /** What the strategy's window holds now. */
  readonly window: WindowStats;
  readonly strategy: Readonly<Record<string, unknown>>;
}

/** The rarer lifetime counts of a breaker, kept together. */
interface Breakdown {
  readonly failuresByCategory: Record<string, number>;
  readonly transitions: Record<string, number>;
  /** Requests by state, except `closed` (0 here): the rest of `calls + rejected`. */
  readonly requestsByState: Record<BreakerState, number>;
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
  /**
   * The counts by category, transition and state, allocated together on the first failure,
   * transition or request that meets a breaker in another state than `closed`: an idle breaker
   * holds one empty slot, and the closed path's `calls++` stays its only write.
   */
  #breakdown: Breakdown | undefined;

  #breakdownOrNew(): Breakdown {
    this.#breakdown ??= {
      failuresByCategory: {},
      transitions: {},
      requestsByState: { closed: 0, open: 0, half_open: 0, forced_open: 0, disabled: 0 },
    };
    return this.#breakdown;
  }

  /** A call admitted through a permit while the breaker was in `state`. */
  admitted(state: BreakerState): void {
    this.calls++;
    if (state !== 'closed') this.#breakdownOrNew().requestsByState[state]++;
  }

  /** A call rejected while the breaker was in `state`. */
  rejectedIn(state: BreakerState): void {
    this.rejected++;
    if (state !== 'closed') this.#breakdownOrNew().requestsByState[state]++;
  }

  count(verdict: Verdict): void {
    if (verdict.verdict === 'success') {
      this.successes++;
    } else if (verdict.verdict === 'failure') {
      this.failures++;
      const category: Category = verdict.category;
      const byCategory = this.#breakdownOrNew().failuresByCategory;
      byCategory[category] = (byCategory[category] ?? 0) + 1;
      if (category === 'timeout') this.timeouts++;
    } else {
      this.ignored++;
    }
  }

  transition(from: BreakerState, to: BreakerState): void {
    const key = `${from}->${to}`;
    const transitions = this.#breakdownOrNew().transitions;
    transitions[key] = (transitions[key] ?? 0) + 1;
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
        failureCategories.map((category) => [
          category,
          this.#breakdown?.failuresByCategory[category] ?? 0,
        ]),
      ) as BreakerCounters['failuresByCategory'],
      transitions: { ...this.#breakdown?.transitions },
      requestsByState: this.#requestsByStateJSON(),
    };
  }

  #requestsByStateJSON(): BreakerCounters['requestsByState'] {
    const counted = this.#breakdown?.requestsByState;
    if (counted === undefined) {
      const closed = this.calls + this.rejected;
      return { closed, open: 0, half_open: 0, forced_open: 0, disabled: 0 };
    }
    const elsewhere = counted.open + counted.half_open + counted.forced_open + counted.disabled;
    return { ...counted, closed: this.calls + this.rejected - elsewhere };
  }
}

/** What a breaker hands to {@link createSnapshot}. */
export interface SnapshotInput {
  readonly name: string;
  readonly state: BreakerState;
  /** Epoch ms of the snapshot. */
  readonly at: number;
  /** Monotonic ms of the snapshot; `stateSince` and `createdAt` are monotonic too. */
  readonly now: number;
  readonly stateSince: number;
  /** Epoch ms. */
  readonly openUntil: number;
  readonly recoveryAttempt: number;
  readonly version: number;
  readonly probesInFlight: number;
  readonly probeSuccesses: number;
  readonly counters: LifetimeCounters;
  readonly createdAt: number;
  readonly downMs: number;
  readonly lastFailure: { readonly category: Category; readonly at: number } | undefined;
  readonly latency: LatencySummary | undefined;
  readonly window: WindowStats;
  readonly strategy: Readonly<Record<string, unknown>>;
}

/** Builds the public snapshot object. */
export function createSnapshot(input: SnapshotInput): BreakerSnapshot {
  return {
    name: input.name,
    state: input.state,
    at: input.at,
    timeInStateMs: Math.max(0, input.now - input.stateSince),
    openUntil: input.openUntil,
    recoveryAttempt: input.recoveryAttempt,
    version: input.version,
    halfOpen: { probesInFlight: input.probesInFlight, successes: input.probeSuccesses },
    counters: input.counters.toJSON(),
    successRate: successRate(input.counters),
    uptimeRate: uptimeRate(input),
    lastFailure: input.lastFailure,
    latency: input.latency,
    window: input.window,
    strategy: input.strategy,
  };
}

function successRate(counters: LifetimeCounters): number {
  const decided = counters.successes + counters.failures;
  return decided === 0 ? 1 : counters.successes / decided;
}

/** Down time includes the current period when the breaker is not admitting calls. */
function uptimeRate(input: SnapshotInput): number {
  const life = input.now - input.createdAt;
  if (life <= 0) return isDown(input.state) ? 0 : 1;
  const current = isDown(input.state) ? Math.max(0, input.now - input.stateSince) : 0;
  return Math.min(1, Math.max(0, 1 - (input.downMs + current) / life));
}

/** True for the states in which a breaker does not admit ordinary calls. */
export function isDown(state: BreakerState): boolean {
  return state === 'open' || state === 'half_open' || state === 'forced_open';
}
