/**
 * Tolerance for float drift: a bucket refilled for exactly the computed wait may hold
 * `0.9999999999` of the one token it needs.
 */
export const tokenEpsilon = 1e-9;

/**
 * A token bucket refilled lazily from timestamps, so no timer runs while it refills: each read
 * adds `elapsed × perMs` tokens, up to `capacity`. Times are the clock's `monotonic()`.
 * Internal to the rate limiter; not part of the public API.
 */
export class TokenBucket {
  readonly capacity: number;
  readonly perMs: number;
  #tokens: number;
  #at: number;

  constructor(capacity: number, perMs: number, now: number) {
    this.capacity = capacity;
    this.perMs = perMs;
    this.#tokens = capacity;
    this.#at = now;
  }

  /** The tokens available at `now` (which must not go backwards). */
  tokens(now: number): number {
    if (now > this.#at) {
      this.#tokens = Math.min(this.capacity, this.#tokens + (now - this.#at) * this.perMs);
      this.#at = now;
    }
    return this.#tokens;
  }

  /**
   * Milliseconds from `now` until `weight` tokens have accumulated, assuming everything taken
   * meanwhile is what `weight` counts; 0 when they are there now. `weight` may exceed the
   * capacity when it sums several queued calls that take their share as it arrives.
   */
  msUntil(weight: number, now: number): number {
    const missing = weight - this.tokens(now);
    return missing <= tokenEpsilon ? 0 : missing / this.perMs;
  }

  /** Removes `weight` tokens; call after {@link TokenBucket.tokens} at the same `now`. */
  take(weight: number): void {
    this.#tokens = Math.max(0, this.#tokens - weight);
  }

  /** Lowers the tokens to at most `max`. */
  clamp(max: number): void {
    if (this.#tokens > max) this.#tokens = max;
  }
}
