import { expectNumber, expectObject, type KnownKeys, rejectUnknownKeys } from '../validate.ts';
import { expectJitter } from './expectJitter.ts';
import { applyJitter, type Backoff, type Jitter } from './types.ts';

/** Options for {@link linearBackoff}. */
export interface LinearBackoffOptions {
  /**
   * The first delay.
   * @defaultValue `1000`
   */
  initialMs?: number;
  /**
   * Added to the delay for each further attempt.
   * @defaultValue `initialMs`
   */
  stepMs?: number;
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

const known: KnownKeys<LinearBackoffOptions> = {
  initialMs: true,
  stepMs: true,
  maxMs: true,
  jitter: true,
};

/**
 * `initialMs + stepMs × attempt`, capped at `maxMs`, with optional jitter: 1 s, 2 s, 3 s… by
 * default. Grows more gently than {@link exponentialBackoff}, for dependencies that recover in
 * seconds rather than minutes.
 * @throws BreakwaterConfigError on an invalid option
 * @example `linearBackoff({ initialMs: 500, stepMs: 250, maxMs: 5_000 })`
 */
export function linearBackoff(options: LinearBackoffOptions = {}): Backoff {
  expectObject('linearBackoff options', options);
  rejectUnknownKeys('', options, known);
  const initialMs = expectNumber('initialMs', options.initialMs ?? 1000, 0);
  const stepMs = expectNumber('stepMs', options.stepMs ?? initialMs, 0);
  const maxMs = expectNumber('maxMs', options.maxMs ?? Math.max(30_000, initialMs), initialMs);
  const jitter = expectJitter('jitter', options.jitter ?? 0);
  return Object.freeze({
    delayMs(attempt: number, _previous: number, random: () => number) {
      return applyJitter(Math.min(maxMs, initialMs + stepMs * attempt), jitter, random);
    },
    describe: () =>
      `linear(${initialMs}+${stepMs}, max ${maxMs}${jitter ? `, jitter ${jitter}` : ''})`,
  });
}
