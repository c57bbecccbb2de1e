/**
 * Counters over a sliding time window: `bucketCount` buckets of `fields` numbers each, plus their
 * totals. Buckets that fall out of the window are subtracted and cleared lazily as time moves
 * on, so memory is fixed and each update is O(1) amortised. Used by the adaptive strategies;
 * the storage is allocated on first use. Not part of the public API.
 */
export class BucketRing {
  readonly #bucketMs: number;
  readonly #bucketCount: number;
  readonly #fields: number;
  /** `bucketCount × fields` counters, then `fields` totals. */
  #values: Float64Array | undefined;
  /** Index (now / bucketMs) of the newest bucket, or -1 before the first `advance`. */
  #newest = -1;

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
    return this.#newest >= 0 && Math.floor(now / this.#bucketMs) > this.#newest;
  }

  /**
   * Makes the bucket holding `now` the newest, clearing those that fell out of the window. A
   * `now` earlier than the newest bucket (a clock that went back) writes into the newest one.
   */
  advance(now: number): void {
    const index = Math.floor(now / this.#bucketMs);
    if (index <= this.#newest) return;
    const values = this.#values;
    if (values !== undefined && this.#newest >= 0) {
      const fields = this.#fields;
      const totals = this.#bucketCount * fields;
      const stale = Math.min(index - this.#newest, this.#bucketCount);
      for (let i = 1; i <= stale; i++) {
        const base = ((this.#newest + i) % this.#bucketCount) * fields;
        for (let f = 0; f < fields; f++) {
          values[totals + f]! -= values[base + f]!;
          values[base + f] = 0;
        }
      }
      // Sums of fractions drift; an empty window is exactly empty.
      if (stale === this.#bucketCount) values.fill(0, totals);
    }
    this.#newest = index;
  }

  /** Adds `amount` to `field` of the newest bucket. Call `advance` first. */
  add(field: number, amount: number): void {
    this.#values ??= new Float64Array((this.#bucketCount + 1) * this.#fields);
    const base = (Math.max(0, this.#newest) % this.#bucketCount) * this.#fields;
    this.#values[base + field]! += amount;
    this.#values[this.#bucketCount * this.#fields + field]! += amount;
  }

  /** `field` summed over the window. */
  total(field: number): number {
    return this.#values?.[this.#bucketCount * this.#fields + field] ?? 0;
  }

  /** `field` of the newest bucket. */
  newest(field: number): number {
    if (this.#values === undefined || this.#newest < 0) return 0;
    return this.#values[(this.#newest % this.#bucketCount) * this.#fields + field]!;
  }

  /** Empties the window. */
  clear(): void {
    this.#values?.fill(0);
    this.#newest = -1;
  }
}
