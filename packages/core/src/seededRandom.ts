/**
 * A small, well-distributed seeded generator of numbers in [0, 1) (mulberry32, public domain):
 * the same seed gives the same sequence, for reproducible jitter, sampling and fault injection
 * in tests. Not for anything security-related.
 * @example
 * ```ts
 * const random = seededRandom(42);
 * const clock = new ManualClock({ random });
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
