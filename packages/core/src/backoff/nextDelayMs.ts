import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import type { Backoff } from './types.ts';

/**
 * The next delay of `backoff`, safe from a custom backoff's mistakes: a delay that is not a
 * finite number >= 0 (`NaN` would make an open period vanish, a negative one end it at once),
 * or a `delayMs` that throws, is reported through `report` and replaced by `fallback`'s delay
 * for the same attempt. The built-in backoffs never trigger it.
 *
 * @param path - the option that holds the backoff, for the error (`recovery`, `backoff`)
 */
export function nextDelayMs(
  backoff: Backoff,
  attempt: number,
  previousMs: number,
  random: () => number,
  fallback: Backoff,
  path: string,
  report: (error: unknown, source: string) => void,
): number {
  let delay: unknown;
  try {
    delay = backoff.delayMs(attempt, previousMs, random);
  } catch (error) {
    report(error, path);
    return fallback.delayMs(attempt, previousMs, random);
  }
  if (typeof delay === 'number' && delay >= 0 && delay !== Infinity) return delay;
  report(
    new BreakwaterConfigError(
      path,
      'a Backoff whose delayMs() returns a finite number >= 0',
      delay,
    ),
    path,
  );
  return fallback.delayMs(attempt, previousMs, random);
}
