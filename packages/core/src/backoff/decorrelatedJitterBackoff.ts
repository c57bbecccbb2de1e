import { expectNumber, expectObject, type KnownKeys, rejectUnknownKeys } from '../validate.ts';
import type { Backoff } from './types.ts';

/** Options for {@link decorrelatedJitterBackoff}. */
export interface DecorrelatedJitterBackoffOptions {
  /**
   * The smallest delay, and the first.
   * @defaultValue `1000`
   */
  initialMs?: number;
  /**
   * Cap on every delay.
   * @defaultValue `30000`, or `initialMs` when that is longer
   */
  maxMs?: number;
}

const known: KnownKeys<DecorrelatedJitterBackoffOptions> = { initialMs: true, maxMs: true };

/**
 * AWS's "decorrelated jitter": each delay is uniform in [initialMs, previous × 3], capped. It
 * spreads a fleet's retries better than exponential backoff with jitter, with fewer total calls.
 * @see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 * @throws BreakwaterConfigError on an invalid option
 */
export function decorrelatedJitterBackoff(options: DecorrelatedJitterBackoffOptions = {}): Backoff {
  expectObject('decorrelatedJitterBackoff options', options);
  rejectUnknownKeys('', options, known);
  const initialMs = expectNumber('initialMs', options.initialMs ?? 1000, 0);
  const maxMs = expectNumber('maxMs', options.maxMs ?? Math.max(30_000, initialMs), initialMs);
  return Object.freeze({
    delayMs(attempt: number, previousMs: number, random: () => number) {
      if (attempt === 0 || previousMs < initialMs) return initialMs;
      const upper = previousMs * 3;
      return Math.min(maxMs, initialMs + random() * (upper - initialMs));
    },
    describe: () => `decorrelatedJitter(${initialMs}, max ${maxMs})`,
  });
}
