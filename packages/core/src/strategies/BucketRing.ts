/**
 * Counters over a sliding time window: `bucketCount` buckets of `fields` numbers each, plus their
 * totals. Buckets that fall out of the window are subtracted and cleared lazily as time moves
 * on, so memory is fixed and each update is O(1) amortised. Used by the adaptive strategies;
 * the storage is allocated on first use (an idle breaker holds none). Not part of the public API.
 */
export class BucketRing {
  readonly #bucketMs: number;
  readonly #bucketCount: number;
  readonly #fields: number;
  /** `bucketCount × fields` counters. */
  #values: Float64Array | undefined;
  /** `fields` totals over the window. */
  #totals: Float64Array | undefined;
  /** Index (now / bucketMs) of the newest bucket, or -1 before the first `advance`. */
  #newest = -1;
  /** Offset of the newest bucket in `#values`. */
  #base = 0;
  /**
   * Monotonic ms at which the newest bucket ends: a call before it needs no division
   * (`advance` is on every call's path).
   */
  #endsAt = Number.NEGATIVE_INFINITY;

  constructor(windowMs: number, bucketCount: number, fields: number) {
    this.#bucketMs = windowMs / bucketCount;
    this.#bucketCount = bucketCount;
    this.#fields = fields;
  }

  get bucketMs(): number {
    return this.#bucketMs;
  }

  /** True when `advance(now)` would leave the newest bucket behind, complete. */
  completes(now: number): boolean {
    return now >= this.#endsAt && this.#newest >= 0;
  }

  /**
   * Makes the bucket holding `now` the newest, clearing those that fell out of the window. A
   * `now` earlier than the newest bucket (a clock that went back) writes into the newest one.
   */
  // hot path: once or twice per call of an adaptive strategy.
  advance(now: number): void {
    if (now < this.#endsAt) return;
    const index = Math.floor(now / this.#bucketMs);
    this.#endsAt = (index + 1) * this.#bucketMs;
    if (index <= this.#newest) return;
    const fields = this.#fields;
    this.#values ??= new Float64Array(this.#bucketCount * fields);
    this.#totals ??= new Float64Array(fields);
    const values = this.#values;
    const totals = this.#totals;
    if (this.#newest >= 0) {
      const stale = Math.min(index - this.#newest, this.#bucketCount);
      for (let i = 1; i <= stale; i++) {
        const base = ((this.#newest + i) % this.#bucketCount) * fields;
        for (let f = 0; f < fields; f++) {
          totals[f]! -= values[base + f]!;
          values[base + f] = 0;
        }
      }
      // Sums of fractions drift; an empty window is exactly empty.
      if (stale === this.#bucketCount) totals.fill(0);
    }
    this.#newest = index;
    this.#base = (index % this.#bucketCount) * fields;
  }

  /** Adds `amount` to `field` of the newest bucket. Call `advance` first. */
  // hot path
  add(field: number, amount: number): void {
    const totals = this.#totals;
    if (totals === undefined) return;
    this.#values![this.#base + field]! += amount;
    totals[field]! += amount;
  }

  /** `field` summed over the window. */
  total(field: number): number {
    const totals = this.#totals;
    return totals === undefined ? 0 : totals[field]!;
  }

  /** `field` of the newest bucket. */
  newest(field: number): number {
    if (this.#values === undefined || this.#newest < 0) return 0;
    return this.#values[this.#base + field]!;
  }

  /** Empties the window. */
  clear(): void {
    this.#values?.fill(0);
    this.#totals?.fill(0);
    this.#newest = -1;
    this.#base = 0;
    this.#endsAt = Number.NEGATIVE_INFINITY;
  }
}
