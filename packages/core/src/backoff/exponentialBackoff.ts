import { expectNumber, expectObject, type KnownKeys, rejectUnknownKeys } from '../validate.ts';
import { expectJitter } from './expectJitter.ts';
import { applyJitter, type Backoff, type Jitter } from './types.ts';

/** Options for {@link exponentialBackoff}. */
export interface ExponentialBackoffOptions {
  /**
   * The first delay.
   * @defaultValue `1000`
   */
  initialMs?: number;
  /**
   * Multiplier applied per attempt.
   * @defaultValue `2`
   */
  factor?: number;
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

const known: KnownKeys<ExponentialBackoffOptions> = {
  initialMs: true,
  factor: true,
  maxMs: true,
  jitter: true,
};

/**
 * `initialMs × factor^attempt`, capped at `maxMs`, with optional jitter.
 * @throws BreakwaterConfigError on an invalid option
 * @example `exponentialBackoff({ initialMs: 1_000, maxMs: 60_000, jitter: 0.2 })`
 */
export function exponentialBackoff(options: ExponentialBackoffOptions = {}): Backoff {
  expectObject('exponentialBackoff options', options);
  rejectUnknownKeys('', options, known);
  const initialMs = expectNumber('initialMs', options.initialMs ?? 1000, 0);
  const factor = expectNumber('factor', options.factor ?? 2, 1);
  const maxMs = expectNumber('maxMs', options.maxMs ?? Math.max(30_000, initialMs), initialMs);
  const jitter = expectJitter('jitter', options.jitter ?? 0);
  return Object.freeze({
    delayMs(attempt: number, _previous: number, random: () => number) {
      const delay = Math.min(maxMs, initialMs * factor ** attempt);
      return applyJitter(delay, jitter, random);
    },
    describe: () =>
      `exponential(${initialMs}×${factor}, max ${maxMs}${jitter ? `, jitter ${jitter}` : ''})`,
  });
}
