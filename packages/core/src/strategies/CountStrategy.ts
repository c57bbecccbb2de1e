import { type BreakerStrategy, type WindowStats, windowStats } from './types.ts';

/** Options of the `count` strategy: rates over the last `callCount` calls. */
export interface CountStrategyOptions {
  /** Inferred from the other keys when left out. */
  readonly type?: 'count';
  /**
   * Calls the window holds.
   * @defaultValue `100`
   */
  readonly callCount?: number;
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
   * @defaultValue `1` (only when every call in the window is slow)
   */
  readonly slowCallRate?: number;
}

/** Resolved settings shared by the count and time strategies. */
export interface RateThresholds {
  readonly failureRate: number;
  readonly minCalls: number;
  readonly slowCallMs: number | undefined;
  readonly slowCallRate: number;
}

const FAILURE = 1;
const SLOW = 2;

/**
 * Opens when, over the last `callCount` calls (and at least `minCalls`), the failure rate or the
 * slow-call rate reaches its threshold. The window is one byte per call in a ring, allocated
 * on first use and overwritten in place.
 */
export class CountStrategy implements BreakerStrategy {
  readonly usesTime = false;
  readonly tracksLatency: boolean;
  readonly #size: number;
  readonly #thresholds: RateThresholds;
  #ring: Uint8Array | undefined;
  #next = 0;
  #calls = 0;
  #failures = 0;
  #slow = 0;

  constructor(size: number, thresholds: RateThresholds) {
    this.#size = size;
    this.#thresholds = thresholds;
    this.tracksLatency = thresholds.slowCallMs !== undefined;
  }

  onSuccess(_now: number, durationMs: number): boolean {
    return this.#record(this.#isSlow(durationMs) ? SLOW : 0);
  }

  onFailure(_now: number, durationMs: number): boolean {
    return this.#record(FAILURE | (this.#isSlow(durationMs) ? SLOW : 0));
  }

  reset(): void {
    this.#ring?.fill(0);
    this.#next = 0;
    this.#calls = 0;
    this.#failures = 0;
    this.#slow = 0;
  }

  describe() {
    return { type: 'count', callCount: this.#size, ...this.#thresholds } as const;
  }

  stats(): WindowStats {
    return windowStats(this.#calls, this.#failures, this.#slow);
  }

  #isSlow(durationMs: number): boolean {
    const limit = this.#thresholds.slowCallMs;
    return limit !== undefined && durationMs >= limit;
  }

  #record(flags: number): boolean {
    this.#ring ??= new Uint8Array(this.#size);
    if (this.#calls === this.#size) {
      const old = this.#ring[this.#next]!;
      if (old & FAILURE) this.#failures--;
      if (old & SLOW) this.#slow--;
    } else {
      this.#calls++;
    }
    this.#ring[this.#next] = flags;
    this.#next = (this.#next + 1) % this.#size;
    if (flags & FAILURE) this.#failures++;
    if (flags & SLOW) this.#slow++;
    return exceeds(this.#calls, this.#failures, this.#slow, this.#thresholds);
  }
}

/** True when the rates over `calls` reach a threshold. */
export function exceeds(calls: number, failures: number, slow: number, t: RateThresholds): boolean {
  if (calls < t.minCalls || calls === 0) return false;
  if (failures / calls >= t.failureRate) return true;
  return t.slowCallMs !== undefined && slow / calls >= t.slowCallRate;
}
