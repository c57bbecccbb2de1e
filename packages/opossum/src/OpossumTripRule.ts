import type { BreakerStrategy, WindowStats } from '@breakwater/core/adapter';
import { type BreakerParts, warmingUp } from './call/BreakerParts.ts';
import { counter } from './status/counters.ts';

/**
 * opossum's rule for opening a closed breaker, as a core strategy: after a failure, open when the
 * window holds at least `volumeThreshold` fires and failures / fires × 100 exceeds
 * `errorThresholdPercentage` (strictly), unless the breaker is warming up.
 *
 * The counts are the drop-in's rolling window, which the breaker updates before it settles the
 * call with the core, so the failure being recorded is already counted (as in opossum, whose
 * window listener runs before its check). Fires include rejected and cached calls: opossum's
 * denominator, kept so thresholds tuned on opossum mean the same here. The core asks only while
 * closed; half-open probes are the core's (any failed probe re-opens, as in opossum).
 */
export class OpossumTripRule implements BreakerStrategy {
  readonly usesTime = false;
  readonly tracksLatency = false;
  readonly #parts: BreakerParts<never, unknown>;

  /** Reads the breaker's options, window and warm-up from its parts: no copy per breaker. */
  constructor(parts: BreakerParts<never, unknown>) {
    this.#parts = parts;
  }

  onSuccess(): boolean {
    return false;
  }

  onFailure(): boolean {
    const parts = this.#parts;
    const { volumeThreshold, errorThresholdPercentage } = parts.options;
    const fires = parts.window.total(counter.fires);
    if (fires < volumeThreshold) return false;
    // As opossum: with no fire left in the window (a rotation between a call and its failure)
    // the rate is Infinity and the breaker opens.
    const failures = parts.window.total(counter.failures);
    return (failures / fires) * 100 > errorThresholdPercentage && !warmingUp(parts);
  }

  /**
   * opossum keeps its window when the breaker closes (its stats are a rolling view, not the trip
   * state), so there is nothing to forget here.
   */
  reset(): void {}

  describe(): Readonly<Record<string, unknown>> {
    const o = this.#parts.options;
    return {
      type: 'opossum',
      errorThresholdPercentage: o.errorThresholdPercentage,
      volumeThreshold: o.volumeThreshold,
      rollingCountTimeout: o.rollingCountTimeout,
      rollingCountBuckets: o.rollingCountBuckets,
    };
  }

  stats(): WindowStats {
    const calls = this.#parts.window.total(counter.fires);
    const failures = this.#parts.window.total(counter.failures);
    return {
      calls,
      failures,
      slowCalls: 0,
      failureRate: calls === 0 ? 0 : failures / calls,
      slowCallRate: 0,
    };
  }
}
