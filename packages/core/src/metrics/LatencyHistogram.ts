/**
 * Upper bounds (ms) of the latency buckets, Prometheus-style; the last bucket is unbounded.
 * Fixed so that every breaker's histogram can be exported and aggregated the same way.
 */
export const latencyBucketsMs: readonly number[] = Object.freeze([
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000,
]);

/** A latency summary for snapshots and metrics. */
export interface LatencySummary {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  /** Cumulative counts per bucket, aligned with {@link latencyBucketsMs} plus `+Inf` last. */
  readonly buckets: readonly number[];
  readonly sumMs: number;
}

/**
 * A fixed-bucket latency histogram: constant memory, O(buckets) per record in the worst case
 * (a short linear scan, faster than a binary search at this size), percentiles estimated by
 * linear interpolation inside a bucket.
 */
export class LatencyHistogram {
  readonly #counts = new Float64Array(latencyBucketsMs.length + 1);
  #count = 0;
  #sum = 0;

  record(durationMs: number): void {
    let index = 0;
    while (index < latencyBucketsMs.length && durationMs > latencyBucketsMs[index]!) index++;
    this.#counts[index]!++;
    this.#count++;
    this.#sum += durationMs;
  }

  summary(): LatencySummary {
    const buckets: number[] = [];
    let running = 0;
    for (const count of this.#counts) {
      running += count;
      buckets.push(running);
    }
    return {
      count: this.#count,
      meanMs: this.#count === 0 ? 0 : this.#sum / this.#count,
      p50Ms: this.#quantile(0.5),
      p90Ms: this.#quantile(0.9),
      p99Ms: this.#quantile(0.99),
      buckets,
      sumMs: this.#sum,
    };
  }

  #quantile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = q * this.#count;
    let seen = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      const inBucket = this.#counts[i]!;
      if (seen + inBucket >= rank && inBucket > 0) {
        const lower = i === 0 ? 0 : latencyBucketsMs[i - 1]!;
        // The unbounded bucket has no upper edge: report its lower edge, an underestimate.
        const upper = latencyBucketsMs[i] ?? lower;
        return lower + ((upper - lower) * (rank - seen)) / inBucket;
      }
      seen += inBucket;
    }
    return latencyBucketsMs.at(-1)!;
  }
}
