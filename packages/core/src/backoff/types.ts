/**
 * The one backoff family of Breakwater: the breaker's recovery delay, the retry policy's delays
 * and WebSocket reconnect delays all come from a `Backoff`.
 *
 * A backoff is a pure, immutable description: `delayMs` maps an attempt number (0-based) and the
 * previous delay to the next delay, drawing randomness only from the `random` it is given (the
 * clock's), so sequences are reproducible in tests and one backoff can serve many breakers.
 */
export interface Backoff {
  /**
   * The delay before attempt `attempt` (0 for the first), in milliseconds.
   * @param previousMs - the delay returned for the previous attempt (0 before the first)
   * @param random - a source of numbers in [0, 1)
   */
  delayMs(attempt: number, previousMs: number, random: () => number): number;
  /** A short description for snapshots and benchmarks, e.g. `exponential(1000×2, max 30000)`. */
  describe(): string;
}

/**
 * How much randomness to add to a computed delay:
 * - a ratio `r` in [0, 1]: the delay is spread uniformly over ±r of its value;
 * - `'full'`: uniform in [0, delay] (AWS "full jitter");
 * - `'equal'`: uniform in [delay/2, delay] (AWS "equal jitter").
 */
export type Jitter = number | 'full' | 'equal';

/** Applies {@link Jitter} to a delay. */
export function applyJitter(delay: number, jitter: Jitter, random: () => number): number {
  if (jitter === 'full') return random() * delay;
  if (jitter === 'equal') return delay / 2 + (random() * delay) / 2;
  if (jitter === 0) return delay;
  return Math.max(0, delay * (1 - jitter + 2 * jitter * random()));
}
