/**
 * How a closed breaker decides to open or to turn calls away: consecutive failures, a count or
 * time window, an adaptive threshold, or adaptive throttling. A strategy only answers questions;
 * the breaker owns the state machine and every transition (like cockatiel's breakers).
 */
export interface BreakerStrategy {
  /** When false, the breaker passes `now = 0` and reads no clock for the strategy. */
  readonly usesTime: boolean;
  /** When true, the breaker measures each call's duration and passes it as `durationMs`. */
  readonly tracksLatency: boolean;
  /** Records a success; returns true when the breaker should open (a slow-call rate). */
  onSuccess(now: number, durationMs: number): boolean;
  /** Records a failure; returns true when the breaker should open. */
  onFailure(now: number, durationMs: number): boolean;
  /**
   * Asked before each call while the breaker is closed; absent means always admit. `true`
   * admits; `false` or an {@link AdmissionRefusal} rejects the call with a
   * `BreakerOpenError` whose `state` is `'closed'` (and whose `rejectionRate` is the refusal's).
   * A strategy with `admit` sees every admitted call end in exactly one of `onSuccess`,
   * `onFailure` or `onUncounted`.
   */
  admit?(now: number): boolean | AdmissionRefusal;
  /**
   * A call that `admit` let through ended without an outcome for the window: it was ignored,
   * cancelled or released, or it ended after the breaker had left `closed`. Lets a strategy that
   * counts calls in flight stay exact.
   */
  onUncounted?(now: number): void;
  /** Forgets everything recorded, as after the breaker closes. */
  reset(): void;
  /** The strategy's configuration, for snapshots and benchmarks. */
  describe(): Readonly<Record<string, unknown>>;
  /** What the window holds now, for snapshots. */
  stats(now: number): WindowStats;
}

/** Why a strategy's `admit` turned a call away, carried by the `BreakerOpenError`. */
export interface AdmissionRefusal {
  /** The share (0–1) of calls the strategy rejects at the moment, when it rejects at random. */
  readonly rejectionRate?: number;
}

/** What a strategy's window holds at a moment. */
export interface WindowStats {
  /** Calls in the window (for `consecutive`: the current run of failures). */
  readonly calls: number;
  readonly failures: number;
  readonly slowCalls: number;
  /** failures / calls, 0 when the window is empty. */
  readonly failureRate: number;
  /** slowCalls / calls, 0 when the window is empty. */
  readonly slowCallRate: number;
}

/** Computes {@link WindowStats} from counts. */
export function windowStats(calls: number, failures: number, slowCalls: number): WindowStats {
  return {
    calls,
    failures,
    slowCalls,
    failureRate: calls === 0 ? 0 : failures / calls,
    slowCallRate: calls === 0 ? 0 : slowCalls / calls,
  };
}
