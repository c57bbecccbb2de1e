import { expectNumber, expectObject, type KnownKeys, rejectUnknownKeys } from '../validate.ts';
import { expectJitter } from './expectJitter.ts';
import { applyJitter, type Backoff, type Jitter } from './types.ts';

/** Options for {@link fibonacciBackoff}. */
export interface FibonacciBackoffOptions {
  /**
   * The first delay, and the unit of the sequence.
   * @defaultValue `1000`
   */
  initialMs?: number;
  /**
   * Cap on the delay before jitter.
   * @defaultValue `30000`, or `initialMs` when that is longer
   */
  maxMs?: number;
  /**
   * Randomness added to each delay.
   * @defaultValue `0`
   */
  jitter?: Jitter;
}

const known: KnownKeys<FibonacciBackoffOptions> = { initialMs: true, maxMs: true, jitter: true };

/**
 * `initialMs` times the Fibonacci numbers from 1, 2: 1 s, 2 s, 3 s, 5 s, 8 s… by default, capped
 * at `maxMs`, with optional jitter. It grows between {@link linearBackoff} and
 * {@link exponentialBackoff} (a factor of about 1.6 per attempt).
 * @throws BreakwaterConfigError on an invalid option
 * @example `fibonacciBackoff({ initialMs: 100, maxMs: 10_000, jitter: 'equal' })`
 */
export function fibonacciBackoff(options: FibonacciBackoffOptions = {}): Backoff {
  expectObject('fibonacciBackoff options', options);
  rejectUnknownKeys('', options, known);
  const initialMs = expectNumber('initialMs', options.initialMs ?? 1000, 0);
  const maxMs = expectNumber('maxMs', options.maxMs ?? Math.max(30_000, initialMs), initialMs);
  const jitter = expectJitter('jitter', options.jitter ?? 0);
  return Object.freeze({
    delayMs(attempt: number, _previous: number, random: () => number) {
      // Stops as soon as the cap is reached, so a breaker's 1000th recovery costs a few steps.
      let current = 1;
      let next = 2;
      for (let i = 0; i < attempt && initialMs * current < maxMs; i++) {
        const sum = current + next;
        current = next;
        next = sum;
      }
      return applyJitter(Math.min(maxMs, initialMs * current), jitter, random);
    },
    describe: () => `fibonacci(${initialMs}, max ${maxMs}${jitter ? `, jitter ${jitter}` : ''})`,
  });
}
