/**
 * How a closed breaker decides to open: consecutive failures, a count window or a time window,
 * and later adaptive throttling. A strategy only answers questions; the breaker owns the state
 * machine and every transition (like cockatiel's breakers).
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
  /** May refuse a call while closed (adaptive throttling); absent means always admit. */
  admit?(now: number): boolean;
  /** Forgets everything recorded, as after the breaker closes. */
  reset(): void;
  /** The strategy's configuration, for snapshots and benchmarks. */
  describe(): Readonly<Record<string, unknown>>;
  /** What the window holds now, for snapshots. */
  stats(now: number): WindowStats;
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
