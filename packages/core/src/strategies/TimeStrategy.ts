import { exceeds, type RateThresholds } from './CountStrategy.ts';
import { type BreakerStrategy, type WindowStats, windowStats } from './types.ts';

/** Options of the `time` strategy: rates over the last `windowMs`. */
export interface TimeStrategyOptions {
  /** Inferred from the other keys when left out. */
  readonly type?: 'time';
  /**
   * Length of the window.
   * @defaultValue `60000`
   */
  readonly windowMs?: number;
  /**
   * Buckets the window is divided into; more buckets expire old calls more smoothly.
   * @defaultValue `10`
   */
  readonly bucketCount?: number;
  /**
   * Failure rate (0–1] at or above which the breaker opens.
   * @defaultValue `0.5`
   */
  readonly failureRate?: number;
  /**
   * Calls the window must hold before any rate can open the breaker.
   * @defaultValue `10`
   */
  readonly minCalls?: number;
  /** A call that takes at least this long is slow. No slow-call tracking when unset. */
  readonly slowCallMs?: number;
  /**
   * Slow-call rate (0–1] at or above which the breaker opens; needs `slowCallMs`.
   * @defaultValue `1`
   */
  readonly slowCallRate?: number;
}

/**
 * Opens when, over the last `windowMs` (and at least `minCalls` calls), the failure rate or
 * slow-call rate reaches its threshold. The window is `bucketCount` fixed buckets of counts;
 * buckets that fall out of the window are cleared lazily as time moves on, so memory is fixed
 * and each call costs O(1) amortised.
 */
export class TimeStrategy implements BreakerStrategy {
  readonly usesTime = true;
  readonly tracksLatency: boolean;
  readonly #windowMs: number;
  readonly #bucketCount: number;
  readonly #bucketMs: number;
  readonly #thresholds: RateThresholds;
  /** Per bucket: calls, failures, slow calls. Allocated on first use. */
  #counts: Int32Array | undefined;
  /** Index (now / bucketMs) of the newest bucket written, or -1. */
  #newest = -1;
  #calls = 0;
  #failures = 0;
  #slow = 0;

  constructor(windowMs: number, bucketCount: number, thresholds: RateThresholds) {
    this.#windowMs = windowMs;
    this.#bucketCount = bucketCount;
    this.#bucketMs = windowMs / bucketCount;
    this.#thresholds = thresholds;
    this.tracksLatency = thresholds.slowCallMs !== undefined;
  }

  onSuccess(now: number, durationMs: number): boolean {
    return this.#record(now, 0, this.#isSlow(durationMs) ? 1 : 0);
  }

  onFailure(now: number, durationMs: number): boolean {
    return this.#record(now, 1, this.#isSlow(durationMs) ? 1 : 0);
  }

  reset(): void {
    this.#counts?.fill(0);
    this.#newest = -1;
    this.#calls = 0;
    this.#failures = 0;
    this.#slow = 0;
  }

  describe() {
    return {
      type: 'time',
      windowMs: this.#windowMs,
      bucketCount: this.#bucketCount,
      ...this.#thresholds,
    } as const;
  }

  stats(now: number): WindowStats {
    this.#expire(Math.floor(now / this.#bucketMs));
    return windowStats(this.#calls, this.#failures, this.#slow);
  }

  #isSlow(durationMs: number): boolean {
    const limit = this.#thresholds.slowCallMs;
    return limit !== undefined && durationMs >= limit;
  }

  #record(now: number, failure: number, slow: number): boolean {
    const index = Math.floor(now / this.#bucketMs);
    this.#expire(index);
    this.#counts ??= new Int32Array(this.#bucketCount * 3);
    const counts = this.#counts;
    const base = (index % this.#bucketCount) * 3;
    counts[base]!++;
    counts[base + 1]! += failure;
    counts[base + 2]! += slow;
    this.#calls++;
    this.#failures += failure;
    this.#slow += slow;
    return exceeds(this.#calls, this.#failures, this.#slow, this.#thresholds);
  }

  /** Clears the buckets between the newest one written and `index`, which are now stale. */
  #expire(index: number): void {
    if (index <= this.#newest) return;
    const counts = this.#counts;
    if (counts !== undefined && this.#newest >= 0) {
      const stale = Math.min(index - this.#newest, this.#bucketCount);
      for (let i = 1; i <= stale; i++) {
        const base = ((this.#newest + i) % this.#bucketCount) * 3;
        this.#calls -= counts[base]!;
        this.#failures -= counts[base + 1]!;
        this.#slow -= counts[base + 2]!;
        counts[base] = 0;
        counts[base + 1] = 0;
        counts[base + 2] = 0;
      }
    }
    this.#newest = index;
  }
}
